using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Haechi.Data;
using Haechi.Media.Images;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Haechi.EndToEnd.Tests;

/// <summary>An investigator analyses a generated splice in the browser: blurred report, audited reveal, JSON download.</summary>
[Collection(BrowserTests.Name)]
public sealed class InvestigatorFlowTests(BrowserFixture fixture) : IDisposable
{
    private readonly string _files = Directory.CreateTempSubdirectory("haechi-investigate-").FullName;

    public void Dispose() => Directory.Delete(_files, recursive: true);

    private static string Shots => Screenshots.Directory;

    [Theory]
    [InlineData("ko", "분석하기", "공개하기 (감사 기록)", "JSON 내려받기")]
    [InlineData("en", "Analyse", "Reveal (audited)", "Download JSON")]
    public async Task Investigator_UploadsSplice_SeesBlurredReport_Reveals_DownloadsJson(string language, string analyse, string reveal, string download)
    {
        fixture.RequireBrowser();
        Directory.CreateDirectory(Shots);
        var ct = TestContext.Current.CancellationToken;
        var userName = "inv-" + language;
        await CreateInvestigatorAsync(userName, ct);
        var splice = SyntheticImages.GridSplicePng(language == "ko" ? 3 : 4);
        var path = Path.Combine(_files, "suspect.png");
        await File.WriteAllBytesAsync(path, splice, ct);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(splice));

        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = fixture.BaseAddress.ToString(), AcceptDownloads = true });
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/language?lang={language}&returnUrl=/account/sign-in");
        await page.FillAsync("#sign-in-user", userName);
        await page.FillAsync("#sign-in-password", Password);
        await page.Locator("form button[type=submit]").ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("sign-in", StringComparison.Ordinal), new() { Timeout = 30_000 });

        await page.GotoAsync("/investigate");
        await page.GetByLabel(language == "ko" ? "의심 이미지 (JPEG, PNG, WebP 등)" : "Suspect images (JPEG, PNG, WebP…)").SetInputFilesAsync(path);
        await page.GetByRole(AriaRole.Button, new() { Name = analyse }).ClickAsync();
        await page.GetByTestId("report").WaitForAsync(new() { Timeout = 60_000 });

        // Blurred first: the preview is the grey blurred JPEG, not the file, and nothing is revealed yet.
        var preview = page.GetByTestId("suspect-preview");
        var src = await preview.GetAttributeAsync("src");
        Assert.StartsWith("data:image/jpeg;base64,", src, StringComparison.Ordinal);
        Assert.NotEqual(splice, Convert.FromBase64String(src!["data:image/jpeg;base64,".Length..]));
        Assert.Equal(0, await page.GetByTestId("suspect-revealed").CountAsync());
        var report = page.FrameLocator("[data-testid=report]");
        await report.GetByText("JPEG grid consistency").First.WaitForAsync();
        Assert.True(await report.GetByText("strong evidence of manipulation").CountAsync() > 0);
        await report.Locator("img").First.WaitForAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(Shots, $"investigate-blurred-{language}.png"), FullPage = true });
        await page.GetByTestId("report").ScreenshotAsync(new() { Path = Path.Combine(Shots, $"investigate-report-blurred-{language}.png") });
        Assert.Equal(1, await AuditCountAsync("investigation.analyzed", sha256, ct));
        Assert.Equal(0, await AuditCountAsync("investigation.revealed", sha256, ct));

        await page.GetByRole(AriaRole.Button, new() { Name = reveal }).ClickAsync();
        var revealed = page.GetByTestId("suspect-revealed");
        await revealed.WaitForAsync(new() { Timeout = 60_000 });
        var shown = await revealed.GetAttributeAsync("src");
        Assert.Equal(splice, Convert.FromBase64String(shown!["data:image/png;base64,".Length..]));
        Assert.Equal(1, await AuditCountAsync("investigation.revealed", sha256, ct));
        await page.ScreenshotAsync(new() { Path = Path.Combine(Shots, $"investigate-revealed-{language}.png"), FullPage = true });

        var downloaded = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = download }).ClickAsync());
        var file = Path.Combine(_files, "analysis.json");
        await downloaded.SaveAsAsync(file);
        var json = JsonNode.Parse(await File.ReadAllTextAsync(file, ct))!.AsArray();
        Assert.Equal(sha256, (string)json[0]!["sha256"]!);
        Assert.Contains(json[0]!["findings"]!.AsArray(), f => (string)f!["method"]! == "jpeg-grid" && (string)f["band"]! == "strong evidence of manipulation");
        var db = await HaechiDatabase.OpenAsync(fixture.DataDirectory, ct);
        await using (db)
        {
            Assert.True(await db.AuditEntries.CountAsync(e => e.Action == "investigation.exported" && e.Detail.StartsWith("format=json;"), ct) >= 1);
        }

        // The HTML report download (blurred form), opened on its own and looked at.
        var html = await page.APIRequest.GetAsync(fixture.BaseAddress + page.Url.Split('/')[^1].Insert(0, "api/investigations/") + "/report.html");
        Assert.True(html.Ok);
        var reportPage = await context.NewPageAsync();
        await reportPage.SetContentAsync(await html.TextAsync());
        Assert.True(await reportPage.GetByText("JPEG grid consistency").CountAsync() > 0);
        await reportPage.ScreenshotAsync(new() { Path = Path.Combine(Shots, $"investigate-report-{language}.png"), FullPage = true });
        await context.CloseAsync();
    }

    private const string Password = "correct horse battery staple";

    private async Task CreateInvestigatorAsync(string userName, CancellationToken ct)
    {
        using var admin = new HttpClient(new HttpClientHandler { UseCookies = true }) { BaseAddress = fixture.BaseAddress };
        using (var signIn = await admin.PostAsJsonAsync("api/account/sign-in", new { userName = "admin", password = fixture.AdminPassword }, ct))
        {
            Assert.True(signIn.IsSuccessStatusCode);
        }

        using var invite = await admin.PostAsJsonAsync("api/admin/invites", new { role = "investigator" }, ct);
        Assert.True(invite.IsSuccessStatusCode);
        var token = (string)(await invite.Content.ReadFromJsonAsync<JsonObject>(ct))!["token"]!;
        using var fresh = new HttpClient { BaseAddress = fixture.BaseAddress };
        using var accepted = await fresh.PostAsJsonAsync("api/account/invites/" + token, new { userName, password = Password }, ct);
        Assert.True(accepted.IsSuccessStatusCode);
    }

    private async Task<int> AuditCountAsync(string action, string sha256, CancellationToken ct)
    {
        var db = await HaechiDatabase.OpenAsync(fixture.DataDirectory, ct);
        await using (db)
        {
            var needle = "sha256=" + sha256;
            return await db.AuditEntries.CountAsync(e => e.Action == action && e.Detail.Contains(needle), ct);
        }
    }
}
