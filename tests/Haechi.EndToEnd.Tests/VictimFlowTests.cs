using System.Globalization;
using System.Text.Json;
using Haechi.Core.Hashing;
using Haechi.Core.Matching;
using Haechi.Core.Robust;
using Haechi.Core.Signals;
using Haechi.Data;
using Haechi.Data.Banks;
using Haechi.Data.Matching;
using Haechi.Media.Images;
using Haechi.Media.Robust;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Haechi.EndToEnd.Tests;

[Collection(BrowserTests.Name)]
public sealed class VictimFlowTests(BrowserFixture fixture) : IDisposable
{
    private readonly string _photos = Directory.CreateTempSubdirectory("haechi-photos-").FullName;

    public void Dispose() => Directory.Delete(_photos, recursive: true);

    [Fact]
    public async Task ProtectPhotos_ThreePhotos_OnlyHashesLeaveTheBrowser_ThenWithdrawRemovesThem()
    {
        fixture.RequireBrowser();
        var paths = new List<string>();
        var expected = new List<Hash256>();
        var crops = new List<byte[]>();
        for (var i = 0; i < 3; i++)
        {
            // The third photo is a 12-MP one (4000×3000): the views' time is measured on it too.
            var (width, height) = i == 2 ? (4000, 3000) : (900, 700);
            var rgb = SyntheticImages.DrawRgb(width, height, 500 + i);
            var bytes = SyntheticImages.EncodeJpeg(rgb, width, height);
            var path = Path.Combine(_photos, $"photo-{i}.jpg");
            await File.WriteAllBytesAsync(path, bytes, TestContext.Current.CancellationToken);
            paths.Add(path);
            expected.Add(new ImageFingerprinter().Fingerprint(bytes).Pdq);
            crops.Add(ImageEdits.Apply(rgb, width, height, ImageEdit.Crop10));
        }

        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = fixture.BaseAddress.ToString() });
        await context.Tracing.StartAsync(new() { Screenshots = true, Snapshots = true });
        var page = await context.NewPageAsync();
        var requests = new List<(string Method, string Url, int BodyBytes, string? ContentType)>();
        page.Request += (_, request) => requests.Add((request.Method, request.Url, request.PostDataBuffer?.Length ?? 0, request.Headers.GetValueOrDefault("content-type")));
        try
        {
            await page.GotoAsync("/protect");
            await VictimSteps.ConfirmEligibilityAsync(page);
            await page.SetInputFilesAsync("#photos", paths);
            await page.GetByRole(AriaRole.Button, new() { Name = "사진 등록하기" }).ClickAsync();
            var number = await page.GetByTestId("case-number").TextContentAsync(new() { Timeout = 60_000 });
            var pin = await page.GetByTestId("case-pin").TextContentAsync();
            Assert.Matches("^HC-", number);
            Assert.Matches("^[0-9]{8}$", pin);
            await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "victim-case-created.png"), FullPage = true });

            // Decode, PDQ and views per photo in the browser (WebAssembly), as the island measured them.
            var island = page.Locator(".island");
            var maxMs = int.Parse((await island.GetAttributeAsync("data-hash-ms-max"))!, CultureInfo.InvariantCulture);
            var meanMs = int.Parse((await island.GetAttributeAsync("data-hash-ms-mean"))!, CultureInfo.InvariantCulture);
            var viewsMs = int.Parse((await island.GetAttributeAsync("data-views-ms-max"))!, CultureInfo.InvariantCulture);
            // A measured figure, not a bound: the time depends on the machine and its load (the load is named with it).
            var timing = string.Create(CultureInfo.InvariantCulture, $"Browser decode + PDQ + views per photo: mean {meanMs} ms, max {maxMs} ms (of which PDQ + views at most {viewsMs} ms; largest photo 4000×3000); load per core {LoadPerCore():0.0}");
            TestContext.Current.TestOutputHelper?.WriteLine(timing);
            await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "victim-hash-timing.txt"), timing + Environment.NewLine, TestContext.Current.CancellationToken);
            Assert.True(maxMs > 0 && meanMs > 0 && viewsMs >= 0, timing);

            // No request carried image bytes: every body is small JSON, never multipart or binary.
            var photoSize = paths.Min(p => new FileInfo(p).Length);
            foreach (var (method, url, bodyBytes, contentType) in requests.Where(r => r.BodyBytes > 0))
            {
                Assert.True(bodyBytes < photoSize / 4, $"{method} {url} sent {bodyBytes} bytes");
                Assert.DoesNotContain("multipart", contentType ?? string.Empty, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain("octet-stream", contentType ?? string.Empty, StringComparison.OrdinalIgnoreCase);
            }

            Assert.Contains(requests, r => r.Method == "POST" && r.Url.EndsWith("/api/cases", StringComparison.Ordinal));

            // The browser's hashes are what the server's decoder computes, within a few bits.
            using var client = new HttpClient { BaseAddress = fixture.BaseAddress };
            using var status = new HttpRequestMessage(HttpMethod.Get, $"api/cases/{number}");
            status.Headers.Add("X-Case-Pin", pin);
            using var statusResponse = await client.SendAsync(status, TestContext.Current.CancellationToken);
            Assert.True(statusResponse.IsSuccessStatusCode);
            using var body = JsonDocument.Parse(await statusResponse.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            Assert.Equal(6, body.RootElement.GetProperty("signalCount").GetInt32());
            Assert.Equal(3, body.RootElement.GetProperty("registered").GetProperty("photos").GetInt32());
            Assert.Equal("사진 3장 등록 완료", (await page.GetByTestId("photos-registered").InnerTextAsync()).Trim());
            await AssertMatchesAsync(expected, shouldMatch: true);
            await AssertViewsFindCropsAsync(number!, crops, shouldMatch: true);

            // Check the case page, then withdraw through the API the page uses.
            await page.GotoAsync("/case");
            await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "victim-case-page.png"), FullPage = true });
            using var withdraw = new HttpRequestMessage(HttpMethod.Delete, $"api/cases/{number}");
            withdraw.Headers.Add("X-Case-Pin", pin);
            using var withdrawn = await client.SendAsync(withdraw, TestContext.Current.CancellationToken);
            Assert.True(withdrawn.IsSuccessStatusCode);
            await AssertMatchesAsync(expected, shouldMatch: false);
            await AssertViewsFindCropsAsync(number!, crops, shouldMatch: false);
        }
        finally
        {
            await context.Tracing.StopAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "victim-flow-trace.zip") });
            await context.CloseAsync();
        }
    }

    /// <summary>
    /// The browser sent views with every photo (the bank entries have them, of registration kinds only), and
    /// those views find a 10 % crop of each photo that its plain PDQ misses; after withdrawal none are left.
    /// </summary>
    private async Task AssertViewsFindCropsAsync(string caseNumber, List<byte[]> crops, bool shouldMatch)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await HaechiDatabase.OpenAsync(fixture.DataDirectory, ct);
        var entries = await db.BankEntries.AsNoTracking().Where(e => e.ExternalId == caseNumber).Select(e => e.Id).ToListAsync(ct);
        if (!shouldMatch)
        {
            // Withdrawal erases her rows (not marks them), with their views.
            Assert.Empty(entries);
            return;
        }

        Assert.Equal(crops.Count, entries.Count);
        var rows = await db.BankEntryViews.AsNoTracking().Where(v => entries.Contains(v.EntryId)).ToListAsync(ct);
        var index = new RobustIndex();
        foreach (var entry in entries)
        {
            var views = rows.Where(v => v.EntryId == entry).Select(v => new RobustView((ViewKind)v.Kind, Hash256.ReadBigEndian(v.Signal), v.Quality)).ToArray();
            Assert.True(views.Length >= 12, $"entry {entry} has {views.Length} views");
            Assert.All(views, v => Assert.True(VictimViews.IsRegistrationKind(v.Kind)));
            Assert.Equal(views.Length, views.Select(v => v.Kind).Distinct().Count());
            index.Add(entry, views);
        }

        foreach (var crop in crops)
        {
            var query = new ImageFingerprinter { QueryViews = VictimViews.Families }.Fingerprint(crop, FingerprintParts.RobustViews).Views!;
            var found = new List<RobustMatch>();
            index.Search([.. query], found);
            var match = Assert.Single(found);
            Assert.Equal(RobustSignal.Crops, match.Signal);
        }
    }

    /// <summary>The 1-minute load average per core (Linux), 1 where it cannot be read.</summary>
    private static double LoadPerCore()
    {
        try
        {
            var first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            return double.Parse(first, CultureInfo.InvariantCulture) / Environment.ProcessorCount;
        }
        catch (IOException)
        {
            return 1;
        }
        catch (UnauthorizedAccessException)
        {
            return 1;
        }
    }

    private async Task AssertMatchesAsync(List<Hash256> photos, bool shouldMatch)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await HaechiDatabase.OpenAsync(fixture.DataDirectory, ct);
        var index = (await new SignalIndexLoader(Path.Combine(fixture.DataDirectory, "e2e-check"), TimeProvider.System).LoadAsync(new BankSignalReader(db), SignalType.Pdq, ct)).Index;
        foreach (var photo in photos)
        {
            var found = new List<HammingMatch>();
            index.Search(photo, 31, found);
            Assert.True(found.Count > 0 == shouldMatch, $"photo {(shouldMatch ? "not found" : "still found")} in the banks");
        }
    }
}
