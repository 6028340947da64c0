using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Json;
using Haechi.Core.Faces;
using Haechi.Core.Review;
using Haechi.Data;
using Haechi.Data.Banks;
using Haechi.Pipeline.Matching;
using Haechi.Server.Features.Cases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Haechi.Server.Tests.Features.Cases;

/// <summary>
/// Her face, enrolled from her device: <c>POST /api/cases/{n}/signals</c> takes only an embedding, only
/// with <c>faceConsent</c>, refuses malformed vectors by field, keeps it sealed at rest in the
/// victim-faces bank, counts it in her case, matches it at once, and forgets it on withdrawal. A
/// report whose screenshot is her face pasted onto another picture becomes a top-priority face item
/// linked to her case. Real models and sample photos (pulled at test time, never committed).
/// </summary>
public sealed class FaceEnrolmentApiTests : IAsyncLifetime
{
    private readonly HaechiServerFactory _factory = new();
    private HttpClient _client = null!;
    private string[] _samples = [];

    public async ValueTask InitializeAsync()
    {
        _samples = await FaceTestData.InstallAsync(_factory.DataDirectory, runtime: false);
        _client = _factory.CreateClient();
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        HaechiServerFactory.DeleteDirectory(_factory.DataDirectory);
    }

    private static object FaceBody(string embedding, bool? consent) => new
    {
        signals = new object[] { new { type = "face-faceres-v1", embedding } },
        faceConsent = consent,
    };

    private static string Encode(Func<int, float> value)
    {
        var vector = new float[1024];
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = value(i);
        }

        return VictimFaces.Encode(vector);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(false)]
    public async Task AddSignals_FaceWithoutConsent_400AndNothingStored(bool? consent)
    {
        var (number, pin) = await _client.CreateCaseAsync(1);

        using var response = await _client.SendWithPinAsync(HttpMethod.Post, $"/api/cases/{number}/signals", pin, FaceBody(Encode(i => i % 7), consent));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Contains("consent", (string?)body["errors"]!["faceConsent"]![0], StringComparison.Ordinal);
        using var scope = _factory.Services.CreateScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<HaechiDbContext>().BankEntryEmbeddings.AnyAsync(ApiClient.Ct));
    }

    public static TheoryData<string, string> BadEmbeddings() => new()
    {
        { Convert.ToBase64String(new byte[4092]), "1024 float32" },
        { Convert.ToBase64String(new byte[4100]), "1024 float32" },
        { "not base64!", "1024 float32" },
        { Encode(_ => 0), "zeros" },
        { Encode(i => i == 5 ? float.NaN : 1), "finite" },
        { Encode(i => i == 9 ? float.PositiveInfinity : 1), "finite" },
    };

    [Theory]
    [MemberData(nameof(BadEmbeddings))]
    public async Task AddSignals_MalformedEmbedding_400NamesTheField(string embedding, string expected)
    {
        var (number, pin) = await _client.CreateCaseAsync(2);

        using var response = await _client.SendWithPinAsync(HttpMethod.Post, $"/api/cases/{number}/signals", pin, FaceBody(embedding, true));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Contains(expected, (string?)body["errors"]!["signals[0].embedding"]![0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddSignals_Face_SealedAtRest_CountedAndInHistory_MatchesAtOnce_GoneAfterWithdrawal()
    {
        var (number, pin) = await _client.CreateCaseAsync(3);
        var vector = FaceTestData.Embed(_factory.DataDirectory, FaceTestData.EnrolmentPhoto(_samples[0]));

        using (var added = await _client.SendWithPinAsync(HttpMethod.Post, $"/api/cases/{number}/signals", pin, FaceBody(VictimFaces.Encode(vector), true)))
        {
            Assert.True(added.StatusCode == HttpStatusCode.OK, await added.Content.ReadAsStringAsync(ApiClient.Ct));
            var body = await added.JsonAsync();
            Assert.Equal(1, (int)body["added"]!);
            Assert.Equal(3, (int)body["signalCount"]!); // pdq + md5 + her face
        }

        using (var view = await _client.SendWithPinAsync(HttpMethod.Get, $"/api/cases/{number}", pin))
        {
            var body = await view.JsonAsync();
            Assert.Equal(1, (int)body["registered"]!["faces"]!);
            Assert.Equal(3, (int)body["signalCount"]!);
            Assert.Contains(body["history"]!.AsArray(), e => (string)e!["event"]! == "faceAdded" && (int)e["signalCount"]! == 1);
        }

        // Sealed at rest: the stored bytes are not the float vector, and open only with the entry's own context.
        long entryId;
        using (var scope = _factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
            var row = await db.BankEntryEmbeddings.SingleAsync(ApiClient.Ct);
            entryId = row.EntryId;
            var plain = new byte[vector.Length * sizeof(float)];
            for (var i = 0; i < vector.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(plain.AsSpan(i * sizeof(float)), vector[i]);
            }

            Assert.True(FaceEmbeddingSeal.IsSealed(row.Vector));
            Assert.NotEqual(plain.Length, row.Vector.Length);
            Assert.Equal(-1, row.Vector.AsSpan().IndexOf(plain.AsSpan(0, 64)));
            var sealer = scope.ServiceProvider.GetRequiredService<Haechi.Data.Sealing.ContentSealer>();
            Assert.Throws<Haechi.Data.Sealing.SealedContentException>(() => FaceEmbeddingSeal.Open(sealer, entryId + 1, row.Vector));
            Assert.Equal(VictimFaces.BankName, (await db.BankEntries.Include(e => e.Bank).SingleAsync(e => e.Id == entryId, ApiClient.Ct)).Bank!.Name);
        }

        // The one matcher opened it as the index loaded: her face matches at once.
        var matcher = _factory.Services.GetRequiredService<Matcher>();
        var bank = Assert.Single(matcher.FaceBanks(null), b => b.Name == VictimFaces.BankName);
        var best = bank.Index.Best(vector);
        Assert.NotNull(best);
        Assert.Equal(entryId, best.Value.Id);
        Assert.True(best.Value.Similarity > 0.999f);
        Assert.Equal(number, bank.SubjectOf(entryId));

        using (var withdrawn = await _client.SendWithPinAsync(HttpMethod.Delete, $"/api/cases/{number}", pin))
        {
            Assert.Equal(HttpStatusCode.NoContent, withdrawn.StatusCode);
        }

        using (var scope = _factory.Services.CreateScope())
        {
            Assert.False(await scope.ServiceProvider.GetRequiredService<HaechiDbContext>().BankEntryEmbeddings.AnyAsync(ApiClient.Ct));
        }

        Assert.All(matcher.FaceBanks(null), b => Assert.Null(b.Index.Best(vector) is { Similarity: >= FaceBank.DefaultThreshold } hit ? hit : null));
    }

    [Fact]
    public async Task Create_WithFace_FaceCountedAndRegistered()
    {
        var vector = FaceTestData.Embed(_factory.DataDirectory, FaceTestData.EnrolmentPhoto(_samples[0]));
        using var response = await _client.PostAsJsonAsync(
            "/api/cases",
            new { signals = new object[] { new { type = "pdq", hash = ApiClient.Pdq(4), quality = 90 }, new { type = "face-faceres-v1", embedding = VictimFaces.Encode(vector) } }, language = "ko", faceConsent = true },
            ApiClient.Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.JsonAsync();
        using var view = await _client.SendWithPinAsync(HttpMethod.Get, $"/api/cases/{(string)created["caseNumber"]!}", (string)created["pin"]!);
        var body = await view.JsonAsync();
        Assert.Equal(1, (int)body["registered"]!["faces"]!);
        Assert.Equal(2, (int)body["signalCount"]!);
    }

    [Fact]
    public async Task Report_CompositeOfHerFace_TopPriorityFaceItemLinkedToHerCase_NotAfterWithdrawal()
    {
        var (number, pin) = await _client.CreateCaseAsync(5);
        var vector = FaceTestData.Embed(_factory.DataDirectory, FaceTestData.EnrolmentPhoto(_samples[0]));
        using (var added = await _client.SendWithPinAsync(HttpMethod.Post, $"/api/cases/{number}/signals", pin, FaceBody(VictimFaces.Encode(vector), true)))
        {
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        }

        // Her face cut from another, wider part of the photo, shrunk, pasted on a drawn picture, JPEG q75.
        await _factory.PostReportAsync(FaceTestData.Composite(_samples[0], seed: 11), "https://deepfakes.example/post/1");

        var item = (await _factory.LatestReviewItemAsync())!;
        Assert.Equal("face", (string?)item["signal"]);
        Assert.True((double)item["priority"]! >= 0.75, $"priority {(double)item["priority"]!}");
        Assert.True((double)item["matchStrength"]! >= FaceBank.DefaultThreshold);
        using (var scope = _factory.Services.CreateScope())
        {
            var link = await scope.ServiceProvider.GetRequiredService<GetItemCase>().ExecuteAsync((long)item["id"]!, ApiClient.Ct);
            Assert.NotNull(link);
            Assert.Equal(number, link.CaseNumber);
            Assert.True(link.ByFace);
        }

        // Withdrawn: the same kind of composite no longer finds her (her face left the bank and the index).
        using (var withdrawn = await _client.SendWithPinAsync(HttpMethod.Delete, $"/api/cases/{number}", pin))
        {
            Assert.Equal(HttpStatusCode.NoContent, withdrawn.StatusCode);
        }

        await _factory.PostReportAsync(FaceTestData.Composite(_samples[0], seed: 12), "https://deepfakes.example/post/2");
        var after = (await _factory.LatestReviewItemAsync())!;
        Assert.NotEqual((long)item["id"]!, (long)after["id"]!);
        Assert.NotEqual("face", (string?)after["signal"]);
        Assert.True((double)after["priority"]! < ReviewPriority.ComputeVictimFace(0, 0));
    }

    [Fact]
    public async Task Setup_ModelsInstalled_NamesPinnedUrlsOnThisOrigin_ModelServedWithLongCache()
    {
        using var response = await _client.GetAsync("/api/faces/setup", ApiClient.Ct);
        var body = await response.JsonAsync();

        // The runtime is not linked in this test's data directory: the page is told, in its own words.
        Assert.False((bool)body["available"]!);
        Assert.Equal("runtime-not-installed", (string?)body["problem"]);

        var setup = _factory.Services.GetRequiredService<FaceSetup>();
        var model = setup.EmbeddingModel()!;
        var sha = model[(model.IndexOf(':', StringComparison.Ordinal) + 1)..];
        using var file = await _client.GetAsync($"/face-models/faceres/{sha}.onnx", ApiClient.Ct);
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Contains("immutable", file.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        using var wrong = await _client.GetAsync($"/face-models/faceres/{new string('0', 64)}.onnx", ApiClient.Ct);
        Assert.Equal(HttpStatusCode.NotFound, wrong.StatusCode);
        using var other = await _client.GetAsync($"/face-models/nsfw-mobilenet-v2/{sha}.onnx", ApiClient.Ct);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
    }
}
