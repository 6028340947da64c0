using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Haechi.Core.Signals;
using Haechi.Data;
using Haechi.Data.Banks;
using Haechi.Media.Images;
using Haechi.Server.Tests.Features.Evidence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Haechi.Server.Tests.Features.Matching;

/// <summary>
/// A running server sees bank changes another process commits to its store (here: a second,
/// independent store connection, as <c>haechi bank add</c> and <c>bank remove</c> make), through the
/// bank change log its matcher applies every second, without a restart.
/// </summary>
public sealed class StoreChangesSeenTests : IAsyncLifetime
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(5);
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

    [Fact]
    public async Task BankAddAndRemoveByAnotherProcess_ReportScreenshotMatchesWithin5Seconds_ThenNoLonger_HealthSaysHowStale()
    {
        var photo = EvidenceTests.Picture(7, 640, 480);
        var fingerprint = new ImageFingerprinter().Fingerprint(photo);

        // Another process: its own connection to the server's store, never the server's services.
        await using (var other = await HaechiDatabase.OpenAsync(_factory.DataDirectory, ApiClient.Ct))
        {
            var store = new BankStore(other, TimeProvider.System);
            await store.CreateBankAsync("partner", null, SignalType.Pdq, ApiClient.Ct);
            await store.AddEntriesAsync("partner", [new NewBankEntry(fingerprint.Pdq, fingerprint.Quality, "ref-1", [])], ApiClient.Ct);
        }

        var added = Stopwatch.StartNew();
        var matched = await PollAsync(strength => strength > 0);
        Assert.True(matched, "a screenshot of the photo added by another process did not match within 5 s; health: " + await _client.GetStringAsync("/api/health", ApiClient.Ct));
        Assert.True(added.Elapsed < Within + TimeSpan.FromSeconds(1), $"matched only after {added.Elapsed.TotalSeconds:0.0} s");

        using (var health = await _client.GetAsync("/api/health", ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            var view = await health.JsonAsync();
            Assert.True((long)view["storeChange"]! >= 1);
            var pdq = view["indexes"]!.AsArray().Single(i => (string)i!["signalType"]! == "pdq")!;
            Assert.Equal(0, (long)pdq["changesBehind"]!);
            Assert.Equal(1, (int)pdq["entries"]!);
            Assert.NotNull(view["secondsSinceRefresh"]);
        }

        await using (var other = await HaechiDatabase.OpenAsync(_factory.DataDirectory, ApiClient.Ct))
        {
            Assert.Equal(1, await new BankStore(other, TimeProvider.System).WithdrawByExternalIdAsync("partner", "ref-1", ApiClient.Ct));
        }

        var gone = await PollAsync(strength => strength == 0);
        Assert.True(gone, "the withdrawn photo still matched after 5 s");
    }

    // Posts a report with a JPEG screenshot of the photo until its review item's strength passes 'done', for at most 5 s.
    private async Task<bool> PollAsync(Func<double, bool> done)
    {
        var photo = EvidenceTests.Picture(7, 640, 480);
        using var copy = NetVips.Image.NewFromBuffer(photo).Resize(0.6);
        var screenshot = copy.JpegsaveBuffer(q: 70);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            using var form = new MultipartFormDataContent { { new StringContent("https://t.me/room/5"), "urls" }, { new StringContent("telegram"), "platform" } };
            var part = new ByteArrayContent(screenshot);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "evidence", "shot.jpg");
            using var response = await _client.PostAsync("/api/reports", form, ApiClient.Ct);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            using var scope = _factory.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
            var strength = await db.ReviewItems.AsNoTracking().OrderByDescending(r => r.Id).Select(r => r.MatchStrength).FirstAsync(ApiClient.Ct);
            if (done(strength))
            {
                return true;
            }

            if (deadline.Elapsed > Within)
            {
                return false;
            }

            await Task.Delay(250, ApiClient.Ct);
        }
    }
}
