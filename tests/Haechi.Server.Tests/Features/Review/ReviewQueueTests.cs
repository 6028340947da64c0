using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Haechi.Core.Hashing;
using Haechi.Core.Review;
using Haechi.Pipeline.Review;
using Microsoft.Extensions.DependencyInjection;

namespace Haechi.Server.Tests.Features.Review;

public sealed class ReviewQueueTests : IAsyncLifetime
{
    private static readonly string[] RoomUrls = ["https://example.com/room"];
    private readonly HaechiServerFactory _factory = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        HaechiServerFactory.DeleteDirectory(_factory.DataDirectory);
    }

    private static async Task<string> ReportAsync(HttpClient client, bool minor, string description = "seen in a chat room")
    {
        using var response = await client.PostAsJsonAsync("/api/reports", new { urls = RoomUrls, platform = "telegram", description, possibleMinor = minor }, ApiClient.Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (string)(await response.JsonAsync())["receipt"]!;
    }

    private static async Task<JsonObject> QueueAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonObject>("/api/review/items", ApiClient.Ct))!;

    private async Task<Enqueued> EnqueueAsync(ReviewItemInput input)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IReviewQueue>().EnqueueAsync(input, ApiClient.Ct);
    }

    [Fact]
    public async Task Queue_MinorReportFiledLast_IsListedFirst_ThenMatchStrength_ThenAge()
    {
        using var admin = await _factory.AdminAsync();
        using var analyst = await _factory.UserAsync(admin, "analyst", "ana");
        using var anonymous = _factory.CreateClient();
        var first = await ReportAsync(anonymous, minor: false);
        await EnqueueAsync(new ReviewItemInput(ReviewItemKind.BankMatch, "entry-9", MatchStrength: 0.8));
        var minor = await ReportAsync(anonymous, minor: true);

        var queue = await QueueAsync(analyst);
        var items = queue["items"]!.AsArray();
        Assert.Equal(3, items.Count);
        Assert.Equal(minor, (string)items[0]!["report"]!["receipt"]!);
        Assert.True((bool)items[0]!["possibleMinor"]!);
        Assert.Equal("bankMatch", (string)items[1]!["kind"]!);
        Assert.Equal(first, (string)items[2]!["report"]!["receipt"]!);
    }

    [Fact]
    public async Task Decide_Audited_DecidedContentReturning_ClassifiedNotShown_OnlyCounted()
    {
        using var admin = await _factory.AdminAsync();
        using var analyst = await _factory.UserAsync(admin, "analyst", "ana");
        var sha = new byte[32];
        sha[0] = 1;
        var pdq = Hash256.Parse(ApiClient.Pdq(5));
        var first = await EnqueueAsync(new ReviewItemInput(ReviewItemKind.WebItem, "w1", Sha256: sha, Pdq: pdq));
        Assert.Equal(ReviewStatus.Open, first.Status);

        using (var decided = await analyst.PostAsJsonAsync($"/api/review/items/{first.Id}/decision", new { decision = "confirm", reason = "victim-registered photo" }, ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, decided.StatusCode);
        }

        using (var twice = await analyst.PostAsJsonAsync($"/api/review/items/{first.Id}/decision", new { decision = "notAbuse", reason = "again" }, ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        }

        // The same bytes; a near copy (PDQ 8 bits away); unrelated content (PDQ far).
        var exact = await EnqueueAsync(new ReviewItemInput(ReviewItemKind.WebItem, "w2", Sha256: sha));
        var nearWords = new ulong[4];
        pdq.CopyTo(nearWords);
        nearWords[0] ^= 0xFF;
        var near = await EnqueueAsync(new ReviewItemInput(ReviewItemKind.WebItem, "w3", Pdq: new Hash256(nearWords), PdqQuality: 100));
        var far = await EnqueueAsync(new ReviewItemInput(ReviewItemKind.WebItem, "w4", Pdq: pdq ^ Hash256.Parse(new string('f', 64)), PdqQuality: 100));

        // The same near copy with a PDQ too weak to compare on (quality under 50), or of unknown quality: not classified.
        var weak = await EnqueueAsync(new ReviewItemInput(ReviewItemKind.WebItem, "w5", Pdq: new Hash256(nearWords), PdqQuality: 30));
        var unknown = await EnqueueAsync(new ReviewItemInput(ReviewItemKind.WebItem, "w6", Pdq: new Hash256(nearWords)));
        Assert.Equal(ReviewStatus.AutoClassified, exact.Status);
        Assert.Equal(first.Id, exact.SameAsId);
        Assert.Equal(ReviewStatus.AutoClassified, near.Status);
        Assert.Equal(ReviewStatus.Open, far.Status);
        Assert.Equal((ReviewStatus.Open, (long?)null), (weak.Status, weak.SameAsId));
        Assert.Equal(ReviewStatus.Open, unknown.Status);

        var queue = await QueueAsync(analyst);
        var ids = queue["items"]!.AsArray().Select(i => (long)i!["id"]!).Order().ToList();
        Assert.Equal([far.Id, weak.Id, unknown.Id], ids);
        Assert.Equal(2, (int)queue["autoClassifiedCount"]!);
        using (var hidden = await analyst.GetAsync($"/api/review/items/{exact.Id}", ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        }

        var audit = await admin.AuditAsync();
        Assert.Contains(audit, e => (string)e["action"]! == "review.decided" && (string)e["subject"]! == $"review-item:{first.Id}" && (string)e["detail"]! == "decision=Confirm");
    }

    [Fact]
    public async Task ReportOfDecidedContent_StaysOpenForAnalysts_MarkedSeenBefore_IngestedCopyClassified()
    {
        using var admin = await _factory.AdminAsync();
        using var analyst = await _factory.UserAsync(admin, "analyst", "ana");
        using var anonymous = _factory.CreateClient();
        var screenshot = Evidence.EvidenceTests.Picture(21, 640, 480);
        var firstReceipt = await ReportWithScreenshotAsync(anonymous, screenshot, minor: false);
        var firstItem = (long)(await QueueAsync(analyst))["items"]!.AsArray().Single(i => (string?)i!["report"]?["receipt"] == firstReceipt)!["id"]!;
        using (var decided = await analyst.PostAsJsonAsync($"/api/review/items/{firstItem}/decision", new { decision = "confirm", reason = "registered photo" }, ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, decided.StatusCode);
        }

        // A new report, flagged "possible minor", with the same screenshot and a new room: shown first, marked as seen before.
        var again = await ReportWithScreenshotAsync(anonymous, screenshot, minor: true);
        var queue = await QueueAsync(analyst);
        var item = queue["items"]!.AsArray()[0]!;
        Assert.Equal(again, (string)item["report"]!["receipt"]!);
        Assert.Equal(firstItem, (long)item["seenBeforeId"]!);
        Assert.Equal("confirm", (string)item["seenBeforeDecision"]!);
        Assert.Equal(0, (int)queue["autoClassifiedCount"]!);

        // The queue page and the item page say so in Korean; no decision is preselected.
        var page = await analyst.GetStringAsync("/review", ApiClient.Ct);
        Assert.Contains($"이전에 본 콘텐츠: 항목 {firstItem}, 결정 피해물 확인", page, StringComparison.Ordinal);
        var itemPage = await analyst.GetStringAsync($"/review/{(long)item["id"]!}", ApiClient.Ct);
        Assert.Contains("이전 결정", itemPage, StringComparison.Ordinal);
        Assert.Contains("<option value selected>결정을 고르세요</option>", itemPage, StringComparison.Ordinal);

        // Ingested content with the same bytes is classified without being shown.
        var sha = System.Security.Cryptography.SHA256.HashData(screenshot);
        var ingested = await EnqueueAsync(new ReviewItemInput(ReviewItemKind.WebItem, "w-same", Sha256: sha));
        Assert.Equal((ReviewStatus.AutoClassified, (long?)firstItem), (ingested.Status, ingested.SameAsId));
    }

    private static async Task<string> ReportWithScreenshotAsync(HttpClient client, byte[] screenshot, bool minor)
    {
        using var form = new MultipartFormDataContent { { new StringContent("https://t.me/room/" + (minor ? "9" : "8")), "urls" }, { new StringContent("telegram"), "platform" }, { new StringContent(minor ? "true" : "false"), "possibleMinor" } };
        var part = new ByteArrayContent(screenshot);
        part.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        form.Add(part, "evidence", "shot.png");
        using var response = await client.PostAsync("/api/reports", form, ApiClient.Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (string)(await response.JsonAsync())["receipt"]!;
    }

    [Theory]
    [InlineData("{\"decision\":\"confirm\"}")]
    [InlineData("{\"decision\":\"confirm\",\"reason\":\"   \"}")]
    [InlineData("{\"decision\":\"delete\",\"reason\":\"x\"}")]
    [InlineData("{\"decision\":7,\"reason\":\"x\"}")]
    [InlineData("not json")]
    public async Task Decide_BadInput_400_ItemStaysOpen(string body)
    {
        using var admin = await _factory.AdminAsync();
        var item = await EnqueueAsync(new ReviewItemInput(ReviewItemKind.WebItem, "w1"));
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await admin.PostAsync($"/api/review/items/{item.Id}/decision", content, ApiClient.Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var queue = await QueueAsync(admin);
        Assert.Equal(1, (int)queue["openCount"]!);
    }

    [Fact]
    public async Task ReviewApiAndPages_EveryRole_OnlyAllowedRoles()
    {
        using var admin = await _factory.AdminAsync();
        using var analyst = await _factory.UserAsync(admin, "analyst", "ana");
        using var investigator = await _factory.UserAsync(admin, "investigator", "ivy");
        using var anonymous = _factory.CreateClient(new() { AllowAutoRedirect = false });
        using var victim = _factory.CreateClient(new() { AllowAutoRedirect = false });
        var (_, pin) = await victim.CreateCaseAsync(3);
        victim.DefaultRequestHeaders.Add("X-Case-Pin", pin);
        var receipt = await ReportAsync(anonymous, minor: true);
        var id = (long)(await QueueAsync(admin))["items"]!.AsArray()[0]!["id"]!;

        foreach (var (who, client) in new[] { ("anonymous", anonymous), ("victim PIN", victim) })
        {
            foreach (var path in new[] { "/api/review/items", $"/api/review/items/{id}" })
            {
                using var response = await client.GetAsync(path, ApiClient.Ct);
                Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{who} GET {path}: {(int)response.StatusCode}");
                Assert.DoesNotContain(receipt, await response.Content.ReadAsStringAsync(ApiClient.Ct), StringComparison.Ordinal);
            }

            using var decide = await client.PostAsJsonAsync($"/api/review/items/{id}/decision", new { decision = "confirm", reason = "x" }, ApiClient.Ct);
            Assert.Equal(HttpStatusCode.NotFound, decide.StatusCode);
            using var page = await client.GetAsync("/review", ApiClient.Ct);
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.StartsWith("/account/sign-in", page.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        }

        foreach (var client in new[] { analyst, investigator, admin })
        {
            Assert.Contains(receipt, await client.GetStringAsync("/api/review/items", ApiClient.Ct), StringComparison.Ordinal);
            Assert.Contains(receipt, await client.GetStringAsync("/review?culture=en", ApiClient.Ct), StringComparison.Ordinal);
        }

        // Investigators read and reveal, but only analysts and admins decide.
        using (var denied = await investigator.PostAsJsonAsync($"/api/review/items/{id}/decision", new { decision = "confirm", reason = "x" }, ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, denied.StatusCode);
        }

        using var allowed = await analyst.PostAsJsonAsync($"/api/review/items/{id}/decision", new { decision = "needsPolice", reason = "minor" }, ApiClient.Ct);
        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
    }

    [Fact]
    public async Task ItemPage_ScriptInReportText_RenderedInert_KoreanAndEnglish()
    {
        using var admin = await _factory.AdminAsync();
        using var anonymous = _factory.CreateClient();
        await ReportAsync(anonymous, minor: false, description: "<script>alert(1)</script><img src=x onerror=alert(2)>");
        var id = (long)(await QueueAsync(admin))["items"]!.AsArray()[0]!["id"]!;

        var english = await admin.GetStringAsync($"/review/{id}?culture=en", ApiClient.Ct);
        Assert.DoesNotContain("<script>alert(1)", english, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", english, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", english, StringComparison.Ordinal);
        Assert.Contains("Record decision", english, StringComparison.Ordinal);
        var korean = await admin.GetStringAsync($"/review/{id}?culture=ko", ApiClient.Ct);
        Assert.Contains("결정 기록", korean, StringComparison.Ordinal);
        Assert.Contains("검토 대기열", await admin.GetStringAsync("/review?culture=ko", ApiClient.Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueuePage_SignalPriorityScoresFrameTime_OrderedByPriority_ItemPageExplains_KoreanAndEnglish()
    {
        using var admin = await _factory.AdminAsync();
        var nudityOnly = await EnqueueAsync(new ReviewItemInput(ReviewItemKind.NudityTriage, "ingest:3", NudityScore: 0.93, Signal: "nudity", Priority: ReviewPriority.Compute(MatchSignal.Nudity, 0, 0.93)));
        var copy = await EnqueueAsync(new ReviewItemInput(ReviewItemKind.BankMatch, "ingest:1", MatchStrength: 0.9, NudityScore: 0.1, Signal: "pdq", Priority: ReviewPriority.Compute(MatchSignal.Pdq, 0.9, 0.1)));
        var face = await EnqueueAsync(new ReviewItemInput(ReviewItemKind.FaceMatch, "ingest:2", MatchStrength: 0.71, NudityScore: 0.86, Signal: "face", Priority: ReviewPriority.Compute(MatchSignal.Face, 0.71, 0.86), FrameAt: 9));

        var english = await admin.GetStringAsync("/review?culture=en", ApiClient.Ct);

        // Most urgent first: her face on sexual content, then the copy, then the unmatched sexual content.
        var order = System.Text.RegularExpressions.Regex.Matches(english, "data-signal=\"([a-z]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["face", "pdq", "nudity"], order);
        Assert.Contains("Signal", english, StringComparison.Ordinal);
        Assert.Contains("Enrolled face", english, StringComparison.Ordinal);
        Assert.Contains("frame at 9.0 s", english, StringComparison.Ordinal);
        Assert.Contains("face similarity 0.71", english, StringComparison.Ordinal);
        Assert.Contains("bank match 90", english, StringComparison.Ordinal);
        Assert.Contains("nudity 93", english, StringComparison.Ordinal);
        Assert.Contains(">Nudity", english, StringComparison.Ordinal);
        Assert.Contains(ReviewPriority.Compute(MatchSignal.Face, 0.71, 0.86).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture), english, StringComparison.Ordinal);
        var korean = await admin.GetStringAsync("/review?culture=ko", ApiClient.Ct);
        Assert.Contains("등록된 얼굴", korean, StringComparison.Ordinal);
        Assert.Contains("9.0초 지점 프레임", korean, StringComparison.Ordinal);
        Assert.Contains("얼굴 유사도 0.71", korean, StringComparison.Ordinal);

        // The item pages say the same, with why each is in the queue.
        var faceEn = await admin.GetStringAsync($"/review/{face.Id}?culture=en", ApiClient.Ct);
        Assert.Contains("data-signal=\"face\"", faceEn, StringComparison.Ordinal);
        Assert.Contains("face similarity 0.71", faceEn, StringComparison.Ordinal);
        Assert.Contains("frame at 9.0 s", faceEn, StringComparison.Ordinal);
        Assert.Contains("may be a new deepfake of her", faceEn, StringComparison.Ordinal);
        var nudityEn = await admin.GetStringAsync($"/review/{nudityOnly.Id}?culture=en", ApiClient.Ct);
        Assert.Contains("Nudity triage", nudityEn, StringComparison.Ordinal);
        Assert.Contains("may show a victim who has not registered", nudityEn, StringComparison.Ordinal);
        Assert.DoesNotContain("face similarity", nudityEn, StringComparison.Ordinal);
        var copyKo = await admin.GetStringAsync($"/review/{copy.Id}?culture=ko", ApiClient.Ct);
        Assert.Contains("대기열에 오른 이유", copyKo, StringComparison.Ordinal);
        Assert.Contains("PDQ 지문이 등록된 사진의 일치 반경 안에", copyKo, StringComparison.Ordinal);

        // The API lists the same signal, priority and frame time.
        var items = (await QueueAsync(admin))["items"]!.AsArray();
        Assert.Equal("face", (string)items[0]!["signal"]!);
        Assert.Equal(9.0, (double)items[0]!["frameAt"]!);
        Assert.Equal("nudityTriage", (string)items[2]!["kind"]!);
    }

    [Fact]
    public async Task QueuePage_MinorFlag_SaysAgeEstimateOrReporter_BothFirst_KoreanAndEnglish()
    {
        using var admin = await _factory.AdminAsync();
        using var anonymous = _factory.CreateClient();
        await EnqueueAsync(new ReviewItemInput(ReviewItemKind.BankMatch, "ingest:1", MatchStrength: 0.95, Signal: "pdq", Priority: ReviewPriority.Compute(MatchSignal.Pdq, 0.95, 0)));
        var young = await EnqueueAsync(new ReviewItemInput(ReviewItemKind.NudityTriage, "ingest:2", NudityScore: 0.9, Signal: "nudity", Priority: ReviewPriority.Compute(MatchSignal.Nudity, 0, 0.9), PossibleMinor: true, MinorAge: 16.6));
        var receipt = await ReportAsync(anonymous, minor: true);

        var english = await admin.GetStringAsync("/review?culture=en", ApiClient.Ct);
        var flags = System.Text.RegularExpressions.Regex.Matches(english, "data-minor=\"([a-z]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(2, flags.Count);
        Assert.Contains("age", flags);
        Assert.Contains("reporter", flags);
        Assert.Contains("May show a minor (age estimate ~17, automatic", english, StringComparison.Ordinal);
        Assert.Contains("Possible minor (flagged by reporter)", english, StringComparison.Ordinal);
        var korean = await admin.GetStringAsync("/review?culture=ko", ApiClient.Ct);
        Assert.Contains("추정 나이 약 17세, 자동", korean, StringComparison.Ordinal);
        Assert.Contains("미성년자 가능성 (신고자 표시)", korean, StringComparison.Ordinal);
        var itemKo = await admin.GetStringAsync($"/review/{young.Id}?culture=ko", ApiClient.Ct);
        Assert.Contains("data-minor=\"age\"", itemKo, StringComparison.Ordinal);
        Assert.Contains("추정 나이 약 17세", itemKo, StringComparison.Ordinal);

        // Both flagged items before the stronger unflagged match; the API carries the estimate.
        var items = (await QueueAsync(admin))["items"]!.AsArray();
        Assert.True((bool)items[0]!["possibleMinor"]! && (bool)items[1]!["possibleMinor"]!);
        Assert.False((bool)items[2]!["possibleMinor"]!);
        var automatic = items.Single(i => (long)i!["id"]! == young.Id)!;
        Assert.Equal(16.6, (double)automatic["minorAge"]!);
        Assert.Null(items.Single(i => (string?)i!["report"]?["receipt"] == receipt)!["minorAge"]);
    }
}
