using System.Net.Http.Json;
using Haechi.Data;
using Haechi.Media.Images;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Haechi.EndToEnd.Tests;

[Collection(BrowserTests.Name)]
public sealed class AnalystFlowTests(BrowserFixture fixture) : IDisposable
{
    private readonly string _files = Directory.CreateTempSubdirectory("haechi-evidence-").FullName;

    public void Dispose() => Directory.Delete(_files, recursive: true);

    private static string Shots => Screenshots.Directory;

    [Fact]
    public async Task MinorReportWithScreenshot_FirstInQueueBlurred_RevealAudited_ThenDecided()
    {
        fixture.RequireBrowser();
        Directory.CreateDirectory(Shots);
        var ct = TestContext.Current.CancellationToken;
        // An ordinary report filed first: the minor report filed after it must still come first.
        using (var api = new HttpClient { BaseAddress = fixture.BaseAddress })
        using (var earlier = await api.PostAsJsonAsync("api/reports", new { urls = (string[])["https://example.org/earlier"], platform = "website" }, ct))
        {
            Assert.True(earlier.IsSuccessStatusCode);
        }

        var screenshot = Path.Combine(_files, "screenshot.jpg");
        var original = SyntheticImages.Jpeg(800, 600, 4242);
        await File.WriteAllBytesAsync(screenshot, original, ct);

        // The public files a report in the browser, Korean by default.
        var reporter = await fixture.Browser.NewContextAsync(new() { BaseURL = fixture.BaseAddress.ToString() });
        var form = await reporter.NewPageAsync();
        await form.GotoAsync("/report");
        await form.FillAsync("#report-urls", "https://t.me/some_room/77");
        await form.SelectOptionAsync("#report-platform", "Telegram");
        await form.FillAsync("#report-channel", "some room");
        await form.CheckAsync("input[name='Form.PossibleMinor']");
        await form.SetInputFilesAsync("#report-evidence", screenshot);
        await form.ScreenshotAsync(new() { Path = Path.Combine(Shots, "report-form.png"), FullPage = true });
        await form.GetByRole(AriaRole.Button, new() { Name = "신고 보내기" }).ClickAsync();
        var receipt = await form.GetByTestId("receipt").TextContentAsync(new() { Timeout = 30_000 });
        Assert.Matches("^HR-", receipt);
        await reporter.CloseAsync();

        // The analyst signs in (the first-run admin) and opens the queue.
        var analyst = await fixture.Browser.NewContextAsync(new() { BaseURL = fixture.BaseAddress.ToString() });
        var page = await analyst.NewPageAsync();
        var fetched = new List<string>();
        page.Request += (_, request) => fetched.Add(request.Url);
        await page.GotoAsync("/account/sign-in");
        await page.FillAsync("#sign-in-user", "admin");
        await page.FillAsync("#sign-in-password", fixture.AdminPassword);
        await page.Locator("form button[type=submit]").ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("sign-in", StringComparison.Ordinal), new() { Timeout = 30_000 });
        await page.GotoAsync("/review");
        var rows = page.Locator("[data-testid=review-queue] tbody tr");
        Assert.Equal(2, await rows.CountAsync());
        var first = rows.First;
        Assert.Contains("미성년자 가능성", await first.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains(receipt!, await first.InnerTextAsync(), StringComparison.Ordinal);

        // The signal and priority columns: a report carries no automatic signal.
        Assert.Equal("none", await first.GetByTestId("queue-signal").GetAttributeAsync("data-signal"));
        Assert.Equal("없음", (await first.GetByTestId("queue-signal").InnerTextAsync()).Trim());
        Assert.Matches("^[0-9][.,][0-9]{2}$", (await first.GetByTestId("queue-priority").InnerTextAsync()).Replace("미성년자 가능성 (신고자 표시)", string.Empty, StringComparison.Ordinal).Trim());
        var preview = first.GetByTestId("queue-preview");
        await preview.ScrollIntoViewIfNeededAsync();
        await page.WaitForFunctionAsync("img => img.complete && img.naturalWidth > 0", await preview.ElementHandleAsync());
        Assert.Matches("^/api/review/items/[0-9]+/preview$", await preview.GetAttributeAsync("src"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(Shots, "review-queue-blurred.png"), FullPage = true });

        // The item page: still blurred until the analyst chooses to look.
        await first.Locator("a").First.ClickAsync();
        await page.GetByTestId("item-preview").WaitForAsync();
        Assert.Contains("자동 신호 없음", await page.GetByTestId("item-explain").InnerTextAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(fetched, url => url.Contains("/reveal", StringComparison.Ordinal));
        Assert.Equal(0, await page.GetByTestId("revealed").CountAsync());
        var itemPreview = page.GetByTestId("item-preview");
        await page.WaitForFunctionAsync("img => img.complete && img.naturalWidth > 0", await itemPreview.ElementHandleAsync());
        Assert.Equal("스크린샷 1/1", (await page.GetByTestId("content-piece").Locator("p").First.InnerTextAsync()).Trim());

        // Provenance, in Korean, with the time in Korea's time zone.
        var provenance = page.GetByTestId("provenance");
        Assert.Equal("출처 정보", (await page.GetByRole(AriaRole.Heading, new() { Name = "출처 정보" }).InnerTextAsync()).Trim());
        Assert.Equal("공개 신고", (await provenance.GetByTestId("provenance-source").InnerTextAsync()).Trim());
        Assert.EndsWith("KST", (await provenance.GetByTestId("provenance-first").InnerTextAsync()).Trim(), StringComparison.Ordinal);
        Assert.Contains("없음", await provenance.GetByTestId("provenance-elsewhere").InnerTextAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Shots, "review-item-blurred.png"), FullPage = true });
        var itemId = long.Parse(page.Url[(page.Url.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(0, await AuditCountAsync("evidence.revealed", itemId));

        await page.GetByTestId("reveal").ClickAsync();
        var revealed = page.GetByTestId("revealed");
        await revealed.WaitForAsync(new() { Timeout = 30_000 });
        var source = await revealed.GetAttributeAsync("src");
        Assert.StartsWith("data:image/jpeg;base64,", source, StringComparison.Ordinal);
        Assert.Equal(original, Convert.FromBase64String(source!["data:image/jpeg;base64,".Length..]));
        Assert.Equal(1, await AuditCountAsync("evidence.revealed", itemId));
        await page.ScreenshotAsync(new() { Path = Path.Combine(Shots, "review-item-revealed.png"), FullPage = true });

        // The decision, with its reason; the item leaves the queue.
        await page.SelectOptionAsync("#decision", "Confirm");
        await page.FillAsync("#decision-reason", "Matches the reported room; minor flag kept.");
        await page.GetByRole(AriaRole.Button, new() { Name = "결정 기록" }).ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/review", StringComparison.Ordinal), new() { Timeout = 30_000 });
        Assert.Equal(1, await page.Locator("[data-testid=review-queue] tbody tr").CountAsync());
        Assert.Equal(1, await AuditCountAsync("review.decided", itemId));
        await analyst.CloseAsync();
    }

    private async Task<int> AuditCountAsync(string action, long itemId)
    {
        var db = await HaechiDatabase.OpenAsync(fixture.DataDirectory, TestContext.Current.CancellationToken);
        await using (db)
        {
            var subject = "review-item:" + itemId.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return await db.AuditEntries.CountAsync(e => e.Action == action && e.Subject == subject, TestContext.Current.CancellationToken);
        }
    }
}
