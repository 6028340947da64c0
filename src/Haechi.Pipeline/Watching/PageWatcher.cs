using System.Globalization;
using System.Security.Cryptography;
using Haechi.Media.Images;
using Haechi.Media.Video;
using Haechi.Pipeline.Extraction;
using Haechi.Pipeline.Fetching;
using Haechi.Pipeline.Matching;

namespace Haechi.Pipeline.Watching;

/// <summary>
/// Watches one page: walks it and its same-site next pages up to the depth with
/// <see cref="SiteCrawler"/> (the server's watched sources walk the same way), fetches each media item with bounded concurrency, fingerprints it (PDQ, dihedral on request,
/// vPDQ for videos) and looks it up in the banks. One <see cref="WatchedItem"/> per media URL, in
/// the order found; the work per run is capped (pages, media, bytes, time per request).
/// </summary>
public sealed class PageWatcher(SafeFetcher fetcher, Matcher matcher, PageWatchOptions? options = null, TimeProvider? time = null)
{
    private readonly PageWatchOptions _options = options ?? PageWatchOptions.Default;
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly SiteCrawler _crawler = new(fetcher);

    /// <summary>The options in force.</summary>
    public PageWatchOptions Options => _options;

    /// <summary>Watches <paramref name="startUrl"/> once.</summary>
    public async Task<WatchReport> WatchAsync(Uri startUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(startUrl);
        var start = _time.GetTimestamp();
        var pages = new List<WatchedPage>();
        var found = new List<(MediaLink Link, Uri Page)>();
        var limits = new CrawlLimits { Depth = _options.Depth, MaxPages = _options.MaxPages, Extraction = _options.Extraction };
        await _crawler.CrawlAsync(startUrl, limits, (crawled, _) =>
        {
            if (crawled.Page is not { } page)
            {
                pages.Add(new WatchedPage(crawled.Url, crawled.Depth, crawled.Fetch.Status, crawled.Fetch.Detail, 0, 0, false));
                return ValueTask.CompletedTask;
            }

            foreach (var link in crawled.NewMedia)
            {
                found.Add((link, crawled.Url));
            }

            pages.Add(new WatchedPage(crawled.Url, crawled.Depth, FetchStatus.Ok, null, page.Media.Count, page.NextPages.Count, page.Truncated));
            return ValueTask.CompletedTask;
        }, cancellationToken).ConfigureAwait(false);

        var items = new WatchedItem[found.Count];
        var work = Math.Min(found.Count, _options.MaxMediaItems);
        for (var i = work; i < found.Count; i++)
        {
            items[i] = new WatchedItem { Url = found[i].Link.Url, PageUrl = found[i].Page, Source = found[i].Link.Source, Status = WatchItemStatus.Skipped, Detail = "over the per-run media cap" };
        }

        await Parallel.ForAsync(0, work, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.Concurrency), CancellationToken = cancellationToken }, async (i, ct) =>
        {
            items[i] = await WatchItemAsync(found[i].Link, found[i].Page, ct).ConfigureAwait(false);
        }).ConfigureAwait(false);

        return new WatchReport(startUrl, pages, items, _time.GetElapsedTime(start));
    }

    /// <summary>Fetches, fingerprints and matches one media URL.</summary>
    public async Task<WatchedItem> WatchItemAsync(MediaLink link, Uri pageUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(link);
        var item = new WatchedItem { Url = link.Url, PageUrl = pageUrl, Source = link.Source, Status = WatchItemStatus.Ok };
        var fetched = await fetcher.FetchAsync(link.Url, FetchPurpose.Media, cancellationToken).ConfigureAwait(false);
        if (fetched.Status != FetchStatus.Ok || fetched.Body is null)
        {
            return item with { Status = WatchItemStatus.FetchFailed, Fetch = fetched.Status, Detail = fetched.Detail };
        }

        var bytes = fetched.Body;
        item = item with
        {
            Fetch = FetchStatus.Ok,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)),
            FetchedAt = _time.GetUtcNow(),
            Kind = fetched.Kind == SniffedKind.Video ? "video" : "image",
        };
        return fetched.Kind == SniffedKind.Video
            ? await MatchVideoAsync(item, bytes, cancellationToken).ConfigureAwait(false)
            : await MatchImageAsync(item, bytes, cancellationToken).ConfigureAwait(false);
    }

    private async Task<WatchedItem> MatchImageAsync(WatchedItem item, byte[] bytes, CancellationToken cancellationToken)
    {
        ImageFingerprint fingerprint;
        try
        {
            // One decode: the banks' extra views are computed with the PDQ hash.
            // What every caller of the matcher computes from one decode; --dihedral false leaves out the transforms.
            var parts = _options.Dihedral ? matcher.QueryParts : matcher.QueryParts & ~FingerprintParts.Dihedral;
            fingerprint = matcher.Fingerprinter(_options.ImageDecode).Fingerprint(bytes, parts);
        }
        catch (ImageDecodeException ex)
        {
            return item with { Status = ex.Error == ImageDecodeError.TooManyPixels ? WatchItemStatus.TooManyPixels : WatchItemStatus.Undecodable, Detail = ex.Message };
        }

        item = item with { Pdq = fingerprint.Pdq, Quality = fingerprint.Quality };
        if (fingerprint.Quality < _options.Filter.MinQuality)
        {
            return item with { Status = WatchItemStatus.LowQuality, Detail = string.Create(CultureInfo.InvariantCulture, $"quality {fingerprint.Quality} is below {_options.Filter.MinQuality}") };
        }

        var matches = await matcher.MatchImageAsync(fingerprint, _options.Filter, cancellationToken).ConfigureAwait(false);
        return item with { ImageMatches = matches };
    }

    private async Task<WatchedItem> MatchVideoAsync(WatchedItem item, byte[] bytes, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("haechi-watch-");
        try
        {
            var path = Path.Combine(directory.FullName, "item.video");
            await File.WriteAllBytesAsync(path, bytes, cancellationToken).ConfigureAwait(false);
            var fingerprint = new VideoFingerprinter(_options.VideoDecode, trimBorders: true).Fingerprint(path, cancellationToken);
            var matches = await matcher.MatchVideoAsync(fingerprint.Frames, _options.Filter, cancellationToken).ConfigureAwait(false);
            return item with { Frames = fingerprint.Frames.Count, VideoMatches = matches };
        }
        catch (VideoDecodeException ex)
        {
            return item with { Status = WatchItemStatus.Undecodable, Detail = ex.Message };
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
