using System.Net.Http.Json;
using Deque.AxeCore.Playwright;
using Haechi.Media.Images;
using Microsoft.Playwright;

namespace Haechi.EndToEnd.Tests;

/// <summary>
/// axe (Deque.AxeCore.Playwright) on every victim page and every step of them a browser can reach, at a
/// 390 px phone and a 1280 px screen, in Korean and English: no serious or critical violation. The same
/// walk proves that no victim page requests anything from another origin.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class VictimPagesAxeTests(BrowserFixture fixture) : IDisposable
{
    private readonly string _photos = Directory.CreateTempSubdirectory("haechi-axe-").FullName;

    public void Dispose() => Screenshots.DeleteDirectory(_photos);

    [Theory]
    [InlineData("ko", 390)]
    [InlineData("ko", 1280)]
    [InlineData("en", 390)]
    [InlineData("en", 1280)]
    public async Task VictimPages_EveryStep_NoSeriousOrCriticalViolations_NothingFromOtherOrigins(string language, int width)
    {
        fixture.RequireBrowser();
        var ct = TestContext.Current.CancellationToken;
        var photo = Path.Combine(_photos, $"axe-{language}-{width}.jpg");
        await File.WriteAllBytesAsync(photo, SyntheticImages.Jpeg(800, 600, width + (language == "en" ? 1 : 0)), ct);
        var (number, pin) = await CreateCaseAsync(ct);
        var (lockedNumber, lockedPin) = await CreateCaseAsync(ct);
        await LockAsync(lockedNumber, lockedPin, ct);

        var context = await fixture.Browser.NewContextAsync(new()
        {
            BaseURL = fixture.BaseAddress.ToString(),
            ViewportSize = new() { Width = width, Height = width < 800 ? 844 : 900 },
        });
        context.SetDefaultTimeout(90_000); // a shared, loaded machine: PIN checks and page loads can be slow
        var page = await context.NewPageAsync();
        var foreign = new List<string>();
        page.Request += (_, request) =>
        {
            if (!VictimSteps.SameOrigin(request.Url, fixture.BaseAddress))
            {
                foreign.Add(request.Url);
            }
        };
        var problems = new List<string>();
        var checkedStates = new List<string>();
        async Task CheckAsync(string state)
        {
            Assert.Equal(language, await page.GetAttributeAsync("html", "lang"));
            var result = await page.RunAxe();
            Assert.NotEmpty(result.Passes); // axe ran and checked something here
            checkedStates.Add(state);
            foreach (var violation in result.Violations)
            {
                if (violation.Impact is "serious" or "critical")
                {
                    problems.Add($"{state} ({language}, {width} px): {violation.Id} [{violation.Impact}] {violation.Help} — {string.Join(" | ", violation.Nodes.Select(n => n.Html))}");
                }
            }
        }

        try
        {
            await page.GotoAsync("/?culture=" + language);
            await CheckAsync("/");
            foreach (var path in new[] { "/report", "/report/status", "/case", "/no-such-page" })
            {
                await page.GotoAsync(path);
                await CheckAsync(path);
            }

            // /case opened, then its "add photos" step, then locked after five wrong PINs.
            await OpenCaseAsync(page, number, pin);
            await page.GetByTestId("case-registered").WaitForAsync();
            await CheckAsync("/case opened");
            await page.GetByTestId("case-add").Locator("button[type=submit]").ClickAsync();
            await page.GetByTestId("eligibility").WaitForAsync(new() { Timeout = 90_000 });
            await CheckAsync("/case add photos");
            await OpenCaseAsync(page, lockedNumber, lockedPin);
            await page.GetByTestId("case-locked").WaitForAsync();
            await CheckAsync("/case locked");

            // /protect while the tool downloads (held back here), then each step of the island.
            var loading = await context.NewPageAsync();
            // Hold back the .NET runtime (not blazor.web.js, which the page parses synchronously).
            await loading.RouteAsync("**/_framework/dotnet*", _ => Task.CompletedTask);
            await loading.GotoAsync("/protect", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
            await Assertions.Expect(loading.GetByTestId("island-loading")).ToBeVisibleAsync();
            var loadingResult = await loading.RunAxe();
            problems.AddRange(loadingResult.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"/protect loading ({language}, {width} px): {v.Id} {v.Help}"));
            await loading.CloseAsync();

            await page.GotoAsync("/protect");
            await page.GetByTestId("eligibility").WaitForAsync(new() { Timeout = 90_000 });
            await Assertions.Expect(page.GetByTestId("island-loading")).ToBeHiddenAsync();
            await CheckAsync("/protect eligibility");
            await page.Locator("#own-image").CheckAsync();
            await page.Locator("#understand").CheckAsync();
            await page.Locator("#age-minor").CheckAsync();
            await page.GetByTestId("minor-guidance").WaitForAsync();
            await CheckAsync("/protect under 18");
            await page.Locator(".eligibility > p > button").ClickAsync();
            await page.SetInputFilesAsync("#photos", [photo]);
            await page.GetByTestId("thumbnails").Locator("img").WaitForAsync();
            await page.Locator("details.how summary").ClickAsync();
            await CheckAsync("/protect chosen");
            await page.Locator(".island > button").ClickAsync();
            await page.GetByTestId("case-number").WaitForAsync(new() { Timeout = 120_000 });
            await CheckAsync("/protect registered");
            await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots.Directory, $"axe-protect-registered-{language}-{width}.png"), FullPage = true });
        }
        finally
        {
            await context.CloseAsync();
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.True(foreign.Count == 0, "requests to other origins: " + string.Join(", ", foreign));
        Assert.Equal(12, checkedStates.Count); // and the loading state, checked on its own page
    }

    private static async Task OpenCaseAsync(IPage page, string number, string pin)
    {
        await page.GotoAsync("/case");
        await page.Locator("#case-number").FillAsync(number);
        await page.Locator("#case-pin").FillAsync(pin);
        await page.Locator("form.stack button[type=submit]").ClickAsync();
        await page.WaitForLoadStateAsync();
    }

    private async Task<(string Number, string Pin)> CreateCaseAsync(CancellationToken ct)
    {
        using var client = new HttpClient { BaseAddress = fixture.BaseAddress };
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        using var response = await client.PostAsJsonAsync("api/cases", new { signals = new object[] { new { type = "pdq", hash, quality = 90 } }, language = "ko" }, ct);
        response.EnsureSuccessStatusCode();
        var created = await response.Content.ReadFromJsonAsync<Created>(ct);
        return (created!.CaseNumber, created.Pin);
    }

    /// <summary>Five wrong PINs through the API lock the case for a minute.</summary>
    private async Task LockAsync(string number, string pin, CancellationToken ct)
    {
        using var client = new HttpClient { BaseAddress = fixture.BaseAddress };
        var wrong = pin[..^1] + (pin[^1] == '0' ? '1' : '0');
        for (var i = 0; i < 5; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "api/cases/" + number);
            request.Headers.Add("X-Case-Pin", wrong);
            using var response = await client.SendAsync(request, ct);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        }
    }

    private sealed record Created(string CaseNumber, string Pin);
}
