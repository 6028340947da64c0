using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Haechi.Core.Hashing;
using Haechi.Media.Images;
using Haechi.Pipeline.Matching;
using Haechi.Server.Tests.Features.Cases;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Haechi.EndToEnd.Tests;

/// <summary>
/// Her whole journey on a 390 px phone, in Korean (issue 17's "done when"): she confirms eligibility,
/// picks three photos (sees their thumbnails, removes one), enrols her face after its own consent
/// (nothing of the face step is requested before it, no request carries image bytes), registers a
/// video, and has her number and PIN; a composite of her face (pasted onto another picture) arrives in
/// a report and the analyst's queue shows it as her face, linked to her case; the analyst confirms it
/// and her case shows "copy found" with the help block and next steps; she adds a photo; she withdraws,
/// and as soon as the answer comes nothing of hers matches and neither the database, its log nor the
/// index snapshots hold any of her signals.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class VictimWholeJourneyTests(BrowserFixture fixture, ITestOutputHelper output) : IAsyncDisposable
{
    private static readonly string[] StoreFileNames = ["haechi.db", "haechi.db-wal"];
    private static readonly string[] FfmpegQuiet = ["-hide_banner", "-loglevel", "error", "-y"];
    private readonly string _files = Directory.CreateTempSubdirectory("haechi-journey-files-").FullName;
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
    public async Task Phone_Korean_PhotosFaceVideo_CompositeFoundAsHerFace_CopyFound_AddPhoto_WithdrawLeavesNothing()
    {
        fixture.RequireBrowser();
        Assert.True(File.Exists("/usr/bin/ffmpeg"), "ffmpeg (Debian) is required: ./test.sh installs it");
        var ct = TestContext.Current.CancellationToken;
        var shots = Path.Combine(Screenshots.Directory, "victim-whole-journey");
        Directory.CreateDirectory(shots);
        _server = new BrowserServer();
        var samples = await FaceTestData.InstallAsync(_server.DataDirectory, runtime: true);
        var baseUrl = new Uri(_server.Start());

        // Her files: three drawn photos (one is removed before hashing), one more to add later, her face photo, a short video.
        var photos = new List<string>();
        for (var i = 1; i <= 4; i++)
        {
            var path = Path.Combine(_files, $"사진-{i}.jpg");
            await File.WriteAllBytesAsync(path, SyntheticImages.Jpeg(900, 700, 7100 + i), ct);
            photos.Add(path);
        }

        var video = Path.Combine(_files, "내 영상.mp4");
        Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=480x270:rate=25", "-t", "3", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", "veryfast", video);
        var fileBytes = new List<byte[]>();
        foreach (var file in photos.Append(samples[0]))
        {
            fileBytes.Add(await File.ReadAllBytesAsync(file, ct));
        }


        var phone = await fixture.Browser.NewContextAsync(new() { BaseURL = baseUrl.ToString(), ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true, Locale = "ko-KR" });
        phone.SetDefaultTimeout(90_000);
        await phone.Tracing.StartAsync(new() { Screenshots = true, Snapshots = true });
        var page = await phone.NewPageAsync();
        var requests = new List<IRequest>();
        var faceConsented = false;
        var beforeFaceConsent = new List<string>();
        page.Request += (_, request) =>
        {
            lock (requests)
            {
                requests.Add(request);
                if (!faceConsented)
                {
                    beforeFaceConsent.Add(request.Url);
                }
            }
        };
        async Task Shot(string name) => await page.ScreenshotAsync(new() { Path = Path.Combine(shots, name + ".png"), FullPage = true });
        try
        {
            // 1. Eligibility, three photos with thumbnails, one removed, registered: counted in photos.
            await page.GotoAsync("/protect");
            await VictimSteps.ConfirmEligibilityAsync(page);
            await page.SetInputFilesAsync("#photos", photos.Take(3));
            var thumbs = page.GetByTestId("thumbnails").Locator("img");
            await Assertions.Expect(thumbs).ToHaveCountAsync(3);
            await Shot("01-thumbnails");
            await page.GetByRole(AriaRole.Button, new() { Name = "이 사진 빼기: 사진-2.jpg" }).ClickAsync();
            await Assertions.Expect(thumbs).ToHaveCountAsync(2);
            await page.GetByRole(AriaRole.Button, new() { Name = "사진 등록하기" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("photos-registered")).ToHaveTextAsync("사진 2장 등록 완료", new() { Timeout = 120_000 });
            var number = (await page.GetByTestId("case-number").TextContentAsync())!.Trim();
            var pin = (await page.GetByTestId("case-pin").TextContentAsync())!.Trim();
            Assert.Matches("^[0-9]{8}$", pin);
            await Shot("02-registered-number-and-pin");

            // 2. Her face: nothing of the face step before its own consent; she picks her face; only the embedding goes.
            lock (requests)
            {
                faceConsented = true;
                Assert.DoesNotContain(beforeFaceConsent, u => u.Contains("/face-", StringComparison.Ordinal) || u.Contains("haechi-face", StringComparison.Ordinal) || u.Contains("/api/faces", StringComparison.Ordinal));
            }

            await page.GetByRole(AriaRole.Checkbox, new() { Name = "내 얼굴 특징값을 이 사건에 등록하는 데 동의해요" }).CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "얼굴 도구 준비하기" }).ClickAsync();
            await page.Locator("#face-photo").WaitForAsync(new() { Timeout = 180_000 });
            await page.SetInputFilesAsync("#face-photo", samples[0]);
            await page.Locator("section.face-step[data-state=Picking]").WaitForAsync(new() { Timeout = 180_000 });
            await PickHerFaceAsync(page, samples[0]);
            await Shot("03-her-face-picked");
            await page.GetByRole(AriaRole.Button, new() { Name = "이 얼굴 등록하기" }).ClickAsync();
            await page.GetByTestId("face-done").WaitForAsync(new() { Timeout = 60_000 });

            // 3. Her video, hashed on the phone.
            await page.SetInputFilesAsync("#videos", video);
            await page.GetByRole(AriaRole.Button, new() { Name = "영상 지문 만들고 등록하기" }).ClickAsync();
            await page.GetByTestId("videos-summary").WaitForAsync(new() { Timeout = 300_000 });
            Assert.Equal("Registered", await page.GetByTestId("video-item").First.GetAttributeAsync("data-state"));
            await Shot("04-face-and-video-registered");

            // Everything went to this server only, and no request carried image bytes.
            List<IRequest> sent;
            lock (requests)
            {
                sent = [.. requests];
            }

            Assert.All(sent, r => Assert.True(VictimSteps.SameOrigin(r.Url, baseUrl), r.Url));
            Assert.All(sent.Where(r => r.PostDataBuffer is { Length: > 0 }), r => Assert.False(VictimFaceTests.LooksLikeImage(r.PostDataBuffer!, [.. fileBytes]), r.Method + " " + r.Url + " carries image bytes"));
            var hers = HerHashes(sent);
            Assert.True(hers.Count >= 2 + 2 + 1, "her photos, their views and her video frames were sent as hashes");

            // 4. A composite of her face arrives in a report: the queue shows it as her face, linked to her case; the analyst confirms it.
            using (var form = new MultipartFormDataContent { { new StringContent("https://deepfakes.example/board/9"), "urls" }, { new StringContent("website"), "platform" } })
            {
                var part = new ByteArrayContent(FaceTestData.Composite(samples[0], seed: 33));
                part.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
                form.Add(part, "evidence", "screenshot.jpg");
                using var client = new HttpClient { BaseAddress = baseUrl };
                using var response = await client.PostAsync("api/reports", form, ct);
                Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(ct));
            }

            var desk = await fixture.Browser.NewContextAsync(new() { BaseURL = baseUrl.ToString() });
            desk.SetDefaultTimeout(90_000);
            var analyst = await desk.NewPageAsync();
            await analyst.GotoAsync("/account/sign-in");
            await analyst.FillAsync("#sign-in-user", "admin");
            await analyst.FillAsync("#sign-in-password", _server.AdminPassword);
            await analyst.Locator("form button[type=submit]").ClickAsync();
            await analyst.WaitForURLAsync(url => !url.Contains("sign-in", StringComparison.Ordinal));
            await analyst.GotoAsync("/review");
            await analyst.Locator("table tbody tr").First.GetByRole(AriaRole.Link).First.ClickAsync();
            Assert.Equal("face", await analyst.GetByTestId("item-signal").GetAttributeAsync("data-signal"));
            Assert.Equal(number, await analyst.GetByTestId("item-case").GetAttributeAsync("data-case"));
            await analyst.ScreenshotAsync(new() { Path = Path.Combine(shots, "05-analyst-her-face.png"), FullPage = true });
            await analyst.SelectOptionAsync("#decision", "Confirm");
            await analyst.FillAsync("#decision-reason", "등록한 피해자 얼굴의 합성물");
            await analyst.GetByRole(AriaRole.Button, new() { Name = "결정 기록" }).ClickAsync();
            await analyst.Locator("#decision").WaitForAsync(new() { State = WaitForSelectorState.Detached });
            await desk.CloseAsync();

            // 5. Her case: copy found, with help and next steps; she adds a photo to the same case.
            await OpenCaseAsync(page, number, pin);
            await Assertions.Expect(page.GetByTestId("next-steps-found")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("help-block")).ToContainTextAsync("02-735-8994");
            await Assertions.Expect(page.GetByTestId("case-registered")).ToContainTextAsync("등록된 사진 2장");
            await Shot("06-case-copy-found");
            await page.GetByRole(AriaRole.Button, new() { Name = "사진 추가", Exact = true }).ClickAsync();
            await VictimSteps.ConfirmEligibilityAsync(page, adding: true);
            await page.SetInputFilesAsync("#photos", [photos[3]]);
            await page.GetByRole(AriaRole.Button, new() { Name = "사진 추가하기" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("photos-added")).ToHaveTextAsync("사진 1장을 사건에 추가했어요", new() { Timeout = 120_000 });
            lock (requests)
            {
                sent = [.. requests];
            }

            hers = HerHashes(sent);
            var matcher = _server.Services.GetRequiredService<Matcher>();
            Assert.All(hers.Where(h => h.Kind == "pdq"), h => Assert.NotEmpty(matcher.Pdq.Search(Hash256.Parse(h.Hex), 0)));

            // 6. She withdraws: when the answer comes, nothing of hers matches and no file of the store holds her signals.
            await OpenCaseAsync(page, number, pin);
            await page.GetByRole(AriaRole.Checkbox, new() { Name = "이해했습니다. 지문을 삭제해 주세요" }).CheckAsync();
            var started = Stopwatch.GetTimestamp();
            await page.GetByRole(AriaRole.Button, new() { Name = "철회하기" }).ClickAsync();
            await page.GetByText("사건이 철회되었습니다").WaitForAsync();
            var withdrawMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            Assert.All(hers.Where(h => h.Kind == "pdq"), h => Assert.Empty(matcher.Pdq.Search(Hash256.Parse(h.Hex), 0)));
            Assert.All(matcher.FaceBanks(null).Where(b => b.Name == Haechi.Core.Faces.VictimFaces.BankName), b => Assert.Equal(0, b.Index.Count));
            var files = StoreFiles(_server.DataDirectory);
            Assert.Contains(files, f => f.Name.EndsWith(".index", StringComparison.Ordinal));
            foreach (var (kind, hex) in hers)
            {
                foreach (var form in Forms(hex))
                {
                    foreach (var (name, bytes) in files)
                    {
                        Assert.True(bytes.AsSpan().IndexOf(form) < 0, $"{name} still holds her {kind} {hex}");
                    }
                }
            }

            await Shot("07-withdrawn");
            var figures = string.Create(CultureInfo.InvariantCulture, $"withdrawal: {withdrawMs:0} ms from the tap to the page saying it is done (her {hers.Count} hashes gone from the indexes, haechi.db, its WAL and the snapshots by then)");
            output.WriteLine(figures);
            await File.WriteAllTextAsync(Path.Combine(shots, "timing.txt"), figures + "\n", ct);
        }
        finally
        {
            await phone.Tracing.StopAsync(new() { Path = Path.Combine(shots, "trace.zip") });
            await phone.CloseAsync();
        }
    }

    /// <summary>Her PDQ hashes, PDQ views and video frame hashes, as the page sent them.</summary>
    private static List<(string Kind, string Hex)> HerHashes(IEnumerable<IRequest> sent)
    {
        var hashes = new List<(string, string)>();
        foreach (var request in sent.Where(r => r.Method == "POST" && r.Url.Contains("/api/cases", StringComparison.Ordinal) && r.PostData is not null))
        {
            using var json = JsonDocument.Parse(request.PostData!);
            if (!json.RootElement.TryGetProperty("signals", out var signals))
            {
                continue;
            }

            foreach (var signal in signals.EnumerateArray())
            {
                var type = signal.GetProperty("type").GetString();
                if (type == "pdq")
                {
                    hashes.Add(("pdq", signal.GetProperty("hash").GetString()!));
                    if (signal.TryGetProperty("views", out var views))
                    {
                        hashes.AddRange(views.EnumerateArray().Select(v => ("view", v.GetProperty("hash").GetString()!)));
                    }
                }
                else if (type == "vpdq" && signal.TryGetProperty("frames", out var frames))
                {
                    hashes.AddRange(frames.EnumerateArray().Select(f => ("frame", f.GetProperty("hash").GetString()!)).Distinct());
                }
            }
        }

        return hashes;
    }

    /// <summary>A 256-bit hash as it lies on disk: big-endian bytes (rows), the index's words (snapshots) and hex.</summary>
    private static byte[][] Forms(string hex)
    {
        var hash = Hash256.Parse(hex);
        var words = new byte[32];
        System.Runtime.InteropServices.MemoryMarshal.Write(words, in hash);
        return [Convert.FromHexString(hex), words, Encoding.ASCII.GetBytes(hex.ToLowerInvariant())];
    }

    private static List<(string Name, byte[] Bytes)> StoreFiles(string dataDirectory)
    {
        var paths = StoreFileNames.Select(f => Path.Combine(dataDirectory, f))
            .Concat(Directory.Exists(Path.Combine(dataDirectory, "index")) ? Directory.GetFiles(Path.Combine(dataDirectory, "index")) : [])
            .Where(File.Exists);
        return [.. paths.Select(p =>
        {
            using var stream = new FileStream(p, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return (Path.GetFileName(p), copy.ToArray());
        })];
    }

    private static async Task PickHerFaceAsync(IPage page, string sample)
    {
        int width, height;
        using (var image = NetVips.Image.NewFromFile(sample))
        {
            (width, height) = (image.Width, image.Height);
        }

        var boxes = page.Locator(".face-box");
        var preview = (await page.Locator(".face-preview img").BoundingBoxAsync())!;
        var (hx, hy, hs) = FaceTestData.HerFace;
        var herX = preview.X + ((hx + (hs / 2.0)) / width * preview.Width);
        var herY = preview.Y + ((hy + (hs / 2.0)) / height * preview.Height);
        var (nearest, distance) = (-1, double.MaxValue);
        for (var i = 0; i < await boxes.CountAsync(); i++)
        {
            var b = (await boxes.Nth(i).BoundingBoxAsync())!;
            var d = Math.Pow(b.X + (b.Width / 2) - herX, 2) + Math.Pow(b.Y + (b.Height / 2) - herY, 2);
            (nearest, distance) = d < distance ? (i, d) : (nearest, distance);
        }

        await boxes.Nth(nearest).ClickAsync();
    }

    private static async Task OpenCaseAsync(IPage page, string number, string pin)
    {
        await page.GotoAsync("/case");
        await page.GetByLabel("사건 번호").FillAsync(number);
        await page.GetByLabel("PIN").FillAsync(pin);
        await page.GetByRole(AriaRole.Button, new() { Name = "사건 열기" }).ClickAsync();
        await page.GetByTestId("case-registered").WaitForAsync();
    }

    private static void Ffmpeg(params string[] arguments)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in FfmpegQuiet.Concat(arguments))
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, "ffmpeg failed: " + error);
    }
}
