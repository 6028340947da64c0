using Haechi.Media.Images;
using Haechi.Pipeline.Extraction;
using Haechi.Pipeline.Fetching;
using Haechi.Pipeline.Watching;

namespace Haechi.Pipeline.Tests.Watching;

/// <summary>The one same-site walk of <c>haechi watch</c> and the server's watched sources, on a site served on 127.0.0.1.</summary>
public sealed class SiteCrawlerTests : IAsyncLifetime
{
    private TestSite _site = null!;
    private SafeFetcher _fetcher = null!;

    public async ValueTask InitializeAsync()
    {
        _site = await TestSite.StartAsync();
        _fetcher = new SafeFetcher(FetchOptions.Default with { AllowPrivateAddresses = true });
    }

    public async ValueTask DisposeAsync()
    {
        _fetcher.Dispose();
        await _site.DisposeAsync();
    }

    private async Task<(List<CrawledPage> Pages, CrawlSummary Summary)> CrawlAsync(string start, CrawlLimits limits)
    {
        var pages = new List<CrawledPage>();
        var summary = await new SiteCrawler(_fetcher).CrawlAsync(_site.Url(start), limits, (page, _) =>
        {
            pages.Add(page);
            return ValueTask.CompletedTask;
        }, TestContext.Current.CancellationToken);
        return (pages, summary);
    }

    private static string Paths(IEnumerable<Uri> urls) => string.Join(' ', urls.Select(u => u.PathAndQuery));

    [Fact]
    public async Task Crawl_FollowsSameSiteNextPagesToTheDepth_EachMediaOnce_OtherSitesNotFollowed()
    {
        var other = new UriBuilder(_site.BaseUrl) { Host = "localhost" }.Uri;
        _site.Page("/p1", $"""<html><body><img src="/m/1.jpg"><img src="/m/2.jpg"><a href="/p2">next</a><a rel="next" href="{new Uri(other, "p9")}">x</a></body></html>""");
        _site.Page("/p2", """<html><body><img src="/m/2.jpg"><img src="/m/3.jpg"><a href="/p1">다음</a><a href="/p3">다음</a></body></html>""");
        _site.Page("/p3", """<html><body><img src="/m/4.jpg"></body></html>""");

        var (pages, summary) = await CrawlAsync("p1", CrawlLimits.Default with { Depth = 1 });
        Assert.Equal("/p1 /p2", Paths(pages.Select(p => p.Url)));
        Assert.Equal([0, 1], pages.Select(p => p.Depth));
        Assert.All(pages, p => Assert.True(p.Ok));
        Assert.Equal("/m/1.jpg /m/2.jpg", Paths(pages[0].NewMedia.Select(m => m.Url)));
        Assert.Equal("/m/3.jpg", Paths(pages[1].NewMedia.Select(m => m.Url)));
        Assert.Equal(2, pages[1].Page!.Media.Count);
        Assert.Equal(new CrawlSummary(2, 2, PageLimitReached: false), summary);

        // One hop more reaches /p3; /p1 is not fetched twice, the other host never.
        (pages, summary) = await CrawlAsync("p1", CrawlLimits.Default with { Depth = 5 });
        Assert.Equal("/p1 /p2 /p3", Paths(pages.Select(p => p.Url)));
        Assert.Equal("/m/4.jpg", Paths(pages[2].NewMedia.Select(m => m.Url)));
        Assert.Equal(new CrawlSummary(3, 3, PageLimitReached: false), summary);

        // Depth 0: the start page only.
        (pages, _) = await CrawlAsync("p1", CrawlLimits.Default);
        Assert.Equal("/p1", Paths(pages.Select(p => p.Url)));
    }

    [Fact]
    public async Task Crawl_EndlessPagination_StopsAtThePageLimit_FailedFetchesCounted()
    {
        for (var p = 1; p <= 20; p++)
        {
            _site.Page($"/deep?page={p}", $"""<html><body><img src="/d/{p}.jpg"><a href="/deep?page={p + 1}">next</a>{(p == 1 ? """<a href="/gone">next</a>""" : string.Empty)}</body></html>""");
        }

        var (pages, summary) = await CrawlAsync("deep?page=1", CrawlLimits.Default with { Depth = 50, MaxPages = 4 });
        Assert.Equal("/deep?page=1 /deep?page=2 /gone /deep?page=3", Paths(pages.Select(p => p.Url)));
        Assert.Equal(new CrawlSummary(4, 3, PageLimitReached: true), summary);
        Assert.False(pages[2].Ok);
        Assert.Empty(pages[2].NewMedia);

        // Exactly at the limit with nothing left: not reported as cut short.
        (_, summary) = await CrawlAsync("deep?page=20", CrawlLimits.Default with { Depth = 50, MaxPages = 2 });
        Assert.Equal(new CrawlSummary(2, 1, PageLimitReached: false), summary);
    }

    [Fact]
    public async Task Crawl_FailedPages_ReportedWithTheirCodes()
    {
        _site.File("/photo.jpg", SyntheticImages.Jpeg(64, 64, 3));

        var (missing, summary) = await CrawlAsync("nothing-here", CrawlLimits.Default);
        var page = Assert.Single(missing);
        Assert.False(page.Ok);
        Assert.Null(page.Page);
        Assert.Equal(FetchStatus.HttpStatus, page.Fetch.Status);
        Assert.Equal("http-404", SiteCrawler.ErrorCode(page.Fetch));
        Assert.Equal(new CrawlSummary(1, 0, PageLimitReached: false), summary);

        var (image, _) = await CrawlAsync("photo.jpg", CrawlLimits.Default);
        Assert.Equal("not-media", SiteCrawler.ErrorCode(Assert.Single(image).Fetch));

        var (loop, _) = await CrawlAsync("loop/a.jpg", CrawlLimits.Default);
        Assert.Equal("redirect-loop", SiteCrawler.ErrorCode(Assert.Single(loop).Fetch));
    }

    [Fact]
    public void SameSite_SchemeHostAndPort()
    {
        var start = new Uri("https://example.test/a");
        Assert.True(SiteCrawler.SameSite(new Uri("https://EXAMPLE.test:443/b?page=2"), start));
        Assert.False(SiteCrawler.SameSite(new Uri("http://example.test/b"), start));
        Assert.False(SiteCrawler.SameSite(new Uri("https://example.test:8443/b"), start));
        Assert.False(SiteCrawler.SameSite(new Uri("https://cdn.example.test/b"), start));
    }

    [Fact]
    public async Task Crawl_ExtractionCaps_PageMarkedTruncated()
    {
        _site.Page("/many", "<html><body>" + string.Concat(Enumerable.Range(0, 30).Select(i => $"<img src=\"/x/{i}.jpg\">")) + "</body></html>");
        var (pages, _) = await CrawlAsync("many", CrawlLimits.Default with { Extraction = ExtractionOptions.Default with { MaxMediaPerPage = 10 } });
        var page = Assert.Single(pages);
        Assert.True(page.Page!.Truncated);
        Assert.Equal(10, page.NewMedia.Count);
    }
}
