using Haechi.Core.Robust.Local;
using Haechi.Data;
using Haechi.Data.Banks;
using Haechi.Media.Images;
using Microsoft.Playwright;

namespace Haechi.EndToEnd.Tests;

/// <summary>
/// The opt-in detailed fingerprint on the protect page: computed in the browser (Core's managed
/// extractor through WebAssembly) and kept by the server only when the victim ticks the consent line.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class VictimLocalConsentTests(BrowserFixture fixture) : IDisposable
{
    private readonly string _photos = Directory.CreateTempSubdirectory("haechi-local-photos-").FullName;

    public void Dispose() => Directory.Delete(_photos, recursive: true);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ProtectPhotos_ConsentLine_LocalFeaturesKeptOnlyWhenTicked(bool tick)
    {
        fixture.RequireBrowser();
        var ct = TestContext.Current.CancellationToken;
        var path = Path.Combine(_photos, tick ? "ticked.jpg" : "unticked.jpg");
        await File.WriteAllBytesAsync(path, SyntheticImages.Jpeg(900, 700, tick ? 610 : 611), ct);

        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = fixture.BaseAddress.ToString() });
        await context.Tracing.StartAsync(new() { Screenshots = true, Snapshots = true });
        var page = await context.NewPageAsync();
        string? sentBody = null;
        page.Request += (_, request) =>
        {
            if (request.Method == "POST" && request.Url.EndsWith("/api/cases", StringComparison.Ordinal))
            {
                sentBody = request.PostData;
            }
        };
        try
        {
            await page.GotoAsync("/protect");
            await VictimSteps.ConfirmEligibilityAsync(page);
            await page.SetInputFilesAsync("#photos", [path]);
            var consent = page.GetByRole(AriaRole.Checkbox, new() { Name = "상세 지문" });
            Assert.False(await consent.IsCheckedAsync());
            if (tick)
            {
                await consent.CheckAsync();
            }

            await page.GetByRole(AriaRole.Button, new() { Name = "사진 등록하기" }).ClickAsync();
            var number = (await page.GetByTestId("case-number").TextContentAsync(new() { Timeout = 120_000 }))!;
            var pin = (await page.GetByTestId("case-pin").TextContentAsync())!;
            await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, $"victim-local-consent-{tick}.png"), FullPage = true });

            Assert.NotNull(sentBody);
            Assert.Equal(tick, sentBody!.Contains("\"local\"", StringComparison.Ordinal));
            Assert.Equal(tick, sentBody.Contains("\"localConsent\":true", StringComparison.Ordinal));

            var stored = await CountLocalFeaturesAsync(number, ct);
            if (tick)
            {
                Assert.InRange(stored, 2 * LocalFeatureIndex.MinInliers, LocalFeatureExtractor.MaxRegisteredFeatures);
            }
            else
            {
                Assert.Equal(0, stored);
            }

            // Withdrawal deletes them.
            using var client = new HttpClient { BaseAddress = fixture.BaseAddress };
            using var withdraw = new HttpRequestMessage(HttpMethod.Delete, $"api/cases/{number}");
            withdraw.Headers.Add("X-Case-Pin", pin);
            using var withdrawn = await client.SendAsync(withdraw, ct);
            Assert.True(withdrawn.IsSuccessStatusCode);
            Assert.Equal(0, await CountLocalFeaturesAsync(number, ct));
        }
        finally
        {
            await context.Tracing.StopAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, $"victim-local-consent-{tick}-trace.zip") });
            await context.CloseAsync();
        }
    }

    private async Task<int> CountLocalFeaturesAsync(string caseNumber, CancellationToken cancellationToken)
    {
        await using var db = await HaechiDatabase.OpenAsync(fixture.DataDirectory, cancellationToken);
        return await new BankStore(db, TimeProvider.System).CountLocalFeaturesAsync(caseNumber, cancellationToken);
    }
}
