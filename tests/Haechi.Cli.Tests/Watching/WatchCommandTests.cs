using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Haechi.Media.Images;
using Haechi.Media.Robust;

namespace Haechi.Cli.Tests.Watching;

/// <summary><c>haechi watch</c> end to end against a web site served on 127.0.0.1 by the test.</summary>
public sealed class WatchCommandTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("haechi-watch-").FullName;
    private TestSite _site = null!;

    public async ValueTask InitializeAsync() => _site = await TestSite.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _site.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private (int ExitCode, string Out, string Error) Haechi(params string[] args) => CliRunner.Run(["--data-dir", Path.Combine(_dir, "data"), .. args]);

    /// <summary>Registers two benign synthetic photos in bank "victims" and serves edited copies of them and unrelated photos on two gallery pages.</summary>
    private void RegisterAndServeGallery()
    {
        const int Width = 900, Height = 700;
        var first = SyntheticImages.DrawRgb(Width, Height, 71);
        var second = SyntheticImages.DrawRgb(Width, Height, 83);
        var registered = new List<string>();
        foreach (var (rgb, name) in new[] { (first, "first"), (second, "second") })
        {
            var path = Path.Combine(_dir, name + ".jpg");
            File.WriteAllBytes(path, SyntheticImages.EncodeJpeg(rgb, Width, Height));
            registered.Add(path);
        }

        Assert.Equal(0, Haechi("bank", "create", "victims", "--signals", "all").ExitCode);
        Assert.Equal(0, Haechi("bank", "add", "victims", "--id", "case-1", registered[0]).ExitCode);
        Assert.Equal(0, Haechi("bank", "add", "victims", "--id", "case-2", registered[1]).ExitCode);
        Assert.Equal(0, Haechi("bank", "create", "other").ExitCode);

        _site.File("/media/half.jpg", ImageEdits.Apply(first, Width, Height, ImageEdit.Half));
        _site.File("/media/q30.jpg", ImageEdits.Apply(first, Width, Height, ImageEdit.JpegQ30));
        _site.File("/media/crop10.jpg", ImageEdits.Apply(first, Width, Height, ImageEdit.Crop10));
        _site.File("/media/crop5.jpg", ImageEdits.Apply(second, Width, Height, ImageEdit.Crop5));
        _site.File("/media/mirror.jpg", ImageEdits.Apply(second, Width, Height, ImageEdit.Mirror));
        _site.File("/media/unrelated-1.jpg", SyntheticImages.Jpeg(Width, Height, 72));
        _site.File("/media/unrelated-2.png", SyntheticImages.Png(640, 480, 91));
        _site.File("/media/page2-q70.jpg", ImageEdits.Apply(first, Width, Height, ImageEdit.JpegQ70));
        _site.Page("/gallery", """
            <!doctype html><html><head><meta property="og:image" content="/media/half.jpg"><title>갤러리</title></head><body>
            <img src="media/q30.jpg" alt="">
            <picture><source srcset="/media/crop10.jpg 1x, /media/unrelated-2.png 2x, /media/crop5.jpg 3x"><img src="/media/unrelated-1.jpg"></picture>
            <a href="/media/mirror.jpg">full size</a>
            <a href="/gallery?page=2">다음</a> <a href="https://elsewhere.example/?page=2">next</a>
            </body></html>
            """);
        _site.Page("/gallery?page=2", """<html><body><img srcset="/media/page2-q70.jpg 640w"></body></html>""");
    }

    [Fact]
    public void Watch_EditedCopiesOnPages_MatchedToTheirEntries_UnrelatedNot()
    {
        RegisterAndServeGallery();
        var (code, output, error) = Haechi("watch", "--once", "--allow-private", "--depth", "1", "--json", "--bank", "victims", _site.Url("gallery").AbsoluteUri);
        Assert.True(code == 0, error);
        var items = CliRunner.Lines(output).Select(l => JsonDocument.Parse(l).RootElement).ToDictionary(e => new Uri(e.GetProperty("url").GetString()!).AbsolutePath);
        Assert.Equal(8, items.Count);
        string[] Matched(string path) => items[path].GetProperty("matches").EnumerateArray().Select(m => m.GetProperty("external_id").GetString()!).ToArray();

        foreach (var path in items.Keys)
        {
            Assert.Equal("ok", items[path].GetProperty("status").GetString());
            Assert.Equal(64, items[path].GetProperty("sha256").GetString()!.Length);
        }

        Assert.Equal(["case-1"], Matched("/media/half.jpg"));
        Assert.Equal(["case-1"], Matched("/media/q30.jpg"));
        Assert.Equal(["case-1"], Matched("/media/page2-q70.jpg"));
        Assert.Equal(["case-1"], Matched("/media/crop10.jpg"));
        Assert.Equal(["case-2"], Matched("/media/crop5.jpg"));
        Assert.Equal(["case-2"], Matched("/media/mirror.jpg"));
        Assert.True(Matched("/media/unrelated-1.jpg").Length == 0, items["/media/unrelated-1.jpg"].ToString());
        Assert.True(Matched("/media/unrelated-2.png").Length == 0, items["/media/unrelated-2.png"].ToString());
        Assert.Empty(Matched("/media/unrelated-2.png"));
        Assert.Equal("og", items["/media/half.jpg"].GetProperty("found_by").GetString());
        Assert.Equal("srcset", items["/media/crop10.jpg"].GetProperty("found_by").GetString());
        Assert.Equal("link", items["/media/mirror.jpg"].GetProperty("found_by").GetString());
        Assert.EndsWith("page=2", items["/media/page2-q70.jpg"].GetProperty("page").GetString(), StringComparison.Ordinal);

        // The other bank holds nothing: no matches at all; without --depth the second page is not visited.
        var lines = CliRunner.Lines(Haechi("watch", "--once", "--allow-private", "--bank", "other", _site.Url("gallery").AbsoluteUri).Out);
        Assert.Equal(7, lines.Length);
        Assert.All(lines, l => Assert.EndsWith("\tok\t", l, StringComparison.Ordinal));
    }

    [Fact]
    public void Watch_Default_RefusesLoopback_WithoutFetchingAnything()
    {
        RegisterAndServeGallery();
        var (code, output, error) = Haechi("watch", "--once", "--bank", "victims", _site.Url("gallery").AbsoluteUri);
        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.Contains("blocked-private", error, StringComparison.Ordinal);
        Assert.Equal(0, _site.MediaRequests);
    }

    [Fact]
    public void Watch_HostilePage_EveryItemEndsWithItsOwnStatus_InBoundedTime()
    {
        Assert.Equal(0, Haechi("bank", "create", "victims").ExitCode);
        _site.File("/media/ok.jpg", SyntheticImages.Jpeg(800, 600, 5));
        _site.Page("/not-an-image.jpg", "<html><body>a page posing as an image</body></html>");
        _site.Page("/hostile", """
            <html><body>
            <img src="/media/ok.jpg"><img src="/bomb.png"><img src="/endless.jpg"><img src="/slow.jpg">
            <img src="/loop/a.jpg"><img src="/chain/1.jpg"><img src="/missing.jpg"><img src="/not-an-image.jpg">
            </body></html>
            """);
        var stopwatch = Stopwatch.StartNew();
        var (code, output, error) = Haechi("watch", "--once", "--allow-private", "--json", "--timeout", "3", "--max-bytes", "2000000", _site.Url("hostile").AbsoluteUri);
        stopwatch.Stop();
        Assert.True(code == 0, error);
        var status = CliRunner.Lines(output).Select(l => JsonDocument.Parse(l).RootElement)
            .ToDictionary(e => new Uri(e.GetProperty("url").GetString()!).AbsolutePath.TrimStart('/'), e => e.GetProperty("status").GetString());
        Assert.Equal("ok", status["media/ok.jpg"]);
        Assert.Equal("too-many-pixels", status["bomb.png"]);
        Assert.Equal("too-large", status["endless.jpg"]);
        Assert.Equal("slow-response", status["slow.jpg"]);
        Assert.Equal("redirect-loop", status["loop/a.jpg"]);
        Assert.Equal("too-many-redirects", status["chain/1.jpg"]);
        Assert.Equal("http-status", status["missing.jpg"]);
        Assert.Equal("not-media", status["not-an-image.jpg"]);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(30), stopwatch.Elapsed.ToString());
    }

    [Fact]
    public void Watch_ThousandsOfLinks_WorkIsCapped()
    {
        Assert.Equal(0, Haechi("bank", "create", "victims").ExitCode);
        var html = new StringBuilder("<html><body>");
        for (var i = 0; i < 20_000; i++)
        {
            html.Append("<a href=\"/flood/").Append(i).Append(".jpg\">x</a><a href=\"/gallery?page=").Append(i + 2).Append("\">next</a>");
        }

        _site.Page("/flood", html.Append("</body></html>").ToString());
        var stopwatch = Stopwatch.StartNew();
        var (code, output, error) = Haechi("watch", "--once", "--allow-private", "--depth", "3", "--max-media", "20", _site.Url("flood").AbsoluteUri);
        stopwatch.Stop();
        Assert.True(code == 0, error);
        var lines = CliRunner.Lines(output);
        Assert.Equal(500, lines.Length); // the extractor keeps 500 media per page
        Assert.Equal(20, lines.Count(l => l.Contains("\thttp-status\t", StringComparison.Ordinal)));
        Assert.Equal(480, lines.Count(l => l.Contains("\tskipped\t", StringComparison.Ordinal)));
        Assert.Contains("more links than the caps", error, StringComparison.Ordinal);
        Assert.True(_site.MediaRequests <= 20 + 10, _site.MediaRequests.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(30), stopwatch.Elapsed.ToString());
    }
}
