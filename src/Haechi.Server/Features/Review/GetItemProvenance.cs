using System.Globalization;
using Haechi.Core.Review;
using Haechi.Data;
using Haechi.Data.Telegram;
using Haechi.Pipeline.Ingestion;
using Haechi.Pipeline.Telegram;
using Haechi.Pipeline.Watching;
using Haechi.Server.Features.Ingestion.WebSources;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Server.Features.Review;

/// <summary>
/// Where an item's content came from, as the item page shows it: the source kind ("report", "web",
/// "telegram", "import", "admin"...), the URL fetched (and the watched page that led to it), the
/// <c>t.me</c> link of a Telegram post where the chat id gives one, the seized batch, first and last
/// seen, how often the same bytes arrived, and every other place the same content was seen. An item
/// found at the link of a public report also names the page it was on and the report (its receipt and
/// its review item).
/// </summary>
internal sealed record ItemProvenance(string SourceKind, string? Url, string? WatchedPage, string? TelegramLink, long? TelegramChatId, long? TelegramMessageId, string? Batch, string? FileNameHash, DateTimeOffset FirstSeen, DateTimeOffset LastSeen, int SeenCount, IReadOnlyList<ItemSighting> Elsewhere)
{
    /// <summary>The page that showed the media (a crawled page, or the Telegram post), when known.</summary>
    public string? Page { get; init; }

    /// <summary>The Telegram channel or group's title, as last seen.</summary>
    public string? TelegramChatTitle { get; init; }

    /// <summary>The Telegram channel or group's public username (without <c>@</c>), when it has one.</summary>
    public string? TelegramChatUsername { get; init; }

    /// <summary>The public report whose link led to the item, when it was found at one.</summary>
    public ReportOrigin? Report { get; init; }
}

/// <summary>The public report whose link led to an item: its receipt, its own review item and the link as reported.</summary>
internal sealed record ReportOrigin(long ReportId, string Receipt, long? ReviewItemId, string ReportedUrl);

/// <summary>
/// Another place the same content was seen: a review item (<paramref name="ReviewItemId"/>) or an
/// ingestion item that did not become one (an exact repeat), how it is the same ("sha256": the same
/// bytes; "entry": the same bank entry matched), its source kind, URL and when.
/// </summary>
internal sealed record ItemSighting(long? ReviewItemId, long? IngestItemId, string How, string SourceKind, string? Url, DateTimeOffset At);

/// <summary>Reads <see cref="ItemProvenance"/> for one review item (no content, so not audited; URLs are shown, never logged).</summary>
internal sealed class GetItemProvenance(HaechiDbContext db)
{
    /// <summary>Most other sightings listed.</summary>
    public const int MaxSightings = 50;

    /// <summary>The provenance of the item, or null when it is unknown or classified without review.</summary>
    public async Task<ItemProvenance?> ExecuteAsync(long reviewItemId, CancellationToken cancellationToken)
    {
        var item = await db.ReviewItems.AsNoTracking().SingleOrDefaultAsync(r => r.Id == reviewItemId, cancellationToken).ConfigureAwait(false);
        if (item is null || item.Status == ReviewStatus.AutoClassified)
        {
            return null;
        }

        ItemProvenance provenance;
        if (IngestSource.ItemId(item.SourceId) is { } ingestId
            && await db.IngestItems.AsNoTracking().SingleOrDefaultAsync(i => i.Id == ingestId, cancellationToken).ConfigureAwait(false) is { } ingest)
        {
            var (chat, message) = ingest.SourceKind == "telegram" ? TelegramPost(ingest.SourceId) : (null, null);
            var (batch, nameHash) = ingest.SourceKind == SeizedFileImport.SourceKind ? SeizedFile(ingest.SourceId) : (null, null);
            string? watchedPage = null;
            if (ingest.SourceKind == "web" && WatchedSourceId(ingest.SourceId) is { } watchedId)
            {
                watchedPage = await db.WatchedSources.AsNoTracking().Where(s => s.Id == watchedId).Select(s => s.Url).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            }

            var first = ingest.FetchedAt ?? ingest.ReceivedAt;
            var (last, seen) = (first, 1);
            if (ingest.Sha256 is { } sha)
            {
                var digest = await db.IngestDigests.AsNoTracking().SingleOrDefaultAsync(d => d.Sha256 == sha, cancellationToken).ConfigureAwait(false);
                if (digest is not null)
                {
                    seen = digest.SeenCount;
                    last = digest.LastSeenAt > last ? digest.LastSeenAt : last;
                    var firstItem = await db.IngestItems.AsNoTracking().Where(i => i.Id == digest.FirstItemId).Select(i => new { i.ReceivedAt, i.FetchedAt }).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
                    if (firstItem is not null && (firstItem.FetchedAt ?? firstItem.ReceivedAt) < first)
                    {
                        first = firstItem.FetchedAt ?? firstItem.ReceivedAt;
                    }
                }
            }

            TelegramChatRecord? chatRecord = null;
            if (chat is { } chatId)
            {
                chatRecord = await db.TelegramChats.AsNoTracking().SingleOrDefaultAsync(c => c.ChatId == chatId, cancellationToken).ConfigureAwait(false);
            }

            ReportOrigin? origin = null;
            if (ingest.SourceKind == VisitReportLink.SourceKind && VisitReportLink.LinkId(ingest.SourceId) is { } linkId)
            {
                origin = await ReportOriginAsync(linkId, cancellationToken).ConfigureAwait(false);
            }

            // A post read through a channel's web preview is known by its public t.me link.
            var telegramLink = chat is { } c && message is { } m ? TelegramLinks.Post(chatRecord?.Username, c, m)?.AbsoluteUri
                : ingest.Link is { } link && link.StartsWith(TelegramPreview.PublicBase.AbsoluteUri, StringComparison.Ordinal) ? link : null;
            provenance = new ItemProvenance(ingest.SourceKind, ingest.Url ?? item.Url, watchedPage, telegramLink, chat, message, batch, nameHash, first, last, seen, [])
            {
                Page = ingest.SourceKind == "telegram" ? null : ingest.PageUrl ?? item.PageUrl,
                TelegramChatTitle = chatRecord?.Title,
                TelegramChatUsername = chatRecord?.Username,
                Report = origin,
            };
        }
        else
        {
            var receivedAt = item.CreatedAt;
            if (item.Kind == ReviewItemKind.Report && long.TryParse(item.SourceId, NumberStyles.None, CultureInfo.InvariantCulture, out var reportId))
            {
                var reported = await db.Reports.AsNoTracking().Where(r => r.Id == reportId).Select(r => (DateTimeOffset?)r.CreatedAt).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
                receivedAt = reported ?? receivedAt;
            }

            provenance = new ItemProvenance(item.Kind == ReviewItemKind.Report ? "report" : "other", item.Url, null, null, null, null, null, null, receivedAt, receivedAt, 1, []);
        }

        var elsewhere = await ElsewhereAsync(item, IngestSource.ItemId(item.SourceId), cancellationToken).ConfigureAwait(false);
        if (elsewhere.Count > 0)
        {
            var earliest = elsewhere.Min(s => s.At);
            var latest = elsewhere.Max(s => s.At);
            provenance = provenance with
            {
                FirstSeen = earliest < provenance.FirstSeen ? earliest : provenance.FirstSeen,
                LastSeen = latest > provenance.LastSeen ? latest : provenance.LastSeen,
            };
        }

        return provenance with { Elsewhere = elsewhere };
    }

    private async Task<ReportOrigin?> ReportOriginAsync(long linkId, CancellationToken cancellationToken)
    {
        var link = await db.ReportLinks.AsNoTracking().Where(l => l.Id == linkId)
            .Join(db.Reports.AsNoTracking(), l => l.ReportId, r => r.Id, (l, r) => new { l.ReportId, l.Url, r.Receipt })
            .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (link is null)
        {
            return null;
        }

        var reportSourceId = link.ReportId.ToString(CultureInfo.InvariantCulture);
        var reviewItemId = await db.ReviewItems.AsNoTracking().Where(r => r.Kind == ReviewItemKind.Report && r.SourceId == reportSourceId)
            .OrderBy(r => r.Id).Select(r => (long?)r.Id).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return new ReportOrigin(link.ReportId, link.Receipt, reviewItemId, link.Url);
    }

    // Review items with the same bytes or the same matched entry, then ingestion items with the same bytes that no review item stands for.
    private async Task<List<ItemSighting>> ElsewhereAsync(Haechi.Data.Review.ReviewItemRecord item, long? ownIngestId, CancellationToken cancellationToken)
    {
        var sha = item.Sha256;
        var entry = item.MatchedEntryId;
        var sightings = new List<ItemSighting>();
        if (sha is null && entry is null)
        {
            return sightings;
        }

        var others = await db.ReviewItems.AsNoTracking()
            .Where(r => r.Id != item.Id && ((sha != null && r.Sha256 == sha) || (entry != null && r.MatchedEntryId == entry)))
            .OrderBy(r => r.Id).Take(MaxSightings)
            .Select(r => new { r.Id, r.Kind, r.SourceId, r.Url, r.CreatedAt, r.Sha256 }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var ingestIds = others.Select(o => IngestSource.ItemId(o.SourceId)).OfType<long>().ToList();
        var kinds = await db.IngestItems.AsNoTracking().Where(i => ingestIds.Contains(i.Id)).Select(i => new { i.Id, i.SourceKind, i.Url })
            .ToDictionaryAsync(i => i.Id, cancellationToken).ConfigureAwait(false);
        foreach (var o in others)
        {
            var how = sha is not null && o.Sha256 is not null && o.Sha256.AsSpan().SequenceEqual(sha) ? "sha256" : "entry";
            var ingest = IngestSource.ItemId(o.SourceId) is { } id && kinds.TryGetValue(id, out var k) ? k : null;
            var kind = ingest?.SourceKind ?? (o.Kind == ReviewItemKind.Report ? "report" : "other");
            sightings.Add(new ItemSighting(o.Id, ingest?.Id, how, kind, o.Url ?? ingest?.Url, o.CreatedAt));
        }

        if (sha is not null && sightings.Count < MaxSightings)
        {
            var known = sightings.Where(s => s.IngestItemId is not null).Select(s => s.IngestItemId!.Value).ToHashSet();
            var repeats = await db.IngestItems.AsNoTracking().Where(i => i.Sha256 == sha).OrderBy(i => i.Id).Take(MaxSightings)
                .Select(i => new { i.Id, i.SourceKind, i.Url, i.ReceivedAt, i.FetchedAt }).ToListAsync(cancellationToken).ConfigureAwait(false);
            foreach (var r in repeats)
            {
                if (r.Id != ownIngestId && !known.Contains(r.Id) && sightings.Count < MaxSightings)
                {
                    sightings.Add(new ItemSighting(null, r.Id, "sha256", r.SourceKind, r.Url, r.FetchedAt ?? r.ReceivedAt));
                }
            }
        }

        return sightings;
    }

    /// <summary>The chat and message ids of a Telegram item's source id <c>{chat}:{message}:{file}[:edited]</c>.</summary>
    internal static (long? Chat, long? Message) TelegramPost(string sourceId)
    {
        var parts = sourceId.Split(':');
        return parts.Length >= 2
            && long.TryParse(parts[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var chat)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var message)
            ? (chat, message) : (null, null);
    }

    /// <summary>The batch and the name hash of a seized file's source id <c>import:{batch}:{name hash}</c>.</summary>
    internal static (string? Batch, string? NameHash) SeizedFile(string sourceId)
    {
        var parts = sourceId.Split(':');
        return parts.Length == 3 && parts[0] == "import" ? (parts[1], parts[2]) : (null, null);
    }

    private static long? WatchedSourceId(string sourceId)
    {
        var colon = sourceId.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && long.TryParse(sourceId.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
    }
}
