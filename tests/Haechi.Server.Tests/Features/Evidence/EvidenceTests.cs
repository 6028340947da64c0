using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Haechi.Data;
using Haechi.Media.Images;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Haechi.Server.Tests.Features.Evidence;

public sealed class EvidenceTests : IAsyncLifetime
{
    private readonly HaechiServerFactory _factory = new();
    private HttpClient _client = null!;

    public ValueTask InitializeAsync()
    {
        _client = _factory.CreateClient();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        HaechiServerFactory.DeleteDirectory(_factory.DataDirectory);
    }

    /// <summary>A synthetic photo-like PNG: smooth gradients and blobs that differ by seed.</summary>
    internal static byte[] Picture(int seed, int width = 320, int height = 240)
    {
        var random = new Random(seed);
        var (fx, fy, phase) = (random.NextDouble() * 0.08, random.NextDouble() * 0.08, random.NextDouble() * 6);
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = ((y * width) + x) * 3;
                var v = Math.Sin((x * fx) + phase) * Math.Cos(y * fy);
                pixels[i] = (byte)(128 + (100 * v));
                pixels[i + 1] = (byte)((x * 255 / width) ^ (seed * 37));
                pixels[i + 2] = (byte)(y * 255 / height);
            }
        }

        using var image = NetVips.Image.NewFromMemory(pixels, width, height, 3, NetVips.Enums.BandFormat.Uchar);
        return image.PngsaveBuffer();
    }

    private static MultipartFormDataContent Report(bool minor, params (byte[] Bytes, string Name)[] files)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent("https://t.me/some_room/12"), "urls" },
            { new StringContent("telegram"), "platform" },
            { new StringContent(minor ? "true" : "false"), "possibleMinor" },
            { new StringContent("<b>see the room</b>"), "description" },
        };
        foreach (var (bytes, name) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "evidence", name);
        }

        return form;
    }

    private async Task<(int Reports, int Evidence, int Items)> CountsAsync()
    {
        using var scope = _factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
        return (await db.Reports.CountAsync(ApiClient.Ct), await db.Evidence.CountAsync(ApiClient.Ct), await db.ReviewItems.CountAsync(ApiClient.Ct));
    }

    [Fact]
    public async Task Submit_WithScreenshots_StoredSealedAndTheReviewItemCarriesTheFingerprints()
    {
        var picture = Picture(1);
        using var form = Report(minor: false, (picture, "shot.png"), (Picture(2), "other.png"));
        using var response = await _client.PostAsync("/api/reports", form, ApiClient.Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var scope = _factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
        var evidence = await db.Evidence.AsNoTracking().OrderBy(e => e.Id).ToListAsync(ApiClient.Ct);
        Assert.Equal(2, evidence.Count);
        Assert.Equal("image/png", evidence[0].ContentType);
        Assert.Equal(picture.Length, evidence[0].Length);
        Assert.Equal((320, 240), (evidence[0].Width, evidence[0].Height));
        // Sealed: neither the PNG signature nor any 16-byte run of the file appears in the stored blob.
        Assert.Equal(-1, evidence[0].Sealed.AsSpan().IndexOf(picture.AsSpan(0, 8)));
        Assert.Equal(-1, evidence[0].Sealed.AsSpan().IndexOf(picture.AsSpan(200, 16)));
        var item = await db.ReviewItems.AsNoTracking().SingleAsync(ApiClient.Ct);
        Assert.Equal(evidence[0].Id, item.EvidenceId);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(picture), item.Sha256);
        Assert.NotNull(item.Pdq);
        Assert.Equal(0, item.MatchStrength);
    }

    [Fact]
    public async Task Submit_ScreenshotOfARegisteredPhoto_MatchRaisesItAboveOtherReports()
    {
        var registered = Picture(7, 640, 480);
        var fingerprint = new ImageFingerprinter().Fingerprint(registered, FingerprintParts.FileDigests);
        using (var created = await _client.PostAsJsonAsync("/api/cases", new { signals = new object[] { new { type = "pdq", hash = fingerprint.Pdq.ToString(), quality = fingerprint.Quality } }, language = "ko" }, ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using (var plain = Report(minor: false, (Picture(8), "unrelated.png")))
        using (var first = await _client.PostAsync("/api/reports", plain, ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }

        // The same photo, re-encoded smaller as a JPEG: a screenshot of it, not the file.
        using var copy = NetVips.Image.NewFromBuffer(registered).Resize(0.6);
        using (var matched = Report(minor: false, (copy.JpegsaveBuffer(q: 70), "copy.jpg")))
        using (var second = await _client.PostAsync("/api/reports", matched, ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        }

        using var admin = await _factory.AdminAsync();
        var queue = await (await admin.GetAsync("/api/review/items", ApiClient.Ct)).JsonAsync();
        var items = queue["items"]!.AsArray();
        Assert.Equal(2, items.Count);
        Assert.True((double)items[0]!["matchStrength"]! > 0.5);
        Assert.Equal(0, (double)items[1]!["matchStrength"]!);
    }

    [Fact]
    public async Task Submit_MirroredScreenshotOfARegisteredPhoto_MatchedByItsDihedralHash()
    {
        var registered = Picture(17, 640, 480);
        var fingerprint = new ImageFingerprinter().Fingerprint(registered);
        using (var created = await _client.PostAsJsonAsync("/api/cases", new { signals = new object[] { new { type = "pdq", hash = fingerprint.Pdq.ToString(), quality = fingerprint.Quality } }, language = "ko" }, ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var mirrored = NetVips.Image.NewFromBuffer(registered).FlipHor();
        Assert.True(Haechi.Core.Hashing.Hash256.Distance(new ImageFingerprinter().Fingerprint(mirrored.PngsaveBuffer()).Pdq, fingerprint.Pdq) > Haechi.Core.Matching.HammingIndex.DefaultRadius, "plain PDQ misses the mirror");
        using (var report = Report(minor: false, (mirrored.JpegsaveBuffer(q: 85), "mirrored.jpg")))
        using (var response = await _client.PostAsync("/api/reports", report, ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        using var admin = await _factory.AdminAsync();
        var item = Assert.Single((await (await admin.GetAsync("/api/review/items", ApiClient.Ct)).JsonAsync())["items"]!.AsArray())!;
        Assert.True((double)item["matchStrength"]! > 0.5);
    }

    [Fact]
    public async Task Submit_CroppedScreenshot_MatchedByKeypointsOnlyForAVictimWhoOptedIn()
    {
        const int W = 640, H = 480;
        var scene = GreyScene(21, W, H);
        using var sceneImage = NetVips.Image.NewFromMemory(scene, W, H, 1, NetVips.Enums.BandFormat.Uchar);
        var registeredPng = sceneImage.PngsaveBuffer();
        var pdq = new ImageFingerprinter().Fingerprint(registeredPng);
        var features = new Haechi.Core.Robust.Local.LocalFeatureExtractor().Extract(scene, W, H, Haechi.Core.Hashing.Pdq.PixelFormat.Grey8);
        using (var created = await _client.PostAsJsonAsync(
            "/api/cases",
            new { signals = new object[] { new { type = "pdq", hash = pdq.Pdq.ToString(), quality = pdq.Quality, local = Convert.ToBase64String(features.ToBytes()) } }, language = "ko", localConsent = true },
            ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        // An off-centre crop (10 % off the left, 20 % off the bottom) of the registered scene, and the same crop of another scene.
        foreach (var (seed, name) in new[] { (21, "crop.png"), (22, "other.png") })
        {
            using var source = NetVips.Image.NewFromMemory(GreyScene(seed, W, H), W, H, 1, NetVips.Enums.BandFormat.Uchar);
            using var crop = source.Crop(64, 0, 560, 384);
            Assert.True(Haechi.Core.Hashing.Hash256.Distance(new ImageFingerprinter().Fingerprint(crop.PngsaveBuffer()).Pdq, pdq.Pdq) > Haechi.Core.Matching.HammingIndex.DefaultRadius, "PDQ misses the crop");
            using var report = Report(minor: false, (crop.PngsaveBuffer(), name));
            using var response = await _client.PostAsync("/api/reports", report, ApiClient.Ct);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        using var admin = await _factory.AdminAsync();
        var items = (await (await admin.GetAsync("/api/review/items", ApiClient.Ct)).JsonAsync())["items"]!.AsArray();
        Assert.Equal(2, items.Count);
        Assert.True((double)items[0]!["matchStrength"]! > 0.5, "the crop of the registered scene is matched by its keypoints");
        Assert.Equal(0, (double)items[1]!["matchStrength"]!);
    }

    /// <summary>A synthetic grey scene: seeded rectangles and faint noise (textured, so it has keypoints).</summary>
    internal static byte[] GreyScene(int seed, int width, int height)
    {
        var random = new Random(seed);
        var pixels = new byte[width * height];
        Array.Fill(pixels, (byte)random.Next(60, 200));
        for (var s = 0; s < 60; s++)
        {
            int cx = random.Next(width), cy = random.Next(height), rw = random.Next(8, width / 6), rh = random.Next(8, height / 6);
            var value = (byte)random.Next(256);
            for (var y = Math.Max(0, cy - rh); y < Math.Min(height, cy + rh); y++)
            {
                pixels.AsSpan((y * width) + Math.Max(0, cx - rw), Math.Min(width, cx + rw) - Math.Max(0, cx - rw)).Fill(value);
            }
        }

        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)Math.Clamp(pixels[i] + random.Next(-3, 4), 0, 255);
        }

        return pixels;
    }

    [Theory]
    [InlineData("text")]
    [InlineData("truncated")]
    [InlineData("empty")]
    [InlineData("bomb")]
    public async Task Submit_BadScreenshot_ClearErrorAndNothingStored(string kind)
    {
        var good = Picture(3);
        var bad = kind switch
        {
            "text" => "this is not an image"u8.ToArray(),
            "truncated" => good[..(good.Length / 2)],
            "empty" => [],
            _ => Bomb(),
        };
        using var form = Report(minor: true, (good, "good.png"), (bad, "bad.png"));
        using var response = await _client.PostAsync("/api/reports", form, ApiClient.Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.JsonAsync())["errors"]!["evidence"]!.AsArray();
        Assert.Contains("Screenshot 2", (string)errors[0]!, StringComparison.Ordinal);
        Assert.Equal((0, 0, 0), await CountsAsync());
    }

    [Fact]
    public async Task Submit_TooManyOrTooLarge_RefusedAndNothingStored()
    {
        var files = Enumerable.Range(0, 6).Select(i => (Picture(i), $"{i}.png")).ToArray();
        using (var many = Report(minor: false, files))
        using (var response = await _client.PostAsync("/api/reports", many, ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        using (var huge = Report(minor: false, (new byte[(10 * 1024 * 1024) + 1], "huge.png")))
        using (var response = await _client.PostAsync("/api/reports", huge, ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        using (var beyond = Report(minor: false, Enumerable.Range(0, 6).Select(_ => (new byte[10 * 1024 * 1024], "x.png")).ToArray()))
        using (var response = await _client.PostAsync("/api/reports", beyond, ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }

        Assert.Equal((0, 0, 0), await CountsAsync());
    }

    [Fact]
    public async Task PreviewAndReveal_AnalystsOnly_BlurredFirstOriginalAudited()
    {
        var picture = Picture(5, 400, 300);
        using (var form = Report(minor: true, (picture, "shot.png")))
        using (var created = await _client.PostAsync("/api/reports", form, ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var admin = await _factory.AdminAsync();
        var id = (long)(await (await admin.GetAsync("/api/review/items", ApiClient.Ct)).JsonAsync())["items"]![0]!["id"]!;

        // Anonymous and victims: nothing.
        using (var anonymous = await _client.GetAsync($"/api/review/items/{id}/preview", ApiClient.Ct))
        {
            Assert.Contains(anonymous.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.NotFound });
            Assert.NotEqual("image/jpeg", anonymous.Content.Headers.ContentType?.MediaType);
        }

        using (var anonymous = await _client.PostAsync($"/api/review/items/{id}/reveal", null, ApiClient.Ct))
        {
            Assert.Contains(anonymous.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.NotFound });
        }

        using var analyst = await _factory.UserAsync(admin, "analyst", "ana");
        using (var preview = await analyst.GetAsync($"/api/review/items/{id}/preview", ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
            Assert.Equal("image/jpeg", preview.Content.Headers.ContentType?.MediaType);
            Assert.Contains("no-store", preview.Headers.CacheControl?.ToString() ?? string.Empty, StringComparison.Ordinal);
            var bytes = await preview.Content.ReadAsByteArrayAsync(ApiClient.Ct);
            using var image = NetVips.Image.NewFromBuffer(bytes);
            Assert.True(image.Bands == 1 || image.Interpretation == NetVips.Enums.Interpretation.Bw, "the preview is grey");
            Assert.True(Math.Max(image.Width, image.Height) <= 320);
            // Blurred: far less fine detail than the same-size original.
            using var original = NetVips.Image.ThumbnailBuffer(picture, image.Width, height: image.Height).Colourspace(NetVips.Enums.Interpretation.Bw);
            var (previewDetail, originalDetail) = (Detail(image), Detail(original));
            Assert.True(previewDetail < originalDetail * 0.5, $"preview detail {previewDetail} vs original {originalDetail}");
        }

        Assert.DoesNotContain(await admin.AuditAsync(), e => (string?)e["action"] == "evidence.revealed");
        using (var reveal = await analyst.PostAsync($"/api/review/items/{id}/reveal", null, ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.OK, reveal.StatusCode);
            Assert.Equal("image/png", reveal.Content.Headers.ContentType?.MediaType);
            Assert.Equal(picture, await reveal.Content.ReadAsByteArrayAsync(ApiClient.Ct));
        }

        var audit = await admin.AuditAsync();
        Assert.Contains(audit, e => (string?)e["action"] == "evidence.previewed" && (string?)e["subject"] == $"review-item:{id}");
        Assert.Contains(audit, e => (string?)e["action"] == "evidence.revealed" && (string?)e["subject"] == $"review-item:{id}");
    }

    private static double Detail(NetVips.Image image)
    {
        using var memory = image.CopyMemory();
        using var edges = memory.Cast(NetVips.Enums.BandFormat.Float).Conv(NetVips.Image.NewFromArray(new double[,] { { 0, -1, 0 }, { -1, 4, -1 }, { 0, -1, 0 } }));
        using var abs = edges.Abs();
        return abs.Avg();
    }

    /// <summary>A PNG that declares 60000 × 60000 pixels in a few bytes.</summary>
    private static byte[] Bomb()
    {
        var png = Picture(9, 16, 16);
        // IHDR width/height at bytes 16..23; the CRC is not fixed, so the decoder refuses either way.
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), 60000);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), 60000);
        return png;
    }
}
