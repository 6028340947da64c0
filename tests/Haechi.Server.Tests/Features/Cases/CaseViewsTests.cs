using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Haechi.Core.Hashing;
using Haechi.Core.Matching;
using Haechi.Core.Robust;
using Haechi.Data;
using Haechi.Media.Images;
using Haechi.Media.Robust;
using Haechi.Pipeline.Matching;
using Haechi.Server.Features.Matching;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Haechi.Server.Tests.Features.Cases;

/// <summary>
/// The PDQ views victims' devices send with each photo (<see cref="VictimViews"/>): validated strictly,
/// stored in the victim bank, searchable at once (a report screenshot cropped 10 % is matched by a
/// registered crop), and gone from the bank and the index on withdrawal.
/// </summary>
public sealed class CaseViewsTests : IAsyncLifetime
{
    private const int W = 900, H = 700;
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

    private static byte[] Photo(int seed) => SyntheticImages.EncodeJpeg(SyntheticImages.DrawRgb(W, H, seed), W, H);

    private static byte[] Crop10(int seed) => ImageEdits.Apply(SyntheticImages.DrawRgb(W, H, seed), W, H, ImageEdit.Crop10);

    private static MultipartFormDataContent Report(byte[] screenshot)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent("https://t.me/some_room/12"), "urls" },
            { new StringContent("telegram"), "platform" },
            { new StringContent("false"), "possibleMinor" },
        };
        var part = new ByteArrayContent(screenshot);
        part.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(part, "evidence", "shot.jpg");
        return form;
    }

    /// <summary>Submits a report with one screenshot and returns the entry its review item matched (null: none).</summary>
    private async Task<long?> ReportMatchAsync(byte[] screenshot)
    {
        using var form = Report(screenshot);
        using var response = await _client.PostAsync("/api/reports", form, ApiClient.Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var scope = _factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
        var item = await db.ReviewItems.AsNoTracking().OrderByDescending(i => i.Id).FirstAsync(ApiClient.Ct);
        Assert.Equal(item.MatchedEntryId is null, item.MatchStrength == 0);
        return item.MatchedEntryId;
    }

    private static int ClosestDihedral(byte[] copy, Hash256 registered)
    {
        var distance = int.MaxValue;
        foreach (var variant in new ImageFingerprinter().Fingerprint(copy, FingerprintParts.Dihedral).Dihedral!)
        {
            distance = Math.Min(distance, Hash256.Distance(variant, registered));
        }

        return distance;
    }

    [Fact]
    public async Task Create_WithViews_StoredInVictimBank_CroppedReportMatchedByView_WithdrawalRemovesIt()
    {
        var views = DeviceViews.Compute(Photo(71));
        Assert.Contains(views, v => v.Kind == ViewKind.Crop10);
        using var created = await _client.PostAsJsonAsync("/api/cases", new { signals = new[] { DeviceViews.Signal(views) }, language = "ko" }, ApiClient.Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.JsonAsync();
        var (number, pin) = ((string)body["caseNumber"]!, (string)body["pin"]!);

        // Stored: one entry (the plain PDQ) with its views; the victim bank keeps the families.
        long entryId;
        using (var scope = _factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
            var entry = await db.BankEntries.AsNoTracking().Include(e => e.Bank).SingleAsync(e => e.ExternalId == number, ApiClient.Ct);
            entryId = entry.Id;
            Assert.Equal(VictimBank.Name, entry.Bank!.Name);
            Assert.Equal((int)VictimViews.Families, entry.Bank.ExtraSignals);
            Assert.Equal(views[0].Hash, Hash256.ReadBigEndian(entry.Signal!));
            var stored = await db.BankEntryViews.AsNoTracking().Where(v => v.EntryId == entryId).OrderBy(v => v.Kind).ToListAsync(ApiClient.Ct);
            Assert.Equal(views.Skip(1).Select(v => ((int)v.Kind, v.Hash)).OrderBy(v => v.Item1), stored.Select(v => (v.Kind, Hash256.ReadBigEndian(v.Signal))));
        }

        Assert.True(_factory.Services.GetRequiredService<Matcher>().Views.Contains(entryId));

        // A 10 % crop: no dihedral PDQ of it is within the radius, so only the registered crop view can find it.
        var crop = Crop10(71);
        Assert.True(ClosestDihedral(crop, views[0].Hash) > HammingIndex.DefaultRadius, "plain PDQ misses the crop");
        Assert.Equal(entryId, await ReportMatchAsync(crop));
        Assert.Null(await ReportMatchAsync(Crop10(72)));

        // Withdrawal: the views leave the bank and the index at once; the same crop is no longer matched.
        using (var withdrawn = await _client.SendWithPinAsync(HttpMethod.Delete, "/api/cases/" + number, pin))
        {
            Assert.Equal(HttpStatusCode.NoContent, withdrawn.StatusCode);
        }

        Assert.False(_factory.Services.GetRequiredService<Matcher>().Views.Contains(entryId));
        using (var scope = _factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
            Assert.False(await db.BankEntryViews.AnyAsync(v => v.EntryId == entryId, ApiClient.Ct));
        }

        Assert.Null(await ReportMatchAsync(crop));
    }

    [Fact]
    public async Task AddSignals_WithViews_MatchedAtOnce_AndOldClientsWithoutViewsStillWork()
    {
        // An old client: the plain PDQ only; then "add more photos" with the views of another photo.
        var first = DeviceViews.Compute(Photo(81));
        using var created = await _client.PostAsJsonAsync("/api/cases", new { signals = new object[] { new { type = "pdq", hash = first[0].Hash.ToString(), quality = first[0].Quality } }, language = "en" }, ApiClient.Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.JsonAsync();
        var (number, pin) = ((string)body["caseNumber"]!, (string)body["pin"]!);
        Assert.Null(await ReportMatchAsync(Crop10(81)));

        var second = DeviceViews.Compute(Photo(83));
        using (var added = await _client.SendWithPinAsync(HttpMethod.Post, $"/api/cases/{number}/signals", pin, new { signals = new[] { DeviceViews.Signal(second) } }))
        {
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
            Assert.Equal(1, (int)(await added.JsonAsync())["added"]!);
        }

        using var scope = _factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
        var entries = await db.BankEntries.AsNoTracking().Where(e => e.ExternalId == number).ToListAsync(ApiClient.Ct);
        var secondId = entries.Single(e => Hash256.ReadBigEndian(e.Signal!).Equals(second[0].Hash)).Id;
        Assert.Equal(second.Count - 1, await db.BankEntryViews.CountAsync(v => v.EntryId == secondId, ApiClient.Ct));
        Assert.Equal(secondId, await ReportMatchAsync(Crop10(83)));
    }

    [Fact]
    public async Task Restart_ViewIndexRebuiltFromTheRows_OlderVictimBankGainsTheFamilies()
    {
        var views = DeviceViews.Compute(Photo(91));
        using var created = await _client.PostAsJsonAsync("/api/cases", new { signals = new[] { DeviceViews.Signal(views) }, language = "ko" }, ApiClient.Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using (var scope = _factory.Services.CreateScope())
        {
            // As a store from before victims sent views: the bank kept no extra signal.
            var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
            Assert.Equal(1, await db.Banks.Where(b => b.Name == VictimBank.Name).ExecuteUpdateAsync(u => u.SetProperty(b => b.ExtraSignals, 0), ApiClient.Ct));
        }

        await _factory.DisposeAsync();

        await using var restarted = new HaechiServerFactory(dataDirectory: _factory.DataDirectory);
        using var client = restarted.CreateClient();
        using (var scope = restarted.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
            Assert.Equal((int)VictimViews.Families, await db.Banks.Where(b => b.Name == VictimBank.Name).Select(b => b.ExtraSignals).SingleAsync(ApiClient.Ct));
        }

        var index = restarted.Services.GetRequiredService<Matcher>().Views;
        Assert.Equal(1, index.Count);
        var query = new List<RobustView>();
        var image = ImageDecoder.Decode(Crop10(91));
        new RobustViewHasher().ComputeQuery(image.Pixels, image.Width, image.Height, image.Format, VictimViews.Families, query);
        var match = Assert.Single(index.Search([.. query]));
        Assert.Equal(RobustSignal.Crops, match.Signal);
    }

    [Fact]
    public async Task OpenApi_DocumentsTheViewsField()
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(await _client.GetStringAsync("/openapi/v1.json", ApiClient.Ct))!;
        var schemas = json["components"]!["schemas"]!.AsObject();
        var signal = schemas["SignalInput"]!["properties"]!.AsObject();
        Assert.True(signal.ContainsKey("views"));
        Assert.Contains("cropped copies are found", signal["views"]!.ToJsonString(), StringComparison.Ordinal);
        var view = schemas["ViewInput"]!["properties"]!.AsObject();
        Assert.Equal(["kind", "hash", "quality"], view.Select(p => p.Key));
    }

    public static TheoryData<string, string> BadViews => new()
    {
        { """[{"kind":"crop11","hash":"H"}]""", "signals[0].views[0].kind" },
        { """[{"kind":"whole","hash":"H"}]""", "signals[0].views[0].kind" },
        { """[{"kind":"rotate90","hash":"H"}]""", "signals[0].views[0].kind" },
        { """[{"kind":"striptop","hash":"H"}]""", "signals[0].views[0].kind" },
        { """[{"kind":"Crop10","hash":"H"}]""", "signals[0].views[0].kind" },
        { """[{"kind":"14","hash":"H"}]""", "signals[0].views[0].kind" },
        { """[{"hash":"H"}]""", "signals[0].views[0].kind" },
        { """[{"kind":"crop10","hash":"H"},{"kind":"crop10","hash":"H"}]""", "signals[0].views[1].kind" },
        { """[{"kind":"crop10","hash":"abc"}]""", "signals[0].views[0].hash" },
        { """[{"kind":"crop10","hash":"H","quality":101}]""", "signals[0].views[0].quality" },
        { """[null]""", "signals[0].views[0]" },
    };

    [Theory]
    [MemberData(nameof(BadViews))]
    public async Task Create_InvalidViews_BadRequestNamingTheViewAndNothingStored(string views, string field)
    {
        var hash = ApiClient.Pdq(5);
        var json = $$"""{"signals":[{"type":"pdq","hash":"{{hash}}","quality":90,"views":{{views.Replace("\"H\"", $"\"{ApiClient.Pdq(6)}\"", StringComparison.Ordinal)}}}],"language":"ko"}""";
        await AssertRefusedAsync(json, field);
    }

    [Fact]
    public async Task Create_TooManyViewsOrViewsOnMd5_BadRequestAndNothingStored()
    {
        var kinds = Enumerable.Range(0, ViewKinds.Count).Select(k => (ViewKind)k).Where(VictimViews.IsRegistrationKind).ToList();
        Assert.Equal(VictimViews.MaxViews, kinds.Count);
        var tooMany = string.Join(',', Enumerable.Range(0, VictimViews.MaxViews + 1).Select(i => $$"""{"kind":"{{kinds[i % kinds.Count].Name()}}","hash":"{{ApiClient.Pdq(i + 10)}}"}"""));
        await AssertRefusedAsync($$"""{"signals":[{"type":"pdq","hash":"{{ApiClient.Pdq(5)}}","quality":90,"views":[{{tooMany}}]}]}""", "signals[0].views");
        await AssertRefusedAsync($$"""{"signals":[{"type":"md5","hash":"{{new string('a', 32)}}","views":[{"kind":"crop10","hash":"{{ApiClient.Pdq(6)}}"}]}]}""", "signals[0].views");

        // The most a photo can have, one of each kind, is accepted.
        var all = string.Join(',', kinds.Select((k, i) => $$"""{"kind":"{{k.Name()}}","hash":"{{ApiClient.Pdq(i + 10)}}"}"""));
        using var content = new StringContent($$"""{"signals":[{"type":"pdq","hash":"{{ApiClient.Pdq(5)}}","quality":90,"views":[{{all}}]}]}""", System.Text.Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync("/api/cases", content, ApiClient.Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var scope = _factory.Services.CreateScope();
        Assert.Equal(VictimViews.MaxViews, await scope.ServiceProvider.GetRequiredService<HaechiDbContext>().BankEntryViews.CountAsync(ApiClient.Ct));
    }

    private async Task AssertRefusedAsync(string json, string field)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync("/api/cases", content, ApiClient.Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.NotNull(body["errors"]![field]);
        using var scope = _factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
        Assert.False(await db.Cases.AnyAsync(ApiClient.Ct));
        Assert.False(await db.BankEntries.AnyAsync(ApiClient.Ct));
        Assert.False(await db.BankEntryViews.AnyAsync(ApiClient.Ct));
        Assert.Equal(0, _factory.Services.GetRequiredService<Matcher>().Views.Count);
    }
}
