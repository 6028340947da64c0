using System.Net.Http.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Haechi.EndToEnd.Tests;

/// <summary>
/// Staff on a phone (360 px wide): sign in, open the menu (a &lt;details&gt;, no script needed), go to the
/// queue, filter it, look at the item, takedowns, statistics and ingestion pages (none wider than the
/// screen: tables scroll inside), and sign out (the session ends). Its own server, so its reports and
/// its sign-out touch no other browser test.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class StaffPhoneTests : IAsyncLifetime
{
    private readonly BrowserFixture _server = new();

    public ValueTask InitializeAsync() => _server.InitializeAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private static string Shots => Screenshots.Directory;

    [Fact]
    public async Task Phone_SignIn_OpenMenu_FilterQueue_PagesFitTheScreen_SignOut()
    {
        _server.RequireBrowser();
        Directory.CreateDirectory(Shots);
        var ct = TestContext.Current.CancellationToken;
        using (var api = new HttpClient { BaseAddress = _server.BaseAddress })
        {
            foreach (var (url, platform) in new[] { ("https://t.me/some_room/77", "telegram"), ("https://example.org/a-very-long-path/that/does/not/wrap/easily/on/a/small/phone/screen.html", "website") })
            {
                using var filed = await api.PostAsJsonAsync("api/reports", new { urls = (string[])[url], platform, description = "seen in a room" }, ct);
                Assert.True(filed.IsSuccessStatusCode);
            }
        }

        var context = await _server.Browser.NewContextAsync(new() { BaseURL = _server.BaseAddress.ToString(), ViewportSize = new() { Width = 360, Height = 740 }, DeviceScaleFactor = 2, IsMobile = true, HasTouch = true });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/sign-in");
        await page.FillAsync("#sign-in-user", "admin");
        await page.FillAsync("#sign-in-password", _server.AdminPassword);
        await page.Locator("form button[type=submit]").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/review", StringComparison.Ordinal), new() { Timeout = 30_000 });

        // The menu is folded on a phone: the toggle shows, the links do not until it opens.
        var toggle = page.GetByTestId("staff-menu-toggle");
        Assert.True(await toggle.IsVisibleAsync());
        var queueLink = page.GetByTestId("menu-MenuReview");
        Assert.False(await queueLink.IsVisibleAsync());
        await AssertFitsAsync(page, "phone-queue");
        await toggle.ClickAsync();
        Assert.True(await queueLink.IsVisibleAsync());
        Assert.Equal("page", await queueLink.GetAttributeAsync("aria-current"));
        Assert.True(await page.GetByTestId("menu-MenuUsers").IsVisibleAsync());
        await page.ScreenshotAsync(new() { Path = Path.Combine(Shots, "phone-menu-open.png"), FullPage = true });

        // Through the menu to the queue, then one filter: a bookmarkable GET that keeps its value.
        await page.GetByTestId("menu-MenuStats").ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/stats", StringComparison.Ordinal));
        await Expect(page.Locator("h1")).ToHaveTextAsync("통계");
        await AssertFitsAsync(page, "phone-stats");
        await page.GetByTestId("staff-menu-toggle").ClickAsync();
        await page.GetByTestId("menu-MenuReview").ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/review", StringComparison.Ordinal));
        await Expect(page.Locator("[data-testid=review-queue] tbody tr")).ToHaveCountAsync(2);
        await page.SelectOptionAsync("select[name=platform]", "telegram");
        await page.Locator("[data-testid=queue-filters] button[type=submit]").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("platform=telegram", StringComparison.Ordinal));
        await Expect(page.Locator("[data-testid=review-queue] tbody tr")).ToHaveCountAsync(1);
        Assert.Equal("telegram", await page.Locator("select[name=platform]").InputValueAsync());
        await AssertFitsAsync(page, "phone-queue-filtered");

        // The other staff pages fit the screen too.
        await page.Locator("[data-testid=review-queue] tbody tr a").First.ClickAsync();
        await page.WaitForURLAsync(url => System.Text.RegularExpressions.Regex.IsMatch(url, "/review/[0-9]+$"));
        await Expect(page.Locator("#decision")).ToBeVisibleAsync();
        await AssertFitsAsync(page, "phone-item");
        foreach (var (path, name) in new[] { ("/takedowns", "phone-takedowns"), ("/admin/ingest", "phone-ingest") })
        {
            await page.GotoAsync(path);
            await Expect(page.Locator("[data-testid=staff-menu]")).ToBeVisibleAsync();
            await AssertFitsAsync(page, name);
        }

        // Sign out from the page: the sign-in page says so in Korean; the queue asks to sign in again.
        await page.GetByTestId("sign-out").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/account/sign-in?signed-out=1", StringComparison.Ordinal), new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("signed-out")).ToContainTextAsync("로그아웃되었습니다");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Shots, "phone-signed-out.png"), FullPage = true });
        await page.GotoAsync("/review");
        await page.WaitForURLAsync(url => url.Contains("/account/sign-in", StringComparison.Ordinal));
        Assert.Equal(0, await page.GetByTestId("staff-menu").CountAsync());
        await context.CloseAsync();
    }

    // Nothing wider than the screen (wide tables scroll inside themselves); a full-page screenshot to look at.
    private static async Task AssertFitsAsync(IPage page, string name)
    {
        await page.ScreenshotAsync(new() { Path = Path.Combine(Shots, name + ".png"), FullPage = true });
        var (scroll, width) = (await page.EvaluateAsync<int>("document.documentElement.scrollWidth"), page.ViewportSize!.Width);
        Assert.True(scroll <= width, $"{name}: the page is {scroll} px wide on a {width} px screen");
    }
}
