using System.Globalization;
using Haechi.Pipeline.Extraction;
using Haechi.Pipeline.Fetching;

namespace Haechi.Pipeline.Watching;

/// <summary>How far one crawl goes.</summary>
public sealed record CrawlLimits
{
    /// <summary>Defaults: the start page only, at most 50 pages, the extractor's default caps.</summary>
    public static CrawlLimits Default { get; } = new();

    /// <summary>Pagination hops followed from the start page (0: the start page only).</summary>
    public int Depth { get; init; }

    /// <summary>Pages fetched per crawl, failed fetches included, whatever the depth.</summary>
    public int MaxPages { get; init; } = 50;

    /// <summary>Per-page caps of the extractor.</summary>
    public ExtractionOptions Extraction { get; init; } = ExtractionOptions.Default;
}

/// <summary>One page of a crawl, fetched or not.</summary>
/// <param name="Url">The page's URL as queued (before redirects).</param>
/// <param name="Depth">Pagination hops from the start page.</param>
/// <param name="Fetch">What the fetch did.</param>
/// <param name="Page">What the page holds; null when the fetch failed.</param>
/// <param name="NewMedia">The page's media not found on an earlier page of this crawl, in page order.</param>
public sealed record CrawledPage(Uri Url, int Depth, FetchResult Fetch, ExtractedPage? Page, IReadOnlyList<MediaLink> NewMedia)
{
    /// <summary>The page was fetched and read.</summary>
    public bool Ok => Page is not null;
}

/// <summary>What one crawl did.</summary>
/// <param name="PagesFetched">Pages fetched, failed fetches included.</param>
/// <param name="PagesRead">Pages fetched and read.</param>
/// <param name="PageLimitReached">It stopped at <see cref="CrawlLimits.MaxPages"/> with pages left to fetch.</param>
public sealed record CrawlSummary(int PagesFetched, int PagesRead, bool PageLimitReached);

/// <summary>
/// The same-site walk of both hosts (<c>haechi watch</c> and the server's watched sources): fetches
/// the start page with <see cref="SafeFetcher"/>, extracts its media with <see cref="MediaExtractor"/>,
/// and follows its next pages breadth first up to <see cref="CrawlLimits.Depth"/> hops, only on the
/// start page's site (same scheme, host and port) and each page once, fetching at most
/// <see cref="CrawlLimits.MaxPages"/> pages. Each media URL is reported once, on the first page
/// that links it; what to do with it is the caller's.
/// </summary>
public sealed class SiteCrawler(SafeFetcher fetcher)
{
    /// <summary>Crawls from <paramref name="start"/>, calling <paramref name="onPage"/> for each page in the order fetched.</summary>
    public async Task<CrawlSummary> CrawlAsync(Uri start, CrawlLimits limits, Func<CrawledPage, CancellationToken, ValueTask> onPage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(onPage);
        var extractor = new MediaExtractor(limits.Extraction);
        var seenPages = new HashSet<string>(StringComparer.Ordinal) { start.AbsoluteUri };
        var seenMedia = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<(Uri Url, int Depth)>();
        queue.Enqueue((start, 0));
        int fetchedPages = 0, readPages = 0;
        while (queue.Count > 0)
        {
            if (fetchedPages >= limits.MaxPages)
            {
                return new CrawlSummary(fetchedPages, readPages, PageLimitReached: true);
            }

            var (url, depth) = queue.Dequeue();
            var fetched = await fetcher.FetchAsync(url, FetchPurpose.Page, cancellationToken).ConfigureAwait(false);
            fetchedPages++;
            if (fetched.Status != FetchStatus.Ok || fetched.Body is null)
            {
                await onPage(new CrawledPage(url, depth, fetched, null, []), cancellationToken).ConfigureAwait(false);
                continue;
            }

            readPages++;
            var page = extractor.Extract(fetched.Body, fetched.FinalUrl ?? url);
            var media = new List<MediaLink>();
            foreach (var link in page.Media)
            {
                if (seenMedia.Add(link.Url.AbsoluteUri))
                {
                    media.Add(link);
                }
            }

            if (depth < limits.Depth)
            {
                foreach (var next in page.NextPages)
                {
                    // Pagination stays on the start page's site, whatever the pages link to.
                    if (SameSite(next, start) && seenPages.Add(next.AbsoluteUri))
                    {
                        queue.Enqueue((next, depth + 1));
                    }
                }
            }

            await onPage(new CrawledPage(url, depth, fetched, page, media), cancellationToken).ConfigureAwait(false);
        }

        return new CrawlSummary(fetchedPages, readPages, PageLimitReached: false);
    }

    /// <summary>Same scheme, host and port: the pages a crawl may follow from its start page.</summary>
    public static bool SameSite(Uri a, Uri b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase) && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;
    }

    /// <summary>A fetch failure as a short code: the status name, with the HTTP status when there is one (<c>http-404</c>).</summary>
    public static string ErrorCode(FetchResult fetched)
    {
        ArgumentNullException.ThrowIfNull(fetched);
        return fetched.Status == FetchStatus.HttpStatus && fetched.HttpStatusCode is { } code
            ? string.Create(CultureInfo.InvariantCulture, $"http-{code}")
            : fetched.Status == FetchStatus.Ok ? "not-html" : fetched.Status.Name();
    }
}
