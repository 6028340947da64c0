using System.Globalization;
using System.Net.Http.Headers;
using Haechi.Media.Images;
using Haechi.Server.Tests.Features.Cases;
using Microsoft.Playwright;

namespace Haechi.EndToEnd.Tests;

/// <summary>
/// Her face, on her phone (390 px, Korean): she registers a photo, consents to the face step, and only
/// then does the page fetch ONNX Runtime Web and the face models (from this server only); she picks her
/// face among the ones found in a 12 MP photo and enrols it: no request carries image bytes. A composite
/// (her face pasted onto a drawn picture) then arrives in a report, and the analyst's queue shows it as
/// her face, top priority, linked to her case. Real models and sample photos, pulled at test time.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class VictimFaceTests(BrowserFixture fixture, ITestOutputHelper output) : IAsyncDisposable
{
    private readonly string _files = Directory.CreateTempSubdirectory("haechi-face-photos-").FullName;
    private BrowserServer? _server;

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
            Screenshots.DeleteDirectory(_server.DataDirectory);
        }

        Screenshots.DeleteDirectory(_files);
    }

    [Fact]
    public async Task Phone_FaceConsent_PickFaceIn12MpPhoto_OnlyEmbeddingSent_CompositeQueuedAsHerFaceLinkedToHerCase()
    {
        fixture.RequireBrowser();
        var ct = TestContext.Current.CancellationToken;
        var shots = Path.Combine(Screenshots.Directory, "victim-face");
        Directory.CreateDirectory(shots);
        _server = new BrowserServer();
        var samples = await FaceTestData.InstallAsync(_server.DataDirectory, runtime: true);
        var baseUrl = new Uri(_server.Start());

        // Her photos: a drawn photo to fingerprint, and a 12 MP photo (4000×3000, sample 1 upscaled) with three faces.
        var photo = Path.Combine(_files, "photo.jpg");
        await File.WriteAllBytesAsync(photo, SyntheticImages.Jpeg(960, 720, 4242), ct);
        var large = Path.Combine(_files, "me-12mp.jpg");
        double scaleX, scaleY;
        int cropX;
        using (var sample = NetVips.Image.NewFromFile(samples[0]))
        {
            var cropWidth = Math.Min(sample.Width, sample.Height * 4 / 3);
            cropX = (sample.Width - cropWidth) / 2;
            using var cropped = sample.Crop(cropX, 0, cropWidth, sample.Height);
            scaleX = 4000.0 / cropWidth;
            scaleY = 3000.0 / sample.Height;
            using var big = cropped.Resize(scaleX, vscale: scaleY);
            await File.WriteAllBytesAsync(large, big.WriteToBuffer(".jpg[Q=90]"), ct);
        }

        var photoBytes = new[] { await File.ReadAllBytesAsync(photo, ct), await File.ReadAllBytesAsync(large, ct) };
        var phone = await fixture.Browser.NewContextAsync(new() { BaseURL = baseUrl.ToString(), ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true, Locale = "ko-KR" });
        await phone.Tracing.StartAsync(new() { Screenshots = true, Snapshots = true });
        var page = await phone.NewPageAsync();
        var requests = new List<IRequest>();
        var consented = false;
        var beforeConsent = new List<string>();
        page.Request += (_, request) =>
        {
            lock (requests)
            {
                requests.Add(request);
                if (!consented)
                {
                    beforeConsent.Add(request.Url);
                }
            }
        };
        try
        {
            await page.GotoAsync("/protect");
            await VictimSteps.ConfirmEligibilityAsync(page);
            await page.SetInputFilesAsync("#photos", photo);
            await page.GetByRole(AriaRole.Button, new() { Name = "사진 등록하기" }).ClickAsync();
            var caseNumber = (await page.GetByTestId("case-number").TextContentAsync(new() { Timeout = 90_000 }))!.Trim();
            await page.GetByRole(AriaRole.Heading, new() { Name = "내 얼굴도 등록하기" }).WaitForAsync();
            await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "01-face-step-consent.png"), FullPage = true });

            // Nothing of the face step was requested before her consent: no runtime, no model, not even its script or setup.
            lock (requests)
            {
                consented = true;
                Assert.DoesNotContain(beforeConsent, u => u.Contains("/face-", StringComparison.Ordinal) || u.Contains("haechi-face", StringComparison.Ordinal) || u.Contains("/api/faces", StringComparison.Ordinal));
            }

            var start = page.GetByRole(AriaRole.Button, new() { Name = "얼굴 도구 준비하기" });
            Assert.True(await start.IsDisabledAsync());
            await page.GetByRole(AriaRole.Checkbox, new() { Name = "내 얼굴 특징값을 이 사건에 등록하는 데 동의해요" }).CheckAsync();
            await start.ClickAsync();
            await page.Locator("#face-photo").WaitForAsync(new() { Timeout = 180_000 });
            await page.SetInputFilesAsync("#face-photo", large);
            await page.Locator("section.face-step[data-state=Picking]").WaitForAsync(new() { Timeout = 180_000 });
            var boxes = page.Locator(".face-box");
            Assert.Equal(3, await boxes.CountAsync());
            await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "02-faces-found.png"), FullPage = true });

            // She taps her face: the box whose centre is nearest where her face is in the 12 MP photo.
            var preview = (await page.Locator(".face-preview img").BoundingBoxAsync())!;
            var (hx, hy, hs) = FaceTestData.HerFace;
            var herX = preview.X + (((hx + (hs / 2.0) - cropX) * scaleX / 4000.0) * preview.Width);
            var herY = preview.Y + (((hy + (hs / 2.0)) * scaleY / 3000.0) * preview.Height);
            var nearest = -1;
            var distance = double.MaxValue;
            for (var i = 0; i < 3; i++)
            {
                var b = (await boxes.Nth(i).BoundingBoxAsync())!;
                var d = Math.Pow(b.X + (b.Width / 2) - herX, 2) + Math.Pow(b.Y + (b.Height / 2) - herY, 2);
                (nearest, distance) = d < distance ? (i, d) : (nearest, distance);
            }

            await boxes.Nth(nearest).ClickAsync();
            Assert.Equal("true", await boxes.Nth(nearest).GetAttributeAsync("aria-pressed"));
            await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "03-her-face-picked.png"), FullPage = true });
            await page.GetByRole(AriaRole.Button, new() { Name = "이 얼굴 등록하기" }).ClickAsync();
            await page.GetByTestId("face-done").WaitForAsync(new() { Timeout = 60_000 });
            await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "04-face-registered.png"), FullPage = true });

            var step = page.Locator("section.face-step");
            var (enrolMs, detectMs, embedMs, loadMs) = (await step.GetAttributeAsync("data-enrol-ms"), await step.GetAttributeAsync("data-detect-ms"), await step.GetAttributeAsync("data-embed-ms"), await step.GetAttributeAsync("data-load-ms"));
            var figures = string.Create(
                CultureInfo.InvariantCulture,
                $"12 MP face enrolment in Chromium (headless, 390 px): {enrolMs} ms of device work (decode and detection {detectMs} ms, embedding {embedMs} ms); runtime and models loaded in {loadMs} ms");
            output.WriteLine(figures);
            await File.WriteAllTextAsync(Path.Combine(shots, "timing.txt"), figures + "\n", ct);

            // Every request went to this server; none carried image bytes; the face went as one embedding with its consent.
            List<IRequest> sent;
            lock (requests)
            {
                sent = [.. requests];
            }

            Assert.All(sent, r => Assert.True(r.Url.StartsWith(baseUrl.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal) || r.Url.StartsWith("blob:", StringComparison.Ordinal) || r.Url.StartsWith("data:", StringComparison.Ordinal), r.Url));
            foreach (var request in sent)
            {
                if (request.PostDataBuffer is { Length: > 0 } body)
                {
                    Assert.False(LooksLikeImage(body, photoBytes), $"{request.Method} {request.Url} carries image bytes");
                }
            }

            var face = Assert.Single(sent, r => r.Method == "POST" && r.Url.EndsWith($"/api/cases/{caseNumber}/signals", StringComparison.Ordinal));
            Assert.Contains("\"face-faceres-v1\"", face.PostData, StringComparison.Ordinal);
            Assert.Contains("\"faceConsent\":true", face.PostData, StringComparison.Ordinal);
            Assert.Contains(sent, r => r.Url.Contains("/face-runtime/", StringComparison.Ordinal) && r.Url.EndsWith(".wasm", StringComparison.Ordinal));
            Assert.Contains(sent, r => r.Url.Contains("/face-models/faceres/", StringComparison.Ordinal));

            // A composite of her face arrives in a report; the analyst's queue shows it as her face, first, linked to her case.
            using (var form = new MultipartFormDataContent
            {
                { new StringContent("https://deepfakes.example/board/7"), "urls" },
                { new StringContent("website"), "platform" },
            })
            {
                var part = new ByteArrayContent(FaceTestData.Composite(samples[0], seed: 21));
                part.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
                form.Add(part, "evidence", "screenshot.jpg");
                using var client = new HttpClient { BaseAddress = baseUrl };
                using var response = await client.PostAsync("api/reports", form, ct);
                Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(ct));
            }

            var desk = await fixture.Browser.NewContextAsync(new() { BaseURL = baseUrl.ToString() });
            var analyst = await desk.NewPageAsync();
            await analyst.GotoAsync("/account/sign-in");
            await analyst.FillAsync("#sign-in-user", "admin");
            await analyst.FillAsync("#sign-in-password", _server.AdminPassword);
            await analyst.Locator("form button[type=submit]").ClickAsync();
            await analyst.WaitForURLAsync(url => !url.Contains("sign-in", StringComparison.Ordinal), new() { Timeout = 30_000 });
            await analyst.GotoAsync("/review");
            await analyst.ScreenshotAsync(new() { Path = Path.Combine(shots, "05-queue.png"), FullPage = true });
            var first = analyst.Locator("table tbody tr").First;
            await first.GetByRole(AriaRole.Link).First.ClickAsync();
            var signal = analyst.GetByTestId("item-signal");
            Assert.Equal("face", await signal.GetAttributeAsync("data-signal"));
            var linked = analyst.GetByTestId("item-case");
            Assert.Equal(caseNumber, await linked.GetAttributeAsync("data-case"));
            Assert.Equal("face", await linked.GetAttributeAsync("data-by"));
            Assert.Contains("등록한 피해자의 얼굴일 수 있음", await linked.TextContentAsync(), StringComparison.Ordinal);
            var priority = double.Parse((await analyst.GetByTestId("item-priority").TextContentAsync())!.Trim().Split(' ')[^1], CultureInfo.InvariantCulture);
            Assert.True(priority >= 0.75, $"priority {priority}");
            await analyst.ScreenshotAsync(new() { Path = Path.Combine(shots, "06-item-her-face.png"), FullPage = true });
            await desk.CloseAsync();
        }
        finally
        {
            await phone.Tracing.StopAsync(new() { Path = Path.Combine(shots, "trace.zip") });
            await phone.CloseAsync();
        }
    }

    // JPEG/PNG/WebP/GIF signatures, or any 64-byte run of one of her photo files.
    internal static bool LooksLikeImage(byte[] body, byte[][] photos)
    {
        ReadOnlySpan<byte> jpeg = [0xFF, 0xD8, 0xFF];
        ReadOnlySpan<byte> png = [0x89, 0x50, 0x4E, 0x47];
        if (body.AsSpan().IndexOf(jpeg) >= 0 || body.AsSpan().IndexOf(png) >= 0 || body.AsSpan().IndexOf("RIFF"u8) >= 0 || body.AsSpan().IndexOf("GIF8"u8) >= 0)
        {
            return true;
        }

        foreach (var photo in photos)
        {
            for (var at = 1024; at + 64 <= photo.Length; at += photo.Length / 8)
            {
                if (body.AsSpan().IndexOf(photo.AsSpan(at, 64)) >= 0)
                {
                    return true;
                }
            }
        }

        return false;
    }
}
