using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Haechi.Cli.Tests;
using Haechi.Core.Review;
using Haechi.Data;
using Haechi.Data.Ingestion;
using Haechi.Data.Sealing;
using Haechi.Media.Images;
using Haechi.Pipeline.Ingestion;
using Haechi.Pipeline.Review;
using Haechi.Server.Tests.Features.Evidence;
using Microsoft.Extensions.DependencyInjection;

namespace Haechi.Server.Tests.Features.Review;

/// <summary>
/// Everything in the queue can be seen, safely: an ingested image or video and every screenshot of a
/// report have a grey, blurred preview (a video a strip of blurred keyframes) and an audited reveal
/// that only staff may ask for; the item page shows where the content came from, in Korean first.
/// </summary>
public sealed class ItemContentTests : IAsyncLifetime
{
    private readonly HaechiServerFactory _factory = new();
    private string _work = null!;

    public ValueTask InitializeAsync()
    {
        _work = Directory.CreateTempSubdirectory("haechi-item-content-").FullName;
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        HaechiServerFactory.DeleteDirectory(_factory.DataDirectory);
        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task Preview_IngestedImageAndReportWithThreeScreenshots_BlurredGreyAndRevealAudited()
    {
        var ingested = EvidenceTests.Picture(31, 480, 360);
        var telegramItem = await SeedIngestedAsync("telegram", "-1001234567890:42:AgADx", ingested, "image");
        var shots = new[] { EvidenceTests.Picture(41), EvidenceTests.Picture(42), EvidenceTests.Picture(43) };
        var reportItem = await ReportItemAsync(shots);

        using var admin = await _factory.AdminAsync();
        using var analyst = await _factory.UserAsync(admin, "analyst", "ana");
        using var anonymous = _factory.CreateClient();
        foreach (var (id, originals) in new[] { (telegramItem, new[] { ingested }), (reportItem, shots) })
        {
            var pieces = (await analyst.GetFromJsonAsync<JsonArray>($"/api/review/items/{id}/content", ApiClient.Ct))!;
            Assert.Equal(originals.Length, pieces.Count);
            for (var i = 0; i < originals.Length; i++)
            {
                Assert.Equal("image", (string)pieces[i]!["kind"]!);
                using (var refused = await anonymous.GetAsync($"/api/review/items/{id}/content/{i}/preview", ApiClient.Ct))
                {
                    Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
                }

                using (var refused = await anonymous.PostAsync($"/api/review/items/{id}/content/{i}/reveal", null, ApiClient.Ct))
                {
                    Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
                }

                using (var preview = await analyst.GetAsync($"/api/review/items/{id}/content/{i}/preview", ApiClient.Ct))
                {
                    Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
                    Assert.Equal("image/jpeg", preview.Content.Headers.ContentType?.MediaType);
                    Assert.Contains("no-store", preview.Headers.CacheControl?.ToString() ?? string.Empty, StringComparison.Ordinal);
                    AssertBlurredGrey(await preview.Content.ReadAsByteArrayAsync(ApiClient.Ct), originals[i]);
                }

                using (var reveal = await analyst.PostAsync($"/api/review/items/{id}/content/{i}/reveal", null, ApiClient.Ct))
                {
                    Assert.Equal(HttpStatusCode.OK, reveal.StatusCode);
                    Assert.Equal("image/png", reveal.Content.Headers.ContentType?.MediaType);
                    Assert.Equal(originals[i], await reveal.Content.ReadAsByteArrayAsync(ApiClient.Ct));
                }
            }

            using var beyond = await analyst.GetAsync($"/api/review/items/{id}/content/{originals.Length}/preview", ApiClient.Ct);
            Assert.Equal(HttpStatusCode.NotFound, beyond.StatusCode);
        }

        // The item's own preview (the queue's thumbnail) now opens ingested content too.
        using (var queued = await analyst.GetAsync($"/api/review/items/{telegramItem}/preview", ApiClient.Ct))
        {
            AssertBlurredGrey(await queued.Content.ReadAsByteArrayAsync(ApiClient.Ct), ingested);
        }

        var queue = (await analyst.GetFromJsonAsync<JsonObject>("/api/review/items", ApiClient.Ct))!;
        Assert.True((bool)queue["items"]!.AsArray().Single(i => (long)i!["id"]! == telegramItem)!["hasEvidence"]!);

        // Who, which item, which piece, when; never content or its source.
        var audit = await admin.AuditAsync();
        var revealed = audit.Where(e => (string?)e["action"] == "evidence.revealed").ToList();
        Assert.Equal(4, revealed.Count);
        Assert.Contains(revealed, e => (string?)e["subject"] == $"review-item:{reportItem}" && ((string)e["detail"]!).Contains("piece=2", StringComparison.Ordinal));
        Assert.Contains(revealed, e => (string?)e["subject"] == $"review-item:{telegramItem}" && ((string)e["detail"]!).StartsWith("ingest-item=", StringComparison.Ordinal));
        Assert.All(revealed, e => Assert.StartsWith("user:", (string)e["actor"]!, StringComparison.Ordinal));
        Assert.All(audit.Where(e => ((string)e["action"]!).StartsWith("evidence.", StringComparison.Ordinal)), e => Assert.DoesNotContain("t.me", e.ToJsonString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task ItemPage_TelegramSeizedAndReport_AllPreviewsAndProvenanceInKorean()
    {
        var picture = EvidenceTests.Picture(51, 400, 300);
        var telegramItem = await SeedIngestedAsync("telegram", "-1001234567890:42:AgADx", picture, "image");
        var seizedItem = await SeedIngestedAsync("import", "import:20261207101500-a1b2c3:0123456789abcdef0123456789abcdef", picture, "image");
        var reportItem = await ReportItemAsync([EvidenceTests.Picture(61), EvidenceTests.Picture(62), EvidenceTests.Picture(63)]);
        using var admin = await _factory.AdminAsync();
        using var analyst = await _factory.UserAsync(admin, "analyst", "ana");

        var telegram = await PageAsync(analyst, telegramItem);
        Assert.Contains("출처 정보", telegram, StringComparison.Ordinal);
        Assert.Contains("텔레그램 채널", telegram, StringComparison.Ordinal);
        Assert.Contains("https://t.me/c/1234567890/42", telegram, StringComparison.Ordinal);
        Assert.Contains("처음 본 때", telegram, StringComparison.Ordinal);
        Assert.Contains(" KST", telegram, StringComparison.Ordinal);
        Assert.Contains("같은 내용이 보인 다른 곳", telegram, StringComparison.Ordinal);
        Assert.Contains($"href=\"/review/{seizedItem}\"", telegram, StringComparison.Ordinal);
        Assert.Contains("같은 파일(SHA-256)", telegram, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"item-preview\"", telegram, StringComparison.Ordinal);
        Assert.DoesNotContain("스크린샷 없음", telegram, StringComparison.Ordinal);
        Assert.Contains("<dt>내용</dt>", telegram, StringComparison.Ordinal);

        var seized = await PageAsync(analyst, seizedItem);
        Assert.Contains("압수 파일", seized, StringComparison.Ordinal);
        Assert.Contains("20261207101500-a1b2c3", seized, StringComparison.Ordinal);
        Assert.Contains("이름은 저장되지 않고 해시만 저장됩니다", seized, StringComparison.Ordinal);
        Assert.Contains($"href=\"/review/{telegramItem}\"", seized, StringComparison.Ordinal);

        var report = await PageAsync(analyst, reportItem);
        Assert.Equal(3, Count(report, "data-testid=\"item-preview\""));
        Assert.Equal(3, Count(report, "data-testid=\"reveal\""));
        Assert.Contains("스크린샷 3/3", report, StringComparison.Ordinal);
        Assert.Contains("공개 신고", report, StringComparison.Ordinal);
        Assert.DoesNotContain("data:image/png;base64", report, StringComparison.Ordinal);

        var english = await PageAsync(analyst, telegramItem, "?culture=en");
        Assert.Contains("Provenance", english, StringComparison.Ordinal);
        Assert.Contains("Telegram channel", english, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ItemPage_IngestedVideo_KeyframesBlurredAndPlaybackOnlyAfterReveal()
    {
        var video = await File.ReadAllBytesAsync(MakeVideo(), ApiClient.Ct);
        var id = await SeedIngestedAsync("web", "1:" + new string('a', 64), video, "video", new Uri("https://example.test/m/clip.mp4"));
        using var admin = await _factory.AdminAsync();
        using var analyst = await _factory.UserAsync(admin, "analyst", "ana");
        using var anonymous = _factory.CreateClient();

        var pieces = (await analyst.GetFromJsonAsync<JsonArray>($"/api/review/items/{id}/content", ApiClient.Ct))!;
        Assert.Equal("video", (string)pieces.Single()!["kind"]!);
        using (var refused = await anonymous.GetAsync($"/api/review/items/{id}/content/0/keyframes", ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        }

        var blurred = (await analyst.GetFromJsonAsync<JsonArray>($"/api/review/items/{id}/content/0/keyframes", ApiClient.Ct))!;
        Assert.InRange(blurred.Count, 3, 6);
        foreach (var frame in blurred)
        {
            using var image = NetVips.Image.NewFromBuffer(Convert.FromBase64String((string)frame!["jpeg"]!));
            Assert.True(image.Bands == 1 || image.Interpretation == NetVips.Enums.Interpretation.Bw, "a keyframe is grey until revealed");
        }

        var page = await PageAsync(analyst, id);
        Assert.Contains("영상 키프레임 (흐리고 회색)", page, StringComparison.Ordinal);
        Assert.True(Count(page, "data-testid=\"keyframe\"") >= 3);
        Assert.DoesNotContain("<video", page, StringComparison.Ordinal);
        Assert.Contains("https://example.test/m/clip.mp4", page, StringComparison.Ordinal);
        Assert.Contains("웹 감시", page, StringComparison.Ordinal);
        Assert.DoesNotContain(await admin.AuditAsync(), e => (string?)e["action"] == "evidence.revealed");

        var sharp = (await (await analyst.PostAsync($"/api/review/items/{id}/content/0/keyframes/reveal", null, ApiClient.Ct)).Content.ReadFromJsonAsync<JsonArray>(ApiClient.Ct))!;
        using (var first = NetVips.Image.NewFromBuffer(Convert.FromBase64String((string)sharp[0]!["jpeg"]!)))
        {
            Assert.Equal(3, first.Bands);
        }

        using (var reveal = await analyst.PostAsync($"/api/review/items/{id}/content/0/reveal", null, ApiClient.Ct))
        {
            Assert.Equal("video/mp4", reveal.Content.Headers.ContentType?.MediaType);
            Assert.Equal(video, await reveal.Content.ReadAsByteArrayAsync(ApiClient.Ct));
        }

        var revealed = (await admin.AuditAsync()).Where(e => (string?)e["action"] == "evidence.revealed" && (string?)e["subject"] == $"review-item:{id}").ToList();
        Assert.Equal(2, revealed.Count);
        Assert.Contains(revealed, e => ((string)e["detail"]!).Contains("keyframes=", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("-1001234567890:42:AgADx", null, "https://t.me/c/1234567890/42")]
    [InlineData("-1001234567890:7:AgADx:edited", null, "https://t.me/c/1234567890/7")]
    [InlineData("-1001234567890:7:AgADx", "leak_room", "https://t.me/leak_room/7")]
    [InlineData("-1001234567890:7:AgADx", "@leak_room", "https://t.me/leak_room/7")]
    [InlineData("-1001234567890:7:AgADx", "bad name!", "https://t.me/c/1234567890/7")]
    [InlineData("123456:42:AgADx", null, null)]
    [InlineData("garbage", null, null)]
    public void TelegramLink_SourceId_PublicLinkWithUsernameElseChannelLink(string sourceId, string? username, string? expected)
    {
        var (chat, message) = Server.Features.Review.GetItemProvenance.TelegramPost(sourceId);
        Assert.Equal(expected, chat is { } c && message is { } m ? Haechi.Pipeline.Telegram.TelegramLinks.Post(username, c, m)?.AbsoluteUri : null);
    }

    [Fact]
    public void Sniff_FetchedBytes_MediaTypeTheRevealSends()
    {
        Assert.Equal("image/png", Server.Features.Evidence.EvidenceViewer.Sniff(EvidenceTests.Picture(1, 8, 8)));
        Assert.Equal("image/jpeg", Server.Features.Evidence.EvidenceViewer.Sniff(SyntheticImages.Jpeg(8, 8, 1)));
        Assert.Equal("video/mp4", Server.Features.Evidence.EvidenceViewer.Sniff([0, 0, 0, 0x18, .. "ftypisom"u8]));
        Assert.Equal("application/octet-stream", Server.Features.Evidence.EvidenceViewer.Sniff("<html>"u8));
    }

    private static void AssertBlurredGrey(byte[] preview, byte[] sharp)
    {
        using var image = NetVips.Image.NewFromBuffer(preview);
        Assert.True(image.Bands == 1 || image.Interpretation == NetVips.Enums.Interpretation.Bw, "the preview is grey");
        using var original = NetVips.Image.ThumbnailBuffer(sharp, image.Width, height: image.Height).Colourspace(NetVips.Enums.Interpretation.Bw);
        var (previewDetail, originalDetail) = (Detail(image), Detail(original));
        Assert.True(previewDetail < originalDetail * 0.5, $"preview detail {previewDetail} vs original {originalDetail}");
    }

    private static double Detail(NetVips.Image image)
    {
        using var memory = image.CopyMemory();
        using var edges = memory.Cast(NetVips.Enums.BandFormat.Float).Conv(NetVips.Image.NewFromArray(new double[,] { { 0, -1, 0 }, { -1, 4, -1 }, { 0, -1, 0 } }));
        using var abs = edges.Abs();
        return abs.Avg();
    }

    private static int Count(string html, string what)
    {
        var count = 0;
        for (var at = html.IndexOf(what, StringComparison.Ordinal); at >= 0; at = html.IndexOf(what, at + what.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static async Task<string> PageAsync(HttpClient staff, long id, string query = "")
    {
        using var page = await staff.GetAsync($"/review/{id}{query}", ApiClient.Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        return await page.Content.ReadAsStringAsync(ApiClient.Ct);
    }

    /// <summary>A public report with <paramref name="screenshots"/>; returns its review item.</summary>
    private async Task<long> ReportItemAsync(byte[][] screenshots)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent("https://t.me/some_room/12"), "urls" },
            { new StringContent("telegram"), "platform" },
        };
        for (var i = 0; i < screenshots.Length; i++)
        {
            var part = new ByteArrayContent(screenshots[i]);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "evidence", string.Create(CultureInfo.InvariantCulture, $"shot{i}.png"));
        }

        using var client = _factory.CreateClient();
        using var response = await client.PostAsync("/api/reports", form, ApiClient.Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (long)(await _factory.LatestReviewItemAsync())!["id"]!;
    }

    /// <summary>
    /// An item as the ingestion pipeline leaves it after a match: the fetched bytes sealed in the
    /// store with the item's context, its digest counted, and the review item <c>ingest:{id}</c>.
    /// </summary>
    private async Task<long> SeedIngestedAsync(string sourceKind, string sourceId, byte[] bytes, string contentKind, Uri? url = null)
    {
        using var scope = _factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
        var sealer = scope.ServiceProvider.GetRequiredService<ContentSealer>();
        var now = TimeProvider.System.GetUtcNow();
        var sha = SHA256.HashData(bytes);
        var item = new IngestItemRecord
        {
            SourceKind = sourceKind,
            SourceId = sourceId,
            Url = url?.AbsoluteUri,
            FilePath = url is null ? "/data/imports/x.bin" : null,
            State = IngestState.Done,
            ReceivedAt = now,
            UpdatedAt = now,
            FetchedAt = now,
            ContentKind = contentKind,
            Length = bytes.Length,
            Sha256 = sha,
            MatchCount = 1,
            MatchStrength = 0.9,
            Signal = contentKind == "video" ? "vpdq" : "pdq",
            CompletedAt = now,
        };
        db.IngestItems.Add(item);
        await db.SaveChangesAsync(ApiClient.Ct);
        db.IngestContents.Add(new IngestContentRecord { ItemId = item.Id, Sealed = sealer.Seal(bytes, IngestContentSealing.Context(item.Id)) });
        var digest = await db.IngestDigests.FindAsync([sha], ApiClient.Ct);
        if (digest is null)
        {
            db.IngestDigests.Add(new IngestDigestRecord { Sha256 = sha, FirstItemId = item.Id, SeenCount = 1, LastSeenAt = now });
        }
        else
        {
            digest.SeenCount++;
            digest.LastSeenAt = now;
        }

        await db.SaveChangesAsync(ApiClient.Ct);
        var queue = scope.ServiceProvider.GetRequiredService<IReviewQueue>();
        var enqueued = await queue.EnqueueAsync(new ReviewItemInput(ReviewItemKind.BankMatch, "ingest:" + item.Id.ToString(CultureInfo.InvariantCulture), MatchStrength: 0.9, Sha256: sha, Url: url, Signal: item.Signal), ApiClient.Ct);
        Assert.Equal(ReviewStatus.Open, enqueued.Status);
        item.ReviewItemId = enqueued.Id;
        await db.SaveChangesAsync(ApiClient.Ct);
        return enqueued.Id;
    }

    /// <summary>A 3 s H.264 video of six synthetic pictures, half a second each.</summary>
    private string MakeVideo()
    {
        for (var i = 0; i < 6; i++)
        {
            File.WriteAllBytes(Path.Combine(_work, string.Create(CultureInfo.InvariantCulture, $"f{i:D2}.jpg")), SyntheticImages.Jpeg(320, 240, 70 + i));
        }

        var output = Path.Combine(_work, "clip.mp4");
        FfmpegTool.Run("-framerate", "2", "-i", Path.Combine(_work, "f%02d.jpg"), "-r", "10", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-crf", "20", output);
        return output;
    }
}
