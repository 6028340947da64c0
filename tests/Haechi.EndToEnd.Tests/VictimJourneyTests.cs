using System.Text.RegularExpressions;
using Haechi.Media.Images;
using Microsoft.Playwright;

namespace Haechi.EndToEnd.Tests;

/// <summary>
/// A teenager's walk through the victim pages on a 390 px phone, in Korean: eligibility, three photos with
/// local thumbnails, one removed, registered ("사진 2장 등록"), the PIN copied and saved, her case opened
/// (photos counted, help shown), a photo added to the same case, the language kept across clicks, the
/// 404 page, and the quick exit. Screenshots of every step go to artifacts/screenshots.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed partial class VictimJourneyTests(BrowserFixture fixture) : IDisposable
{
    private readonly string _photos = Directory.CreateTempSubdirectory("haechi-journey-").FullName;
    private readonly string _shots = Screenshots.Directory;

    public void Dispose() => Screenshots.DeleteDirectory(_photos);

    [Fact]
    public async Task Journey_Phone_Korean_RegisterAddAndFindHelp()
    {
        fixture.RequireBrowser();
        var ct = TestContext.Current.CancellationToken;
        Directory.CreateDirectory(_shots);
        var paths = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var path = Path.Combine(_photos, $"내사진-{i + 1}.jpg");
            await File.WriteAllBytesAsync(path, SyntheticImages.Jpeg(900 + (37 * i), 700, 900 + i), ct);
            paths.Add(path);
        }

        var context = await fixture.Browser.NewContextAsync(new()
        {
            BaseURL = fixture.BaseAddress.ToString(),
            ViewportSize = new() { Width = 390, Height = 844 },
            DeviceScaleFactor = 1,
            IsMobile = true,
            HasTouch = true,
            Locale = "ko-KR",
            AcceptDownloads = true,
        });
        context.SetDefaultTimeout(90_000); // a shared, loaded machine: PIN checks and page loads can be slow
        await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = fixture.BaseAddress.GetLeftPart(UriPartial.Authority) });
        await context.Tracing.StartAsync(new() { Screenshots = true, Snapshots = true });
        var page = await context.NewPageAsync();
        var foreign = new List<string>();
        var signalPosts = new List<(string Url, string? Pin)>();
        page.Request += (_, request) =>
        {
            if (!VictimSteps.SameOrigin(request.Url, fixture.BaseAddress))
            {
                foreign.Add(request.Url);
            }

            if (request.Method == "POST" && request.Url.Contains("/signals", StringComparison.Ordinal))
            {
                signalPosts.Add((request.Url, request.Headers.GetValueOrDefault("x-case-pin")));
            }
        };
        try
        {
            // 1. /protect: the explanation and help are there at once; she confirms it is her and that she is under 18.
            await page.GotoAsync("/protect");
            await Assertions.Expect(page.GetByTestId("help-block")).ToBeVisibleAsync();
            await page.GetByTestId("eligibility").WaitForAsync(new() { Timeout = 90_000 });
            var next = page.Locator(".eligibility > p > button");
            await Assertions.Expect(next).ToBeDisabledAsync();
            await page.Locator("#own-image").CheckAsync();
            await page.Locator("#understand").CheckAsync();
            await page.GetByLabel("만 18세 미만이에요").CheckAsync();
            await Assertions.Expect(page.GetByTestId("minor-guidance")).ToContainTextAsync("1388");
            await Shot(page, "journey-01-eligibility-minor");
            await next.ClickAsync();

            // 2. Three photos: local thumbnails (object URLs), one removed before anything is hashed.
            await page.SetInputFilesAsync("#photos", paths.Take(3));
            var thumbs = page.GetByTestId("thumbnails").Locator("img");
            await Assertions.Expect(thumbs).ToHaveCountAsync(3);
            foreach (var src in await thumbs.EvaluateAllAsync<string[]>("images => images.map(i => i.src)"))
            {
                Assert.StartsWith("blob:", src, StringComparison.Ordinal);
            }

            await Assertions.Expect(thumbs.First).ToHaveJSPropertyAsync("complete", true);
            await Shot(page, "journey-02-thumbnails");
            await page.GetByRole(AriaRole.Button, new() { Name = "이 사진 빼기: 내사진-2.jpg" }).ClickAsync();
            await Assertions.Expect(thumbs).ToHaveCountAsync(2);
            await Assertions.Expect(page.GetByText("고른 사진 2장")).ToBeVisibleAsync();

            // 3. Register: counted in photos, never "protected".
            await page.GetByRole(AriaRole.Button, new() { Name = "사진 등록하기" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("photos-registered")).ToHaveTextAsync("사진 2장 등록 완료", new() { Timeout = 120_000 });
            Assert.DoesNotContain("보호되었", await page.Locator(".island").InnerTextAsync(), StringComparison.Ordinal);
            var number = (await page.GetByTestId("case-number").TextContentAsync())!.Trim();
            var pin = (await page.GetByTestId("case-pin").TextContentAsync())!.Trim();
            await Shot(page, "journey-03-registered");

            // 4. The PIN helpers: copy (clipboard) and a text file made on the device.
            await page.GetByRole(AriaRole.Button, new() { Name = "번호와 PIN 복사" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("pin-helper-status")).ToContainTextAsync("복사했어요");
            var clipboard = await page.EvaluateAsync<string>("() => navigator.clipboard.readText()");
            Assert.Contains(number, clipboard, StringComparison.Ordinal);
            Assert.Contains(pin, clipboard, StringComparison.Ordinal);
            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "텍스트 파일로 저장" }).ClickAsync());
            Assert.Equal($"haechi-{number}.txt", download.SuggestedFilename);
            var saved = await File.ReadAllTextAsync((await download.PathAsync())!, ct);
            Assert.Contains("PIN: " + pin, saved, StringComparison.Ordinal);
            await page.GetByText("PIN을 잃어버리면?").ClickAsync();
            await Assertions.Expect(page.GetByText("같은 사진으로 새로 등록하면")).ToBeVisibleAsync();

            // 5. Her case: photos counted as photos, help on the page.
            await OpenCaseAsync(page, number, pin);
            await Assertions.Expect(page.GetByTestId("case-registered")).ToHaveTextAsync("등록된 사진 2장");
            await Assertions.Expect(page.GetByTestId("help-block")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("help-block")).ToContainTextAsync("당신의 잘못이 아니에요.");
            await Shot(page, "journey-04-case");

            // 6. Add a photo to the same case from /case: the same island, in add mode, with her PIN in the header only.
            await page.GetByRole(AriaRole.Button, new() { Name = "사진 추가", Exact = true }).ClickAsync();
            await VictimSteps.ConfirmEligibilityAsync(page, adding: true);
            await page.SetInputFilesAsync("#photos", [paths[3]]);
            await Assertions.Expect(page.GetByTestId("thumbnails").Locator("img")).ToHaveCountAsync(1);
            await page.GetByRole(AriaRole.Button, new() { Name = "사진 추가하기" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("photos-added")).ToHaveTextAsync("사진 1장을 사건에 추가했어요", new() { Timeout = 120_000 });
            var post = Assert.Single(signalPosts);
            Assert.EndsWith($"/api/cases/{number}/signals", post.Url, StringComparison.Ordinal);
            Assert.Equal(pin, post.Pin);
            await Shot(page, "journey-05-added");
            await OpenCaseAsync(page, number, pin);
            await Assertions.Expect(page.GetByTestId("case-registered")).ToHaveTextAsync("등록된 사진 3장");
            Assert.Matches(KstTime(), await page.GetByTestId("case-history").InnerTextAsync());

            // 7. The language: English chosen once stays English across clicks; the 404 page has a way home in it.
            await page.GotoAsync("/");
            await page.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
            await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
            await page.GetByRole(AriaRole.Navigation, new() { Name = "Haechi" }).GetByRole(AriaRole.Link, new() { Name = "Report" }).ClickAsync();
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Report deepfake content");
            await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
            var missing = await page.GotoAsync("/no-such-page");
            Assert.Equal(404, missing!.Status);
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Page not found");
            await Shot(page, "journey-06-not-found-en");
            await page.GetByRole(AriaRole.Link, new() { Name = "Back to the start" }).ClickAsync();
            await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
            await page.GotoAsync("/case/xyz?culture=ko");
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("페이지를 찾을 수 없어요");
            await Shot(page, "journey-07-not-found-ko");
            await page.GetByRole(AriaRole.Link, new() { Name = "처음으로" }).ClickAsync();
            await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "ko");
            await Shot(page, "journey-08-home");

            // Nothing on any of those pages came from another site.
            Assert.Empty(foreign);

            // 8. Quick exit (Esc): the page is replaced by the neutral page; Back does not return to Haechi's page.
            await page.GotoAsync("/case");
            var neutral = new Uri(await page.GetByTestId("quick-exit").GetAttributeAsync("href") ?? string.Empty);
            await context.RouteAsync(neutral.GetLeftPart(UriPartial.Authority) + "/**", route => route.FulfillAsync(new() { Body = "<!doctype html><title>weather</title>", ContentType = "text/html" }));
            await page.WaitForFunctionAsync("() => globalThis.haechiStarted === true");
            var historyBefore = await page.EvaluateAsync<int>("() => history.length");
            await page.Keyboard.PressAsync("Escape");
            await page.WaitForURLAsync(neutral.ToString());
            Assert.Equal(historyBefore, await page.EvaluateAsync<int>("() => history.length"));
        }
        finally
        {
            await context.Tracing.StopAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "victim-journey-trace.zip") });
            await context.CloseAsync();
        }
    }

    [Fact]
    public async Task Register_OneUnreadableFile_SaysWhichAndCountsOnlyTheRest()
    {
        fixture.RequireBrowser();
        var ct = TestContext.Current.CancellationToken;
        var good = Path.Combine(_photos, "good.jpg");
        var broken = Path.Combine(_photos, "broken.jpg");
        await File.WriteAllBytesAsync(good, SyntheticImages.Jpeg(800, 600, 950), ct);
        await File.WriteAllBytesAsync(broken, [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4, 5, 6, 7, 8], ct);
        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = fixture.BaseAddress.ToString(), ViewportSize = new() { Width = 390, Height = 844 } });
        var page = await context.NewPageAsync();
        try
        {
            await page.GotoAsync("/protect");
            await VictimSteps.ConfirmEligibilityAsync(page);
            await page.SetInputFilesAsync("#photos", [good, broken]);
            await page.GetByRole(AriaRole.Button, new() { Name = "사진 등록하기" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("photos-registered")).ToHaveTextAsync("사진 1장 등록 완료", new() { Timeout = 120_000 });
            var failed = page.GetByTestId("photos-failed");
            await Assertions.Expect(failed).ToContainTextAsync("사진 1장은 읽지 못해");
            await Assertions.Expect(failed).ToContainTextAsync("broken.jpg");
            await Assertions.Expect(failed).Not.ToContainTextAsync("good.jpg");
            await Shot(page, "journey-failed-photo");
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    private static async Task OpenCaseAsync(IPage page, string number, string pin)
    {
        await page.GotoAsync("/case");
        await page.GetByLabel("사건 번호").FillAsync(number);
        await page.GetByLabel("PIN").FillAsync(pin);
        await page.GetByRole(AriaRole.Button, new() { Name = "사건 열기" }).ClickAsync();
        await page.GetByTestId("case-registered").WaitForAsync();
    }

    private async Task Shot(IPage page, string name) =>
        await page.ScreenshotAsync(new() { Path = Path.Combine(_shots, name + ".png"), FullPage = true });

    [GeneratedRegex("20[0-9]{2}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} KST")]
    private static partial Regex KstTime();
}
