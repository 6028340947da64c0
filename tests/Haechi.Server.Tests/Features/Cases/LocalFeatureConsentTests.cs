using System.Net;
using System.Net.Http.Json;
using Haechi.Core.Hashing.Pdq;
using Haechi.Core.Robust.Local;
using Haechi.Data;
using Haechi.Pipeline.Matching;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Haechi.Server.Tests.Features.Cases;

/// <summary>
/// The opt-in detailed fingerprint (local features) of POST /api/cases: refused without the victim's
/// consent, kept minimised with it, searchable at once, and gone from the store and the index on withdrawal.
/// </summary>
public sealed class LocalFeatureConsentTests : IAsyncLifetime
{
    private const int W = 640, H = 480;
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

    /// <summary>A synthetic grey scene: seeded rectangles and noise (no photo of anyone).</summary>
    private static byte[] Scene(int seed) => Evidence.EvidenceTests.GreyScene(seed, W, H);

    private static LocalFeatures Registered(int seed) => new LocalFeatureExtractor().Extract(Scene(seed), W, H, PixelFormat.Grey8);

    /// <summary>Query features of an off-centre crop (10 % left, 20 % bottom) that whole-image PDQ would not find.</summary>
    private static LocalFeatures CroppedQuery(int seed)
    {
        var scene = Scene(seed);
        int x0 = 64, w = 560, h = 384;
        var crop = new byte[w * h];
        for (var y = 0; y < h; y++)
        {
            scene.AsSpan((y * W) + x0, w).CopyTo(crop.AsSpan(y * w, w));
        }

        return new LocalFeatureExtractor().Extract(crop, w, h, PixelFormat.Grey8, LocalFeatureExtractor.MaxQueryFeatures);
    }

    private static object Body(int seed, bool? consent) => new
    {
        signals = new object[] { new { type = "pdq", hash = ApiClient.Pdq(seed), quality = 90, local = Convert.ToBase64String(Registered(seed).ToBytes()) } },
        language = "en",
        localConsent = consent,
    };

    [Theory]
    [InlineData(null)]
    [InlineData(false)]
    public async Task Create_LocalFeaturesWithoutConsent_RefusedAndNothingStored(bool? consent)
    {
        using var response = await _client.PostAsJsonAsync("/api/cases", Body(5, consent), ApiClient.Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Contains("consent", (string?)body["errors"]!["signals[0].local"]![0], StringComparison.Ordinal);
        using var scope = _factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
        Assert.False(await db.Cases.AnyAsync(ApiClient.Ct));
        Assert.False(await db.BankEntryLocalFeatures.AnyAsync(ApiClient.Ct));
        Assert.Equal(0, _factory.Services.GetRequiredService<Matcher>().LocalFeatures.Count);
    }

    [Fact]
    public async Task Create_LocalFeaturesWithConsent_StoredMinimised_MatchedAtOnce_GoneAfterWithdrawal()
    {
        var index = _factory.Services.GetRequiredService<Matcher>().LocalFeatures;
        using var response = await _client.PostAsJsonAsync("/api/cases", Body(7, consent: true), ApiClient.Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.JsonAsync();
        var (number, pin) = ((string)created["caseNumber"]!, (string)created["pin"]!);

        // Stored: at most 176 keypoints, positions on the 2 px grid; one row for the case's entry.
        long entryId;
        using (var scope = _factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
            entryId = await db.BankEntries.Where(e => e.ExternalId == number).Select(e => e.Id).SingleAsync(ApiClient.Ct);
            var row = await db.BankEntryLocalFeatures.SingleAsync(ApiClient.Ct);
            Assert.Equal(entryId, row.EntryId);
            var stored = LocalFeatures.FromBytes(row.Features);
            Assert.InRange(stored.Count, CaseSignalsMinimum, LocalFeatureExtractor.MaxRegisteredFeatures);
            Assert.All(stored.Positions, p => Assert.Equal(0, p % (LocalFeatures.VictimPositionStep * LocalFeatures.PositionScale)));
        }

        // Searchable at once: an off-centre crop is found through its keypoints, an unrelated scene is not.
        Assert.True(index.Contains(entryId));
        Assert.Equal(entryId, Assert.Single(index.Search(CroppedQuery(7))).ImageId);
        Assert.Empty(index.Search(CroppedQuery(8)));

        using (var delete = await _client.SendWithPinAsync(HttpMethod.Delete, "/api/cases/" + number, pin))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        Assert.False(index.Contains(entryId));
        Assert.Empty(index.Search(CroppedQuery(7)));
        using (var scope = _factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
            Assert.False(await db.BankEntryLocalFeatures.AnyAsync(ApiClient.Ct));
        }
    }

    [Fact]
    public async Task AddSignals_LocalFeatures_NeedConsentToo()
    {
        var (number, pin) = await _client.CreateCaseAsync(11);
        var signals = new object[] { new { type = "pdq", hash = ApiClient.Pdq(12), quality = 90, local = Convert.ToBase64String(Registered(12).ToBytes()) } };

        using (var refused = await _client.SendWithPinAsync(HttpMethod.Post, $"/api/cases/{number}/signals", pin, new { signals }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        using (var accepted = await _client.SendWithPinAsync(HttpMethod.Post, $"/api/cases/{number}/signals", pin, new { signals, localConsent = true }))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        Assert.Equal(1, _factory.Services.GetRequiredService<Matcher>().LocalFeatures.Count);
    }

    [Fact]
    public async Task Create_MalformedLocalFeatures_Refused()
    {
        var body = new
        {
            signals = new object[] { new { type = "pdq", hash = ApiClient.Pdq(3), quality = 90, local = Convert.ToBase64String(new byte[35]) } },
            localConsent = true,
        };
        using var response = await _client.PostAsJsonAsync("/api/cases", body, ApiClient.Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private const int CaseSignalsMinimum = 2 * LocalFeatureIndex.MinInliers;
}
