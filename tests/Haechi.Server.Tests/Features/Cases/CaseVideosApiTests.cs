using System.Globalization;
using System.Net;
using System.Text;
using Haechi.Core.Banks;
using Haechi.Core.Hashing;
using Haechi.Core.Video;
using Haechi.Data;
using Haechi.Pipeline.Matching;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Haechi.Server.Tests.Features.Cases;

/// <summary>Her videos as vPDQ signals on <c>POST /api/cases/{n}/signals</c>: checked, stored in the victim video bank, matched, withdrawn.</summary>
public sealed class CaseVideosApiTests : IAsyncLifetime
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

    /// <summary>A video's frames as the browser sends them: distinct hashes, quality 90, 30 frames/s.</summary>
    private static object[] Frames(int seed, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new { hash = ApiClient.Pdq((seed * 10_000) + i), quality = 90, frame = i, seconds = Math.Round(i / 30.0, 3) })];

    private static VpdqFrame[] Query(int seed, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new VpdqFrame(i, 90, Hash256.Parse(ApiClient.Pdq((seed * 10_000) + i)), i / 30.0))];

    private Task<IReadOnlyList<VideoBankMatch>> MatchAsync(int seed, int count) =>
        _factory.Services.GetRequiredService<Matcher>().MatchVideoAsync(Query(seed, count), MatchFilter.Default, ApiClient.Ct);

    [Fact]
    public async Task AddVideo_StoredInVictimVideoBank_CountedAsOneAndMatched_WithdrawErasesFramesAndStopsMatching()
    {
        var (number, pin) = await _client.CreateCaseAsync(1);
        using (var add = await _client.SendWithPinAsync(HttpMethod.Post, $"/api/cases/{number}/signals", pin, new { signals = new[] { new { type = "vpdq", frames = Frames(7, 120) } } }))
        {
            Assert.Equal(HttpStatusCode.OK, add.StatusCode);
            var body = await add.JsonAsync();
            Assert.Equal(1, (int)body["added"]!);
            Assert.Equal(3, (int)body["signalCount"]!); // the photo's PDQ and MD5, the video as one signal (not 120)
        }

        // Refreshed after commit: a copy (here, a 2-second clip of it) matches at once, linked to her case's entry.
        var match = Assert.Single(await MatchAsync(7, 60));
        Assert.Equal("victim-registered-video", match.Entry.Bank);
        Assert.Equal(number, match.Entry.ExternalId);
        Assert.Empty(await MatchAsync(8, 60));

        using (var scope = _factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
            Assert.Equal(120, await db.BankEntryFrames.CountAsync(f => f.EntryId == match.Entry.Id, ApiClient.Ct));
        }

        using (var delete = await _client.SendWithPinAsync(HttpMethod.Delete, "/api/cases/" + number, pin))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        Assert.Empty(await MatchAsync(7, 60));
        using (var scope = _factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
            Assert.Equal(0, await db.BankEntryFrames.CountAsync(f => f.EntryId == match.Entry.Id, ApiClient.Ct));
            Assert.False(await db.BankEntries.AnyAsync(e => e.Id == match.Entry.Id && e.State == BankEntryState.Active, ApiClient.Ct));
        }

        using var after = await _client.SendWithPinAsync(HttpMethod.Get, "/api/cases/" + number, pin);
        Assert.Equal(0, (int)(await after.JsonAsync())["signalCount"]!);
    }

    [Fact]
    public async Task AddVideo_SameVideoTwice_StoredOnce()
    {
        var (number, pin) = await _client.CreateCaseAsync(2);
        var body = new { signals = new[] { new { type = "vpdq", frames = Frames(9, 30) } } };
        using (var first = await _client.SendWithPinAsync(HttpMethod.Post, $"/api/cases/{number}/signals", pin, body))
        {
            Assert.Equal(1, (int)(await first.JsonAsync())["added"]!);
        }

        using var second = await _client.SendWithPinAsync(HttpMethod.Post, $"/api/cases/{number}/signals", pin, body);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(0, (int)(await second.JsonAsync())["added"]!);
    }

    public static TheoryData<string, string> BadVideos => new()
    {
        { """{"type":"vpdq","frames":[]}""", "signals[0].frames" },
        { """{"type":"vpdq"}""", "signals[0].frames" },
        { """{"type":"vpdq","hash":"%PDQ%","frames":[{"hash":"%PDQ%","quality":90,"frame":0,"seconds":0}]}""", "signals[0]" },
        { """{"type":"pdq","hash":"%PDQ%","quality":90,"frames":[{"hash":"%PDQ%","quality":90,"frame":0,"seconds":0}]}""", "signals[0].frames" },
        { """{"type":"vpdq","frames":[{"hash":"%PDQ%","quality":90,"frame":0,"seconds":0},{"hash":"xyz","quality":90,"frame":1,"seconds":0.033}]}""", "signals[0].frames[1].hash" },
        { """{"type":"vpdq","frames":[{"hash":"%PDQ%","quality":101,"frame":0,"seconds":0}]}""", "signals[0].frames[0].quality" },
        { """{"type":"vpdq","frames":[{"hash":"%PDQ%","quality":90,"frame":5,"seconds":0.1},{"hash":"%PDQ%","quality":90,"frame":5,"seconds":0.2}]}""", "signals[0].frames[1].frame" },
        { """{"type":"vpdq","frames":[{"hash":"%PDQ%","quality":90,"frame":-1,"seconds":0}]}""", "signals[0].frames[0].frame" },
        { """{"type":"vpdq","frames":[{"hash":"%PDQ%","quality":90,"frame":0,"seconds":61}]}""", "signals[0].frames[0].seconds" },
        { """{"type":"vpdq","frames":[{"hash":"%PDQ%","quality":90,"frame":0,"seconds":2},{"hash":"%PDQ%","quality":90,"frame":1,"seconds":1}]}""", "signals[0].frames[1].seconds" },
        { """{"type":"vpdq","frames":[{"hash":"%PDQ%","quality":20,"frame":0,"seconds":0}]}""", "signals[0].frames" },
        { """{"type":"vpdq","frames":[null]}""", "signals[0].frames[0]" },
    };

    [Theory]
    [MemberData(nameof(BadVideos))]
    public async Task AddVideo_Invalid_ProblemNamingTheFieldAndNothingStored(string signal, string field)
    {
        var (number, pin) = await _client.CreateCaseAsync(3);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/cases/{number}/signals");
        request.Headers.Add("X-Case-Pin", pin);
        request.Content = new StringContent("{\"signals\":[" + signal.Replace("%PDQ%", ApiClient.Pdq(5), StringComparison.Ordinal) + "]}", Encoding.UTF8, "application/json");
        using var response = await _client.SendAsync(request, ApiClient.Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.JsonAsync();
        Assert.True(problem["errors"]![field] is not null, problem.ToJsonString());
        using var scope = _factory.Services.CreateScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<HaechiDbContext>().BankEntryFrames.AnyAsync(ApiClient.Ct));
    }

    [Fact]
    public async Task AddVideo_LongestAccepted_OneFrameMoreRefused()
    {
        var (number, pin) = await _client.CreateCaseAsync(4);

        // The longest video (60 s at 60 frames/s) is above the API's general 256 KiB body limit and within this route's 1 MiB.
        var longest = Enumerable.Range(0, VictimVideo.MaxFrames).Select(i => new { hash = ApiClient.Pdq(50_000 + i), quality = 90, frame = i, seconds = Math.Round(i / 60.0, 3) }).ToArray();
        using (var ok = await _client.SendWithPinAsync(HttpMethod.Post, $"/api/cases/{number}/signals", pin, new { signals = new[] { new { type = "vpdq", frames = longest } } }))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        var tooMany = Enumerable.Range(0, VictimVideo.MaxFrames + 1).Select(i => new { hash = ApiClient.Pdq(60_000 + i), quality = 90, frame = i, seconds = Math.Round(i / 61.0, 3) }).ToArray();
        using var refused = await _client.SendWithPinAsync(HttpMethod.Post, $"/api/cases/{number}/signals", pin, new { signals = new[] { new { type = "vpdq", frames = tooMany } } });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains((VictimVideo.MaxFrames + 1).ToString(CultureInfo.InvariantCulture), (string?)(await refused.JsonAsync())["errors"]!["signals[0].frames"]![0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddSignals_OverOneMebibyte_PayloadTooLargeProblem()
    {
        var (number, pin) = await _client.CreateCaseAsync(5);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/cases/{number}/signals");
        request.Headers.Add("X-Case-Pin", pin);
        request.Content = new StringContent(new string(' ', 1100 * 1024) + "{}", Encoding.UTF8, "application/json");
        using var response = await _client.SendAsync(request, ApiClient.Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
