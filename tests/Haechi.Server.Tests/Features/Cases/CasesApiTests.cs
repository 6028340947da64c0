using System.Net;
using System.Text;
using Haechi.Core.Hashing;
using Haechi.Data;
using Haechi.Pipeline.Matching;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Haechi.Server.Tests.Features.Cases;

public sealed class CasesApiTests : IAsyncLifetime
{
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

    private bool Matches(int seed) =>
        _factory.Services.GetRequiredService<Matcher>().Pdq.Search(Hash256.Parse(ApiClient.Pdq(seed)), 0).Count > 0;

    [Fact]
    public async Task CreateGetAddWithdraw_FullLifecycle_HashesStopMatching()
    {
        var (number, pin) = await _client.CreateCaseAsync(1, 2);
        Assert.Matches("^HC-[0-9A-Z]{5}-[0-9A-Z]{5}$", number);
        Assert.Matches("^[0-9]{8}$", pin);
        Assert.True(Matches(1));
        Assert.True(Matches(2));

        using (var get = await _client.SendWithPinAsync(HttpMethod.Get, "/api/cases/" + number, pin))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            var body = await get.JsonAsync();
            Assert.Equal("registered", (string?)body["status"]);
            Assert.Equal(4, (int)body["signalCount"]!);
            Assert.Equal(2, (int)body["registered"]!["photos"]!);
            Assert.Equal(0, (int)body["registered"]!["videos"]!);
            Assert.Equal(0, (int)body["registered"]!["faces"]!);
            Assert.Equal("registered", (string?)body["history"]![0]!["event"]);
        }

        using (var add = await _client.SendWithPinAsync(HttpMethod.Post, $"/api/cases/{number}/signals", pin, new { signals = ApiClient.Signals(2, 3) }))
        {
            Assert.Equal(HttpStatusCode.OK, add.StatusCode);
            var body = await add.JsonAsync();
            Assert.Equal(2, (int)body["added"]!);
            Assert.Equal(6, (int)body["signalCount"]!);
        }

        Assert.True(Matches(3));

        using (var delete = await _client.SendWithPinAsync(HttpMethod.Delete, "/api/cases/" + number, pin))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        Assert.False(Matches(1));
        Assert.False(Matches(2));
        Assert.False(Matches(3));
        using (var after = await _client.SendWithPinAsync(HttpMethod.Get, "/api/cases/" + number.ToLowerInvariant(), pin))
        {
            var body = await after.JsonAsync();
            Assert.Equal("withdrawn", (string?)body["status"]);
            Assert.Equal(0, (int)body["signalCount"]!);
            Assert.Equal(["registered", "signalsAdded", "withdrawn"], body["history"]!.AsArray().Select(e => (string)e!["event"]!));
        }

        // Nothing identifying is kept: no fingerprint, no digest.
        using var scope = _factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
        Assert.False(await db.BankEntries.AnyAsync(e => e.ExternalId == number && e.Signal != null, ApiClient.Ct));
        Assert.False(await db.CaseDigests.AnyAsync(ApiClient.Ct));

        using var again = await _client.SendWithPinAsync(HttpMethod.Post, $"/api/cases/{number}/signals", pin, new { signals = ApiClient.Signals(4) });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task Withdraw_ThenRestart_IndexRebuiltWithoutTheCase()
    {
        var (number, pin) = await _client.CreateCaseAsync(11);
        var (_, _) = await _client.CreateCaseAsync(12);
        using (var delete = await _client.SendWithPinAsync(HttpMethod.Delete, "/api/cases/" + number, pin))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        await using var restarted = new HaechiServerFactory(dataDirectory: _factory.DataDirectory);
        using var client = restarted.CreateClient();
        using var health = await client.GetAsync("/api/health", ApiClient.Ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var index = restarted.Services.GetRequiredService<Matcher>().Pdq;
        Assert.Empty(index.Search(Hash256.Parse(ApiClient.Pdq(11)), 0));
        Assert.Single(index.Search(Hash256.Parse(ApiClient.Pdq(12)), 0));
    }

    [Fact]
    public async Task Get_WrongOrMissingPin_NotFoundLikeUnknownCase()
    {
        var (number, pin) = await _client.CreateCaseAsync(21);

        using var wrong = await _client.SendWithPinAsync(HttpMethod.Get, "/api/cases/" + number, ApiClient.WrongPin(pin));
        using var missing = await _client.SendWithPinAsync(HttpMethod.Get, "/api/cases/" + number, null);
        using var unknown = await _client.SendWithPinAsync(HttpMethod.Get, "/api/cases/HC-00000-00000", pin);
        using var malformed = await _client.SendWithPinAsync(HttpMethod.Get, "/api/cases/not-a-case", pin);
        using var wrongDelete = await _client.SendWithPinAsync(HttpMethod.Delete, "/api/cases/" + number, ApiClient.WrongPin(pin));

        Assert.All([wrong, missing, unknown, malformed, wrongDelete], r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
        Assert.Equal(await unknown.Content.ReadAsStringAsync(ApiClient.Ct) is { Length: > 0 }, await wrong.Content.ReadAsStringAsync(ApiClient.Ct) is { Length: > 0 });
        Assert.True(Matches(21));
    }

    [Fact]
    public async Task Get_FiveWrongPins_LocksEvenTheRightPin()
    {
        var (number, pin) = await _client.CreateCaseAsync(31);
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await _client.SendWithPinAsync(HttpMethod.Get, "/api/cases/" + number, ApiClient.WrongPin(pin));
            Assert.Equal(HttpStatusCode.NotFound, wrong.StatusCode);
        }

        using var right = await _client.SendWithPinAsync(HttpMethod.Get, "/api/cases/" + number, pin);
        Assert.Equal(HttpStatusCode.NotFound, right.StatusCode);

        using var scope = _factory.Services.CreateScope();
        var record = await scope.ServiceProvider.GetRequiredService<HaechiDbContext>().Cases.AsNoTracking().SingleAsync(c => c.CaseNumber == number, ApiClient.Ct);
        Assert.Equal(5, record.FailedPinAttempts);
        Assert.NotNull(record.LockedUntil);
    }

    [Fact]
    public async Task Get_RightPinAfterFewWrongOnes_OpensAndResetsCounter()
    {
        var (number, pin) = await _client.CreateCaseAsync(41);
        for (var i = 0; i < 3; i++)
        {
            using var wrong = await _client.SendWithPinAsync(HttpMethod.Get, "/api/cases/" + number, ApiClient.WrongPin(pin));
        }

        using var right = await _client.SendWithPinAsync(HttpMethod.Get, "/api/cases/" + number, pin);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        using var scope = _factory.Services.CreateScope();
        var record = await scope.ServiceProvider.GetRequiredService<HaechiDbContext>().Cases.AsNoTracking().SingleAsync(c => c.CaseNumber == number, ApiClient.Ct);
        Assert.Equal(0, record.FailedPinAttempts);
    }

    public static TheoryData<string, string> BadBodies => new()
    {
        { """{"signals":[{"type":"pdq","hash":"xyz","quality":90}]}""", "signals[0].hash" },
        { """{"signals":[{"type":"pdq","hash":"%PDQ%","quality":101}]}""", "signals[0].quality" },
        { """{"signals":[{"type":"pdq","hash":"%PDQ%"}]}""", "signals[0].quality" },
        { """{"signals":[{"type":"md5","hash":"abc"}]}""", "signals[0].hash" },
        { """{"signals":[{"type":"sha1","hash":"abc"}]}""", "signals[0].type" },
        { """{"signals":[]}""", "signals" },
        { """{"signals":[{"type":"md5","hash":"d41d8cd98f00b204e9800998ecf8427e"}],"language":"fr"}""", "language" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Create_InvalidSignals_BadRequestNamingTheFieldAndNothingStored(string body, string field)
    {
        using var content = new StringContent(body.Replace("%PDQ%", ApiClient.Pdq(1), StringComparison.Ordinal), Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync("/api/cases", content, ApiClient.Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.JsonAsync();
        Assert.NotNull(problem["errors"]![field]);
        using var scope = _factory.Services.CreateScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<HaechiDbContext>().Cases.AnyAsync(ApiClient.Ct));
    }

    [Fact]
    public async Task Create_MalformedJson_ProblemDetailsWithPath()
    {
        using var content = new StringContent("""{"signals":[{"type":"pdq","hash":"ab","quality":"high"}]}""", Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync("/api/cases", content, ApiClient.Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.JsonAsync();
        Assert.Contains("$.signals[0].quality", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_TooManySignals_BadRequest()
    {
        var signals = Enumerable.Range(0, 1001).Select(i => new { type = "pdq", hash = ApiClient.Pdq(i), quality = 80 }).ToArray();
        using var response = await _client.PostAsync("/api/cases", System.Net.Http.Json.JsonContent.Create(new { signals }), ApiClient.Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("1001", (string?)(await response.JsonAsync())["errors"]!["signals"]![0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_OversizedBody_PayloadTooLargeProblem()
    {
        using var content = new StringContent(new string(' ', 300 * 1024) + "{}", Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync("/api/cases", content, ApiClient.Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Create_DuplicateSignals_StoredOnce()
    {
        var signals = new object[] { new { type = "pdq", hash = ApiClient.Pdq(51), quality = 90 }, new { type = "PDQ", hash = ApiClient.Pdq(51).ToUpperInvariant(), quality = 90 } };
        using var response = await _client.PostAsync("/api/cases", System.Net.Http.Json.JsonContent.Create(new { signals }), ApiClient.Ct);
        var created = await response.JsonAsync();

        using var get = await _client.SendWithPinAsync(HttpMethod.Get, "/api/cases/" + (string)created["caseNumber"]!, (string)created["pin"]!);
        Assert.Equal(1, (int)(await get.JsonAsync())["signalCount"]!);
    }

    [Fact]
    public async Task Create_PinStoredOnlyAsSlowSaltedPepperedHash()
    {
        var (number, pin) = await _client.CreateCaseAsync(61);
        var pepper = await File.ReadAllBytesAsync(Haechi.Server.Features.Cases.PinPepper.DefaultFile(_factory.DataDirectory), ApiClient.Ct);

        using var scope = _factory.Services.CreateScope();
        var record = await scope.ServiceProvider.GetRequiredService<HaechiDbContext>().Cases.AsNoTracking().SingleAsync(c => c.CaseNumber == number, ApiClient.Ct);
        Assert.True(record.PinIterations >= 100_000);
        Assert.Equal(16, record.PinSalt.Length);
        var keyed = System.Security.Cryptography.HMACSHA256.HashData(pepper, Encoding.UTF8.GetBytes(pin));
        Assert.Equal(System.Security.Cryptography.Rfc2898DeriveBytes.Pbkdf2(keyed, record.PinSalt, record.PinIterations, System.Security.Cryptography.HashAlgorithmName.SHA256, 32), record.PinHash);
    }
}
