using System.Globalization;
using System.Text;
using Haechi.Core.Review;
using Haechi.Core.Takedowns;
using Haechi.Data;
using Haechi.Data.Takedowns;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Server.Features.Takedowns;

/// <summary>Notices and removals of one host or platform; times to removal in hours (null when nothing was removed).</summary>
internal sealed record RemovalRow(string Key, int Noticed, int Removed, double? MedianHours, double? P90Hours);

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
        var items = await db.NoticedItems.AsNoTracking()
            .Select(n => new Item(n.Host, n.ContactId, n.Status, n.FirstSeenAt, n.FirstNoticeAt, n.RemovedAt, n.EscalatedAt))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
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
            Row("all", noticed),
            [.. noticed.GroupBy(i => i.Host, StringComparer.Ordinal).Select(g => Row(g.Key, g)).OrderByDescending(r => r.Noticed).ThenBy(r => r.Key, StringComparer.Ordinal)],
            [.. noticed.GroupBy(i => contacts.GetValueOrDefault(i.ContactId, "?"), StringComparer.Ordinal).Select(g => Row(g.Key, g)).OrderByDescending(r => r.Noticed).ThenBy(r => r.Key, StringComparer.Ordinal)],
            [.. Enum.GetValues<OpenAgeBucket>().Select(b => new CountRow(b.ToString(), ageCounts[(int)b]))],
            [.. reports.GroupBy(r => r.Intake, StringComparer.Ordinal).Select(g => new CountRow(g.Key, g.Count())).OrderBy(r => r.Key, StringComparer.Ordinal)],
            [.. reports.GroupBy(r => r.Platform).Select(g => new CountRow(g.Key.ToString(), g.Count())).OrderBy(r => r.Key, StringComparer.Ordinal)],
            [.. review.GroupBy(d => d?.ToString() ?? "None").Select(g => new CountRow(g.Key, g.Count())).Append(new CountRow("Open", openReview)).OrderBy(r => r.Key, StringComparer.Ordinal)]);
    }

    /// <summary>The same figures as CSV (RFC 4180, invariant culture): section, key, count, removed, median_hours, p90_hours.</summary>
    public static string ToCsv(TakedownStatistics stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        var csv = new StringBuilder();
        csv.Append("section,key,count,removed,median_hours,p90_hours\r\n");
        void Count(string section, string key, int count) => csv.Append(Field(section)).Append(',').Append(Field(key)).Append(',').Append(count.ToString(CultureInfo.InvariantCulture)).Append(",,,\r\n");
        void Removal(string section, RemovalRow row) => csv.Append(Field(section)).Append(',').Append(Field(row.Key)).Append(',')
            .Append(row.Noticed.ToString(CultureInfo.InvariantCulture)).Append(',').Append(row.Removed.ToString(CultureInfo.InvariantCulture)).Append(',')
            .Append(Hours(row.MedianHours)).Append(',').Append(Hours(row.P90Hours)).Append("\r\n");
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

    private static RemovalRow Row(string key, IEnumerable<Item> group)
    {
        var list = group.ToList();
        var hours = list.Where(i => i.Status == NoticeStatus.Removed && i.RemovedAt is not null)
            .Select(i => (i.RemovedAt!.Value - i.FirstNoticeAt!.Value).TotalHours).ToArray();
        return new RemovalRow(key, list.Count, hours.Length,
            RemovalStatistics.Percentile(hours.AsSpan(), 0.5)?.TotalHours,
            RemovalStatistics.Percentile(hours.AsSpan(), 0.9)?.TotalHours);
    }

    private sealed record Item(string Host, long ContactId, NoticeStatus Status, DateTimeOffset FirstSeenAt, DateTimeOffset? FirstNoticeAt, DateTimeOffset? RemovedAt, DateTimeOffset? EscalatedAt);
}
