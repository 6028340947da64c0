using System.Text;
using Haechi.Pipeline.Extraction;

namespace Haechi.Pipeline.Tests.Extraction;

public sealed class MediaExtractorTests
{
    private static readonly Uri Page = new("https://host.example/board/list?page=3");

    private static readonly string[] ExpectedMedia =
    [
        "https://cdn.example/og.jpg", "https://host.example/v/clip.mp4", "https://host.example/board/a.jpg",
        "https://host.example/board/a-640.jpg", "https://host.example/board/a-1280.jpg", "https://host.example/board/a,comma.jpg",
        "https://host.example/p.webp", "https://host.example/p.jpg", "https://host.example/v/clip.webm",
        "https://host.example/poster.jpg", "https://host.example/files/photo.PNG",
    ];

    [Fact]
    public void Extract_EveryMediaReference_ResolvedAndDeduplicated()
    {
        const string Html = """
            <html><head>
              <meta property="og:image" content="https://cdn.example/og.jpg">
              <meta property="og:video" content="/v/clip.mp4">
              <link rel="next" href="/board/list?page=4">
            </head><body>
              <img src="a.jpg" srcset="a-640.jpg 640w, a-1280.jpg 1280w, a,comma.jpg 2x">
              <img src="a.jpg#again"><img src="data:image/png;base64,AAAA">
              <picture><source srcset="/p.webp"><img src="/p.jpg"></picture>
              <video poster="/poster.jpg"><source src="/v/clip.webm"></video>
              <a href="/files/photo.PNG">photo</a> <a href="/about">about</a>
              <a href="/board/list?page=4">다음</a> <a href="https://other.example/board/list?page=4">next</a>
            </body></html>
            """;
        var page = new MediaExtractor().Extract(Html, Page);
        var urls = page.Media.Select(m => m.Url.AbsoluteUri).ToList();
        Assert.Equal(
            ExpectedMedia.Order(),
            urls.Order());
        Assert.Equal(["https://host.example/board/list?page=4"], page.NextPages.Select(u => u.AbsoluteUri));
        Assert.False(page.Truncated);
    }

    private static readonly string[] PreviewMedia =
    [
        "https://cdn.example/channel.jpg", "https://cdn.example/file/7a.jpg", "https://t.me/file/7b.jpg",
        "https://cdn.example/file/8-thumb.jpg", "https://cdn.example/file/8.mp4", "https://t.me/decor/bg.png",
    ];

    [Fact]
    public void Extract_BackgroundImagesInStyle_AndTheTelegramPostAroundEachMedia()
    {
        // The shape of a Telegram channel's web preview (t.me/s/{channel}): photos as background images, videos as video src, data-post per post.
        const string Html = """
            <html><head><meta property="og:image" content="https://cdn.example/channel.jpg"></head><body>
              <div class="tgme_widget_message" data-post="leakroom/7">
                <a class="tgme_widget_message_photo_wrap" href="https://t.me/leakroom/7" style="width:640px;background-image:url('https://cdn.example/file/7a.jpg')"></a>
                <a class="tgme_widget_message_photo_wrap" style="background-image: url(&quot;/file/7b.jpg&quot;)"></a>
              </div>
              <div class="tgme_widget_message" data-post="leakroom/8">
                <div class="tgme_widget_message_video_player">
                  <i class="tgme_widget_message_video_thumb" style="background-image:url(https://cdn.example/file/8-thumb.jpg)"></i>
                  <video src="https://cdn.example/file/8.mp4" class="tgme_widget_message_video"></video>
                </div>
              </div>
              <div style="background: #000 url(/decor/bg.png) no-repeat; color: red"></div>
              <div style="background-image:url(data:image/png;base64,AAAA)"></div>
            </body></html>
            """;
        var page = new MediaExtractor().Extract(Html, new Uri("https://t.me/s/leakroom"));
        var media = page.Media.ToDictionary(m => m.Url.AbsoluteUri);
        Assert.Equal(PreviewMedia.Order(), media.Keys.Order());
        Assert.Equal(MediaSource.Background, media["https://cdn.example/file/7a.jpg"].Source);
        Assert.Equal("leakroom/7", media["https://cdn.example/file/7a.jpg"].Post);
        Assert.Equal("leakroom/7", media["https://t.me/file/7b.jpg"].Post);
        Assert.Equal("leakroom/8", media["https://cdn.example/file/8-thumb.jpg"].Post);
        Assert.Equal(MediaSource.Video, media["https://cdn.example/file/8.mp4"].Source);
        Assert.Equal("leakroom/8", media["https://cdn.example/file/8.mp4"].Post);
        Assert.Null(media["https://cdn.example/channel.jpg"].Post);
        Assert.Null(media["https://t.me/decor/bg.png"].Post);
    }

    [Fact]
    public void Extract_EncodingFromMetaCharset_KoreanNextAnchorFound()
    {
        var html = Encoding.UTF8.GetBytes("""<html><head><meta charset="utf-8"></head><body><a href="/b?p=7">다음 페이지</a></body></html>""");
        var page = new MediaExtractor().Extract(html, new Uri("http://site.example/b"));
        Assert.Equal(["http://site.example/b?p=7"], page.NextPages.Select(u => u.AbsoluteUri));
    }

    [Fact]
    public void Extract_ThousandsOfElements_CappedAndMarkedTruncated()
    {
        var html = new StringBuilder("<html><body>");
        for (var i = 0; i < 50_000; i++)
        {
            html.Append("<img src=\"/i/").Append(i).Append(".jpg\"><a href=\"?page=").Append(i).Append("\">next</a>");
        }

        var page = new MediaExtractor(new ExtractionOptions { MaxMediaPerPage = 100, MaxNextPages = 5 }).Extract(html.ToString(), Page);
        Assert.Equal(100, page.Media.Count);
        Assert.Equal(5, page.NextPages.Count);
        Assert.True(page.Truncated);
    }

    [Fact]
    public void SplitSrcset_DescriptorsAndCommasInUrls_UrlsOnly() =>
        Assert.Equal(["a.jpg", "b,c.jpg", "d.jpg"], MediaExtractor.SplitSrcset(" a.jpg 1x,b,c.jpg 2x , d.jpg"));
}
