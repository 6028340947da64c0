using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Haechi.Core.Hashing;
using Haechi.Core.Review;
using Haechi.Core.Takedowns;
using Haechi.Data;
using Haechi.Data.Takedowns;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Server.Features.Takedowns;

/// <summary>
/// Notices and removals of one host or platform: times to removal in hours (null when nothing was
/// removed), the shares removed within 24 h and 48 h of the first notice (see <see cref="RemovalShare"/>),
/// and how many removed items were seen again on the same host after their removal.
/// </summary>
internal sealed record RemovalRow(string Key, int Noticed, int Removed, double? MedianHours, double? P90Hours, RemovalShare Within24Hours, RemovalShare Within48Hours, int Reappeared)
{
    /// <summary>Removed items seen again on the same host, of the removed ones; null when nothing was removed.</summary>
    public double? ReappearanceRate => Removed == 0 ? null : (double)Reappeared / Removed;
}

/// <summary>A count under a label.</summary>
internal sealed record CountRow(string Key, int Count);

/// <summary>The statistics page's figures (the CSV export carries the same).</summary>
internal sealed record TakedownStatistics(
    int NoticesSent,
    int NoticesPending,
    int NoticesFailed,
    int ItemsNoticed,
    int Removals,
    int Escalations,
    RemovalRow All,
    IReadOnlyList<RemovalRow> ByHost,
    IReadOnlyList<RemovalRow> ByPlatform,
    IReadOnlyList<CountRow> OpenByAge,
    IReadOnlyList<CountRow> ReportsBySource,
    IReadOnlyList<CountRow> ReportsByPlatform,
    IReadOnlyList<CountRow> ReviewByCategory);

/// <summary>Computes the statistics from the store; percentiles and age brackets come from <see cref="RemovalStatistics"/>.</summary>
internal sealed class GetTakedownStatistics(HaechiDbContext db, TimeProvider time)
{
    public async Task<TakedownStatistics> ExecuteAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var notices = await db.TakedownNotices.AsNoTracking().GroupBy(n => n.Delivery).Select(g => new { g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var contacts = await db.PlatformContacts.AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken).ConfigureAwait(false);
        var rows = await db.NoticedItems.AsNoTracking()
            .Select(n => new
            {
                n.Id,
                n.Host,
                n.ContactId,
                n.Status,
                n.FirstSeenAt,
                n.FirstNoticeAt,
                n.RemovedAt,
                n.EscalatedAt,
                n.Sha256,
                n.Pdq,
                EntryId = db.ReviewItems.Where(r => r.Id == n.ReviewItemId).Select(r => r.MatchedEntryId).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var sightings = await SightingsAfterAsync(rows.Where(r => r.RemovedAt is not null).Select(r => r.RemovedAt!.Value).DefaultIfEmpty().Min(), cancellationToken).ConfigureAwait(false);
        foreach (var r in rows)
        {
            // Another noticed URL on the same host is a sighting too (when Haechi first saw it).
            Add(sightings, new ContentSighting(r.Host, r.FirstSeenAt, Hash(r.Sha256), Hash(r.Pdq), r.EntryId));
        }

        var items = new List<Item>(rows.Count);
        foreach (var r in rows)
        {
            var reappeared = r.Status == NoticeStatus.Removed && r.RemovedAt is { } removedAt
                && sightings.TryGetValue(r.Host, out var onHost)
                && RemovalStatistics.Reappeared(new ContentSighting(r.Host, removedAt, Hash(r.Sha256), Hash(r.Pdq), r.EntryId), CollectionsMarshal.AsSpan(onHost));
            items.Add(new Item(r.Host, r.ContactId, r.Status, r.FirstSeenAt, r.FirstNoticeAt, r.RemovedAt, r.EscalatedAt, reappeared));
        }

        var noticed = items.Where(i => i.FirstNoticeAt is not null).ToList();

        var open = noticed.Where(i => i.Status is NoticeStatus.ReferredToHost or NoticeStatus.ReferredToPolice).Select(i => i.FirstNoticeAt!.Value).ToArray();
        var ageCounts = new int[RemovalStatistics.AgeBucketCount];
        RemovalStatistics.CountByAge(open, now, ageCounts);

        var reports = await db.Reports.AsNoTracking().Select(r => new { r.Intake, r.Platform }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var review = await db.ReviewItems.AsNoTracking().Where(r => r.Status != ReviewStatus.Open).Select(r => r.Decision).ToListAsync(cancellationToken).ConfigureAwait(false);
        var openReview = await db.ReviewItems.AsNoTracking().CountAsync(r => r.Status == ReviewStatus.Open, cancellationToken).ConfigureAwait(false);

        return new TakedownStatistics(
            notices.Where(n => n.Key == NoticeDelivery.Sent).Sum(n => n.Count),
            notices.Where(n => n.Key == NoticeDelivery.Pending).Sum(n => n.Count),
            notices.Where(n => n.Key == NoticeDelivery.Failed).Sum(n => n.Count),
            noticed.Count,
            noticed.Count(i => i.Status == NoticeStatus.Removed),
            noticed.Count(i => i.EscalatedAt is not null),
            Row("all", noticed, now),
            [.. noticed.GroupBy(i => i.Host, StringComparer.Ordinal).Select(g => Row(g.Key, g, now)).OrderByDescending(r => r.Noticed).ThenBy(r => r.Key, StringComparer.Ordinal)],
            [.. noticed.GroupBy(i => contacts.GetValueOrDefault(i.ContactId, "?"), StringComparer.Ordinal).Select(g => Row(g.Key, g, now)).OrderByDescending(r => r.Noticed).ThenBy(r => r.Key, StringComparer.Ordinal)],
            [.. Enum.GetValues<OpenAgeBucket>().Select(b => new CountRow(b.ToString(), ageCounts[(int)b]))],
            [.. reports.GroupBy(r => r.Intake, StringComparer.Ordinal).Select(g => new CountRow(g.Key, g.Count())).OrderBy(r => r.Key, StringComparer.Ordinal)],
            [.. reports.GroupBy(r => r.Platform).Select(g => new CountRow(g.Key.ToString(), g.Count())).OrderBy(r => r.Key, StringComparer.Ordinal)],
            [.. review.GroupBy(d => d?.ToString() ?? "None").Select(g => new CountRow(g.Key, g.Count())).Append(new CountRow("Open", openReview)).OrderBy(r => r.Key, StringComparer.Ordinal)]);
    }

    /// <summary>
    /// The same figures as CSV (RFC 4180, invariant culture): section, key, count, removed, median_hours,
    /// p90_hours, then for removal rows the shares removed within 24 h and 48 h (0..1, of the eligible
    /// items, with their counts), the removed items seen again on the same host and that rate (0..1).
    /// </summary>
    public static string ToCsv(TakedownStatistics stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        var csv = new StringBuilder();
        csv.Append("section,key,count,removed,median_hours,p90_hours,within_24h,within_24h_count,within_24h_eligible,within_48h,within_48h_count,within_48h_eligible,reappeared,reappearance_rate\r\n");
        void Count(string section, string key, int count) => csv.Append(Field(section)).Append(',').Append(Field(key)).Append(',').Append(count.ToString(CultureInfo.InvariantCulture)).Append(",,,,,,,,,,,\r\n");
        void Removal(string section, RemovalRow row) => csv.Append(Field(section)).Append(',').Append(Field(row.Key)).Append(',')
            .Append(row.Noticed.ToString(CultureInfo.InvariantCulture)).Append(',').Append(row.Removed.ToString(CultureInfo.InvariantCulture)).Append(',')
            .Append(Hours(row.MedianHours)).Append(',').Append(Hours(row.P90Hours)).Append(',')
            .Append(Share(row.Within24Hours)).Append(',').Append(Share(row.Within48Hours)).Append(',')
            .Append(row.Reappeared.ToString(CultureInfo.InvariantCulture)).Append(',').Append(Hours(row.ReappearanceRate)).Append("\r\n");
        Count("notices", "sent", stats.NoticesSent);
        Count("notices", "pending", stats.NoticesPending);
        Count("notices", "failed", stats.NoticesFailed);
        Count("items", "noticed", stats.ItemsNoticed);
        Count("items", "removed", stats.Removals);
        Count("items", "escalated", stats.Escalations);
        Removal("removal", stats.All);
        foreach (var row in stats.ByHost)
        {
            Removal("removal_by_host", row);
        }

        foreach (var row in stats.ByPlatform)
        {
            Removal("removal_by_platform", row);
        }

        foreach (var row in stats.OpenByAge)
        {
            Count("open_by_age", row.Key, row.Count);
        }

        foreach (var row in stats.ReportsBySource)
        {
            Count("reports_by_source", row.Key, row.Count);
        }

        foreach (var row in stats.ReportsByPlatform)
        {
            Count("reports_by_platform", row.Key, row.Count);
        }

        foreach (var row in stats.ReviewByCategory)
        {
            Count("review_by_category", row.Key, row.Count);
        }

        return csv.ToString();
    }

    private static string Share(RemovalShare share) =>
        Hours(share.Fraction) + "," + share.Within.ToString(CultureInfo.InvariantCulture) + "," + share.Eligible.ToString(CultureInfo.InvariantCulture);

    public static string Hours(double? hours) => hours is { } h ? h.ToString("0.######", CultureInfo.InvariantCulture) : string.Empty;

    private static string Field(string value)
    {
        // Quote when needed, and neutralise spreadsheet formulas (a host or platform name is input).
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    /// <summary>
    /// Where content was seen after <paramref name="since"/> (the earliest removal), by host: ingested
    /// items with a URL (when fetched) and review items with a URL (when queued). Noticed items are added by the caller.
    /// </summary>
    private async Task<Dictionary<string, List<ContentSighting>>> SightingsAfterAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var byHost = new Dictionary<string, List<ContentSighting>>(StringComparer.OrdinalIgnoreCase);
        if (since == default)
        {
            return byHost;
        }

        var ingested = await db.IngestItems.AsNoTracking()
            .Where(i => i.Url != null && i.FetchedAt != null)
            .Select(i => new { i.Url, i.FetchedAt, i.Sha256, i.Pdq, i.MatchedEntryId })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var i in ingested)
        {
            // The time filter runs here: SQLite cannot compare DateTimeOffset values in SQL.
            if (i.FetchedAt > since && HostOf(i.Url) is { } host)
            {
                Add(byHost, new ContentSighting(host, i.FetchedAt!.Value, Hash(i.Sha256), Hash(i.Pdq), i.MatchedEntryId));
            }
        }

        var reviewed = await db.ReviewItems.AsNoTracking()
            .Where(r => r.Url != null)
            .Select(r => new { r.Url, r.CreatedAt, r.Sha256, r.Pdq, r.MatchedEntryId })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var r in reviewed)
        {
            if (r.CreatedAt > since && HostOf(r.Url) is { } host)
            {
                Add(byHost, new ContentSighting(host, r.CreatedAt, Hash(r.Sha256), Hash(r.Pdq), r.MatchedEntryId));
            }
        }

        return byHost;
    }

    private static void Add(Dictionary<string, List<ContentSighting>> byHost, ContentSighting sighting)
    {
        if (!byHost.TryGetValue(sighting.Host, out var list))
        {
            byHost[sighting.Host] = list = [];
        }

        list.Add(sighting);
    }

    private static string? HostOf(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.IdnHost.ToLowerInvariant() : null;

    private static Hash256? Hash(byte[]? bytes) => bytes is { Length: 32 } ? Hash256.ReadBigEndian(bytes) : null;

    private static RemovalRow Row(string key, IEnumerable<Item> group, DateTimeOffset now)
    {
        var list = group.ToList();
        var hours = list.Where(i => i.Status == NoticeStatus.Removed && i.RemovedAt is not null)
            .Select(i => (i.RemovedAt!.Value - i.FirstNoticeAt!.Value).TotalHours).ToArray();
        var firstNotice = list.Select(i => i.FirstNoticeAt!.Value).ToArray();
        var removedAt = list.Select(i => i.Status == NoticeStatus.Removed ? i.RemovedAt : null).ToArray();
        return new RemovalRow(key, list.Count, hours.Length,
            RemovalStatistics.Percentile(hours.AsSpan(), 0.5)?.TotalHours,
            RemovalStatistics.Percentile(hours.AsSpan(), 0.9)?.TotalHours,
            RemovalStatistics.ShareRemovedWithin(firstNotice, removedAt, now, TimeSpan.FromHours(24)),
            RemovalStatistics.ShareRemovedWithin(firstNotice, removedAt, now, TimeSpan.FromHours(48)),
            list.Count(i => i.Reappeared));
    }

    private sealed record Item(string Host, long ContactId, NoticeStatus Status, DateTimeOffset FirstSeenAt, DateTimeOffset? FirstNoticeAt, DateTimeOffset? RemovedAt, DateTimeOffset? EscalatedAt, bool Reappeared);
}
