using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Haechi.Data;
using Haechi.Data.Watching;
using Haechi.Pipeline.Extraction;
using Haechi.Pipeline.Fetching;
using Haechi.Pipeline.Ingestion;
using Haechi.Pipeline.Watching;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Haechi.Server.Features.Ingestion.WebSources;

/// <summary>What one visit of a reported link did (counts and an error code only).</summary>
internal sealed record ReportLinkVisit(long LinkId, int Pages, int ItemsFound, int ItemsQueued, string? Error);

/// <summary>
/// Follows one link of a public report, as the web watcher follows a watched source: a public Telegram
/// channel link is read through the channel's web preview (<see cref="TelegramPreview"/>; each media is
/// known by its post's <c>t.me/{channel}/{post}</c> link, and a link to one post takes that post's
/// media only); a link to a media file (by its extension, or a page that turns out to be an image or
/// a video) is queued as media; any other page is crawled with <see cref="MediaCrawl"/> to
/// <c>Ingestion:ReportLinkDepth</c>. Media go to the ingestion pipeline as source kind <c>report</c>,
/// source id <c>{link id}:{SHA-256 of the URL}</c> (a Telegram post's: <c>{link id}:tg:{channel}/{post}:{n}</c>),
/// so the pipeline fetches, fingerprints and matches them like web items and a URL is queued once.
/// After each visit the link's health is saved and its next visit set (<c>Ingestion:ReportLinkRevisit</c>)
/// until <see cref="ReportLinkRecord.FollowUntil"/>.
/// </summary>
internal sealed partial class VisitReportLink(
    IServiceScopeFactory scopes,
    MediaCrawl crawl,
    IOptions<IngestionServerOptions> options,
    TimeProvider time,
    ILogger<VisitReportLink> logger)
{
    /// <summary>The pipeline's source kind for media found at a report's links.</summary>
    public const string SourceKind = ReportLinkSource.SourceKind;

    /// <summary>The pipeline source id of a media URL found at a link.</summary>
    public static string ItemSourceId(long linkId, Uri mediaUrl)
    {
        ArgumentNullException.ThrowIfNull(mediaUrl);
        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(mediaUrl.AbsoluteUri)));
        return string.Create(CultureInfo.InvariantCulture, $"{linkId}:{digest}");
    }

    /// <summary>The pipeline source id of the <paramref name="index"/>th media of a Telegram post (its file URLs change between visits; the post does not).</summary>
    public static string PostSourceId(long linkId, string post, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{linkId}:tg:{post}:{index}");

    /// <summary>The link id of a pipeline source id of kind <c>report</c>, or null.</summary>
    public static long? LinkId(string sourceId) => ReportLinkSource.LinkId(sourceId);

    /// <summary>The prefix of the pipeline source ids of one link's media.</summary>
    public static string SourceIdPrefix(long linkId) => linkId.ToString(CultureInfo.InvariantCulture) + ":";

    /// <summary>Visits the link now and records its health; null when it does not exist.</summary>
    public async Task<ReportLinkVisit?> ExecuteAsync(long linkId, CancellationToken cancellationToken)
    {
        ReportLinkRecord? link;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
            link = await db.ReportLinks.AsNoTracking().FirstOrDefaultAsync(l => l.Id == linkId, cancellationToken).ConfigureAwait(false);
        }

        if (link is null)
        {
            return null;
        }

        var startedAt = time.GetUtcNow();
        var visit = await FollowAsync(link, cancellationToken).ConfigureAwait(false);
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
            var record = await db.ReportLinks.FirstOrDefaultAsync(l => l.Id == linkId, cancellationToken).ConfigureAwait(false);
            if (record is not null)
            {
                Record(record, visit, startedAt, time.GetUtcNow(), options.Value.ReportLinkRevisit);
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        LogVisited(logger, link.Id, link.ReportId, visit.Pages, visit.ItemsFound, visit.ItemsQueued, visit.Error ?? "none");
        return visit;
    }

    /// <summary>Saves a visit's health on the link and sets the next visit (none past <see cref="ReportLinkRecord.FollowUntil"/>).</summary>
    internal static void Record(ReportLinkRecord record, ReportLinkVisit visit, DateTimeOffset startedAt, DateTimeOffset now, TimeSpan revisit)
    {
        record.LastVisitAt = startedAt;
        record.LastError = visit.Error;
        record.LastPages = visit.Pages;
        record.LastItemsFound = visit.ItemsFound;
        record.LastItemsQueued = visit.ItemsQueued;
        record.Visits++;

        // Back-pressure: a full queue brings the visit back soon rather than after the whole interval.
        var next = now + (visit.Error == "queue-full" ? TimeSpan.FromSeconds(Math.Min(revisit.TotalSeconds, 60)) : revisit);
        record.NextVisitAt = next <= record.FollowUntil ? next.ToUnixTimeMilliseconds() : null;
    }

    private async Task<ReportLinkVisit> FollowAsync(ReportLinkRecord link, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(link.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            return new ReportLinkVisit(link.Id, 0, 0, 0, "invalid-url");
        }

        var o = options.Value;
        if (TelegramPreview.Parse(url) is { } channel)
        {
            var named = channel.Message is { } message ? string.Create(CultureInfo.InvariantCulture, $"{channel.Channel}/{message}") : null;
            var perPost = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            var preview = await crawl.QueueAsync(TelegramPreview.PreviewUrl(new Uri(o.TelegramPreviewBase), channel), 0, (page, media) =>
            {
                // Only media inside a post (not the channel's picture), and only the named post when the link names one.
                if (TelegramPreview.PostLink(media.Post) is not { } post || (named is not null && !string.Equals(media.Post, named, StringComparison.OrdinalIgnoreCase)))
                {
                    return null;
                }

                var index = perPost.GetValueOrDefault(media.Post!);
                perPost[media.Post!] = index + 1;
                return new IngestRequest(SourceKind, PostSourceId(link.Id, media.Post!, index), Url: media.Url, PageUrl: post, Link: post);
            }, cancellationToken).ConfigureAwait(false);
            return new ReportLinkVisit(link.Id, preview.Pages, preview.Found, preview.Queued, preview.Error);
        }

        if (MediaExtractor.HasMediaExtension(url))
        {
            var (queued, error) = await crawl.QueueOneAsync(new IngestRequest(SourceKind, ItemSourceId(link.Id, url), Url: url), cancellationToken).ConfigureAwait(false);
            return new ReportLinkVisit(link.Id, 0, 1, queued, error);
        }

        var tally = await crawl.QueueAsync(
            url,
            o.ReportLinkDepth,
            (page, media) => new IngestRequest(SourceKind, ItemSourceId(link.Id, media.Url), Url: media.Url, PageUrl: page.Fetch.FinalUrl ?? page.Url),
            cancellationToken).ConfigureAwait(false);
        if (tally.Pages == 0 && tally.StartFetch is { } start && IsMedia(start))
        {
            // The link is an image or a video without a media extension: the pipeline fetches it as media.
            var (queued, error) = await crawl.QueueOneAsync(new IngestRequest(SourceKind, ItemSourceId(link.Id, url), Url: url), cancellationToken).ConfigureAwait(false);
            return new ReportLinkVisit(link.Id, 0, 1, queued, error);
        }

        return new ReportLinkVisit(link.Id, tally.Pages, tally.Found, tally.Queued, tally.Error);
    }

    private static bool IsMedia(FetchResult fetched) =>
        fetched.Kind is SniffedKind.Image or SniffedKind.Video
        || (fetched.Status is FetchStatus.NotMedia or FetchStatus.TooLarge && fetched.ContentType is { } type
            && (type.StartsWith("image/", StringComparison.OrdinalIgnoreCase) || type.StartsWith("video/", StringComparison.OrdinalIgnoreCase)));

    [LoggerMessage(Level = LogLevel.Information, Message = "Link {LinkId} of report {ReportId} visited: {Pages} pages, {Found} media found, {Queued} queued, error {Error}")]
    private static partial void LogVisited(ILogger logger, long linkId, long reportId, int pages, int found, int queued, string error);
}
