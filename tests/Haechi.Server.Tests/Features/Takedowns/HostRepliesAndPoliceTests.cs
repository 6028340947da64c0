using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Haechi.Cli.Tests.Watching;
using Haechi.Core.Review;
using Haechi.Data;
using Haechi.Media.Images;
using Haechi.Pipeline.Review;
using Haechi.Server.Features.Takedowns;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Haechi.Server.Tests.Features.Takedowns;

/// <summary>
/// Host replies recorded by analysts and their effect on the notice loop (passes run here, one at a
/// time, with the background loop off), notices refused for gone content, police referrals from a
/// "needs police" decision and from the loop's escalation with their evidence package, and user
/// names shown instead of ids.
/// </summary>
public sealed class HostRepliesAndPoliceTests
{
    // The re-notify and re-check intervals are the shortest allowed (50 ms); each pass below waits longer than that first.
    private static Dictionary<string, string> Settings(int escalateAfter) => new(StringComparer.Ordinal)
    {
        ["Roles:Notices"] = "false",
        ["Takedowns:RecheckInterval"] = "00:00:00.050",
        ["Takedowns:RenotifyInterval"] = "00:00:00.050",
        ["Takedowns:EscalateAfterNotices"] = escalateAfter.ToString(CultureInfo.InvariantCulture),
        ["Takedowns:AllowPrivateAddresses"] = "true",
        ["Takedowns:Organisation"] = "해치 테스트 센터",
    };

    private static async Task<LoopPass> PassAsync(HaechiServerFactory factory)
    {
        await Task.Delay(120, ApiClient.Ct); // longer than both intervals, so everything due is due
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RunNoticeLoop>().ExecuteAsync(ApiClient.Ct);
    }

    private static async Task<long> ConfirmedWebItemAsync(HaechiServerFactory factory, HttpClient analyst, byte[] photo, Uri url, string source)
    {
        var pdq = new ImageFingerprinter().Fingerprint(photo).Pdq;
        Enqueued item;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            item = await scope.ServiceProvider.GetRequiredService<IReviewQueue>().EnqueueAsync(new ReviewItemInput(ReviewItemKind.WebItem, source, MatchStrength: 0.9, Sha256: SHA256.HashData(photo), Pdq: pdq, Url: url), ApiClient.Ct);
        }

        using var decided = await analyst.PostAsJsonAsync($"/api/review/items/{item.Id}/decision", new { decision = "confirm", reason = "registered photo" }, ApiClient.Ct);
        Assert.Equal(HttpStatusCode.NoContent, decided.StatusCode);
        return item.Id;
    }

    private static async Task<long> NoticeAsync(HttpClient analyst, long reviewItemId)
    {
        using var sent = await analyst.PostAsJsonAsync($"/api/takedowns/review-items/{reviewItemId}/notice", new { }, ApiClient.Ct);
        var body = await sent.JsonAsync();
        Assert.True(sent.StatusCode == HttpStatusCode.OK, body.ToJsonString());
        Assert.Equal("sent", (string)body["delivery"]!);
        return (long)body["noticedItemId"]!;
    }

    private static async Task<(HttpStatusCode Status, JsonObject Body)> ReplyAsync(HttpClient analyst, long noticedItemId, object reply)
    {
        using var response = await analyst.PostAsJsonAsync($"/api/takedowns/noticed-items/{noticedItemId}/replies", reply, ApiClient.Ct);
        return (response.StatusCode, await response.JsonAsync());
    }

    private static async Task<JsonObject> NoticedAsync(HttpClient client, long id) =>
        (await client.GetFromJsonAsync<JsonObject>($"/api/takedowns/noticed-items/{id}", ApiClient.Ct))!;

    private static async Task<string> UserIdAsync(HaechiServerFactory factory, string userName)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<HaechiDbContext>().Users.Where(u => u.UserName == userName).Select(u => u.Id).SingleAsync(ApiClient.Ct);
    }

    private static IReadOnlyList<string> WebhookUrls(byte[] body) => [.. JsonNode.Parse(body)!["items"]!.AsArray().Select(i => (string)i!["url"]!)];

    [Fact]
    public async Task HostReplies_StopTheNotices_MovedIsNoticedAnew_NotIllegalGetsASecondLook_RemovedIsVerified_GoneIsRefused()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var site = await TestSite.StartAsync();
        await using var factory = new HaechiServerFactory(Settings(escalateAfter: 10));
        try
        {
            using var admin = await factory.AdminAsync();
            using var analyst = await factory.UserAsync(admin, "analyst", "ana");
            var photos = Enumerable.Range(0, 4).Select(i => SyntheticImages.Jpeg(640, 480, 60 + i)).ToArray();
            string[] names = ["a", "b", "c", "d"];
            var reviewIds = new long[4];
            for (var i = 0; i < 4; i++)
            {
                site.File($"/img/{names[i]}.jpg", photos[i]);
                reviewIds[i] = await ConfirmedWebItemAsync(factory, analyst, photos[i], site.Url($"img/{names[i]}.jpg"), "watch-" + names[i]);
            }

            using (var contact = await analyst.PostAsJsonAsync("/api/takedowns/contacts", new { name = "로컬 호스팅", hosts = "127.0.0.1", webhookUrl = receiver.Url.AbsoluteUri, language = "ko" }, ApiClient.Ct))
            {
                Assert.Equal(HttpStatusCode.Created, contact.StatusCode);
            }

            var noticed = new long[4];
            for (var i = 0; i < 4; i++)
            {
                noticed[i] = await NoticeAsync(analyst, reviewIds[i]);
            }

            Assert.Equal(4, receiver.Received.Count);

            // a: "unavailable"; b: "moved" to b2 (noticed at once, same contact on the same host); c: "not illegal" needs the host's reason; d: "removed by host".
            var (status, body) = await ReplyAsync(analyst, noticed[0], new { kind = "unavailable" });
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("unavailable", (string)body["status"]!);

            site.File("/img/b2.jpg", photos[1]);
            var movedUrl = site.Url("img/b2.jpg").AbsoluteUri;
            (status, body) = await ReplyAsync(analyst, noticed[1], new { kind = "moved", movedToUrl = movedUrl });
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("moved", (string)body["status"]!);
            var movedItem = (long)body["movedToItemId"]!;
            Assert.NotNull(body["noticeId"]);
            Assert.Equal(5, receiver.Received.Count);
            Assert.Equal([movedUrl], WebhookUrls(receiver.Received.Last().Body));
            var moved = await NoticedAsync(analyst, movedItem);
            Assert.Equal(reviewIds[1], (long)moved["item"]!["reviewItemId"]!);
            Assert.Equal(noticed[1], (long)moved["movedFromId"]!);
            Assert.Equal("referredToHost", (string)moved["item"]!["status"]!);
            Assert.Equal("로컬 호스팅", (string)moved["contact"]!);

            (status, body) = await ReplyAsync(analyst, noticed[2], new { kind = "notIllegal" });
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.True(body["errors"]!.AsObject().ContainsKey("text"));
            (status, body) = await ReplyAsync(analyst, noticed[2], new { kind = "notIllegal", text = "Our policy allows satire." });
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("notIllegal", (string)body["status"]!);

            (status, body) = await ReplyAsync(analyst, noticed[3], new { kind = "removedByHost", text = "Deleted on request." });
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("referredToHost", (string)body["status"]!); // only the re-check marks it removed
            site.Remove("/img/d.jpg");

            // One pass: d is verified removed; a stays unavailable and, still served, is flagged; b and c are left alone; only b2 is re-notified.
            var before = receiver.Received.Count;
            var pass = await PassAsync(factory);
            Assert.Equal(1, pass.Removed);
            Assert.Equal(1, pass.Renotified);
            Assert.Equal(before + 1, receiver.Received.Count);
            Assert.Equal([movedUrl], WebhookUrls(receiver.Received.Last().Body));
            Assert.Equal("removed", (string)(await NoticedAsync(analyst, noticed[3]))["item"]!["status"]!);
            var a = await NoticedAsync(analyst, noticed[0]);
            Assert.Equal("unavailable", (string)a["item"]!["status"]!);
            Assert.True((bool)a["secondLook"]!);
            Assert.Contains(a["rechecks"]!.AsArray(), r => (string)r!["outcome"]! == "stillThere");
            var c = await NoticedAsync(analyst, noticed[2]);
            Assert.True((bool)c["secondLook"]!);
            Assert.Equal(1, (int)c["item"]!["noticesSent"]!);
            Assert.Equal(1, (int)(await NoticedAsync(analyst, noticed[1]))["item"]!["noticesSent"]!);

            // A second pass still sends nothing to a, b, c or d.
            await PassAsync(factory);
            Assert.All(receiver.Received.Skip(4), r => Assert.Equal([movedUrl], WebhookUrls(r.Body)));

            // A manual notice for gone content is refused, with a clear message in Korean and English.
            foreach (var i in new[] { 0, 1, 2, 3 })
            {
                using var refused = await analyst.PostAsJsonAsync($"/api/takedowns/review-items/{reviewIds[i]}/notice", new { }, ApiClient.Ct);
                Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
                Assert.Equal("content-gone", (string)(await refused.JsonAsync())["error"]!);
            }

            Assert.Contains("더 이상 통지하지 않습니다", await analyst.GetStringAsync($"/takedowns/send/{reviewIds[0]}?culture=ko", ApiClient.Ct), StringComparison.Ordinal);
            Assert.Contains("no more notices are sent", await analyst.GetStringAsync($"/takedowns/send/{reviewIds[3]}?culture=en", ApiClient.Ct), StringComparison.Ordinal);

            // A reply that does not fit the status is refused; the second look disputes "not illegal": notices resume.
            (status, _) = await ReplyAsync(analyst, noticed[3], new { kind = "moved", movedToUrl = site.Url("img/elsewhere.jpg").AbsoluteUri });
            Assert.Equal(HttpStatusCode.Conflict, status);
            using (var look = await analyst.PostAsJsonAsync($"/api/takedowns/noticed-items/{noticed[2]}/second-look", new { agree = false }, ApiClient.Ct))
            {
                Assert.Equal(HttpStatusCode.NoContent, look.StatusCode);
            }

            c = await NoticedAsync(analyst, noticed[2]);
            Assert.Equal("referredToHost", (string)c["item"]!["status"]!);
            Assert.False((bool)c["secondLook"]!);
            before = receiver.Received.Count;
            await PassAsync(factory);
            Assert.Contains(receiver.Received.Skip(before), r => WebhookUrls(r.Body).Contains(site.Url("img/c.jpg").AbsoluteUri));

            // The history names the analyst, never her id: on the noticed item's page, the takedowns page and the review item page.
            var anaId = await UserIdAsync(factory, "ana");
            Assert.Equal("ana", (string)c["replies"]![0]!["recordedBy"]!);
            Assert.Equal("ana", (string)c["notices"]![0]!["sentBy"]!);
            var itemPage = await analyst.GetStringAsync($"/takedowns/items/{noticed[2]}?culture=en", ApiClient.Ct);
            Assert.Contains("Host says not illegal", itemPage, StringComparison.Ordinal);
            Assert.Contains("Our policy allows satire.", itemPage, StringComparison.Ordinal);
            Assert.Contains("ana", itemPage, StringComparison.Ordinal);
            Assert.DoesNotContain(anaId, itemPage, StringComparison.Ordinal);
            var korean = await analyst.GetStringAsync($"/takedowns/items/{noticed[1]}?culture=ko", ApiClient.Ct);
            Assert.Contains("다른 URL로 이동", korean, StringComparison.Ordinal);
            Assert.Contains("KST", korean, StringComparison.Ordinal);
            var list = await analyst.GetStringAsync("/takedowns?culture=ko", ApiClient.Ct);
            Assert.Contains("호스트: 불법 아님", list, StringComparison.Ordinal);
            Assert.Contains($"/takedowns/items/{movedItem}", list, StringComparison.Ordinal);
            var reviewPage = await analyst.GetStringAsync($"/review/{reviewIds[1]}?culture=en", ApiClient.Ct);
            Assert.Contains("data-testid=\"notice-history\"", reviewPage, StringComparison.Ordinal);
            Assert.Contains("Moved to another URL", reviewPage, StringComparison.Ordinal);
            Assert.Contains(movedUrl, reviewPage, StringComparison.Ordinal);
            Assert.Contains("by ana", reviewPage, StringComparison.Ordinal);
            Assert.DoesNotContain(anaId, reviewPage, StringComparison.Ordinal);

            var audit = await admin.AuditAsync();
            Assert.Equal(4, audit.Count(e => (string)e["action"]! == "takedown.host-replied")); // the reply without a reason and the one that did not fit were not recorded
            Assert.Contains(audit, e => (string)e["action"]! == "takedown.second-look" && ((string)e["detail"]!).StartsWith("disputed", StringComparison.Ordinal));
        }
        finally
        {
            HaechiServerFactory.DeleteDirectory(factory.DataDirectory);
        }
    }

    [Fact]
    public async Task PendingNotice_ForContentThatWentAway_IsNotSent()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var factory = new HaechiServerFactory(Settings(escalateAfter: 10));
        try
        {
            using var admin = await factory.AdminAsync();
            using var analyst = await factory.UserAsync(admin, "analyst", "ana");
            var photo = SyntheticImages.Jpeg(640, 480, 71);
            var reviewId = await ConfirmedWebItemAsync(factory, analyst, photo, new Uri("https://cdn.platform.example/p/9.jpg"), "watch-p");
            using (var contact = await analyst.PostAsJsonAsync("/api/takedowns/contacts", new { name = "Platform", hosts = "platform.example", webhookUrl = receiver.Url.AbsoluteUri, language = "en" }, ApiClient.Ct))
            {
                Assert.Equal(HttpStatusCode.Created, contact.StatusCode);
            }

            // The platform is down: the notice waits for a retry; meanwhile the host answers "unavailable".
            receiver.Status = 503;
            long noticedId;
            using (var sent = await analyst.PostAsJsonAsync($"/api/takedowns/review-items/{reviewId}/notice", new { }, ApiClient.Ct))
            {
                var body = await sent.JsonAsync();
                Assert.Equal("pending", (string)body["delivery"]!);
                noticedId = (long)body["noticedItemId"]!;
            }

            var (status, reply) = await ReplyAsync(analyst, noticedId, new { kind = "unavailable" });
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("unavailable", (string)reply["status"]!);
            await using (var scope = factory.Services.CreateAsyncScope())
            {
                // The retry is due now.
                await scope.ServiceProvider.GetRequiredService<HaechiDbContext>().TakedownNotices.ExecuteUpdateAsync(u => u.SetProperty(n => n.NextAttemptAt, DateTimeOffset.UnixEpoch), ApiClient.Ct);
            }

            receiver.Status = 202;
            var attempts = receiver.Received.Count;
            await PassAsync(factory);
            Assert.Equal(attempts, receiver.Received.Count);
            var notices = (await analyst.GetFromJsonAsync<JsonObject>("/api/takedowns/notices", ApiClient.Ct))!;
            var notice = notices["notices"]!.AsArray().Single()!;
            Assert.Equal("failed", (string)notice["delivery"]!);
            Assert.Equal("content-gone", (string)notice["lastError"]!);
        }
        finally
        {
            HaechiServerFactory.DeleteDirectory(factory.DataDirectory);
        }
    }

    [Fact]
    public async Task NeedsPolice_CreatesAReferral_PackageHoldsContentFingerprintsAndCustody_HashesMatch_DownloadAudited()
    {
        await using var factory = new HaechiServerFactory();
        try
        {
            using var admin = await factory.AdminAsync();
            using var analyst = await factory.UserAsync(admin, "analyst", "ana");
            using var investigator = await factory.UserAsync(admin, "investigator", "ivy");
            var screenshot = ServerIntents.Screenshot(ServerIntents.Photo(81));
            await factory.PostReportAsync(screenshot, "https://site.example/post/1", possibleMinor: true);
            var item = (await factory.LatestReviewItemAsync())!;
            var itemId = (long)item["id"]!;
            using (var decided = await analyst.PostAsJsonAsync($"/api/review/items/{itemId}/decision", new { decision = "needsPolice", reason = "The person may be a minor." }, ApiClient.Ct))
            {
                Assert.Equal(HttpStatusCode.NoContent, decided.StatusCode);
            }

            // The queue: investigators and admins only.
            Assert.Equal(HttpStatusCode.NotFound, (await analyst.GetAsync("/api/police/referrals", ApiClient.Ct)).StatusCode);
            var referrals = (await investigator.GetFromJsonAsync<JsonArray>("/api/police/referrals", ApiClient.Ct))!;
            var referral = referrals.Single()!;
            var referralId = (long)referral["id"]!;
            Assert.Equal(itemId, (long)referral["reviewItemId"]!);
            Assert.Equal("decision", (string)referral["origin"]!);
            Assert.Equal("open", (string)referral["status"]!);
            Assert.Equal("ana", (string)referral["decidedBy"]!);
            Assert.Equal("The person may be a minor.", (string)referral["reason"]!);
            Assert.Equal(HttpStatusCode.NotFound, (await analyst.GetAsync($"/api/police/referrals/{referralId}/package", ApiClient.Ct)).StatusCode);

            // The package: every file's SHA-256 in the manifest and in SHA256SUMS matches its bytes.
            using var response = await investigator.GetAsync($"/api/police/referrals/{referralId}/package", ApiClient.Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/zip", response.Content.Headers.ContentType!.MediaType);
            var zipBytes = await response.Content.ReadAsByteArrayAsync(ApiClient.Ct);
            var zipSha = Convert.ToHexStringLower(SHA256.HashData(zipBytes));
            Assert.Equal(zipSha, response.Headers.GetValues("X-Package-SHA256").Single());
            var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            using (var zip = new ZipArchive(new MemoryStream(zipBytes), ZipArchiveMode.Read))
            {
                foreach (var entry in zip.Entries)
                {
                    var stream = await entry.OpenAsync(ApiClient.Ct);
                    await using var _ = stream;
                    using var copy = new MemoryStream();
                    await stream.CopyToAsync(copy, ApiClient.Ct);
                    files[entry.FullName] = copy.ToArray();
                }
            }

            Assert.Contains("content/1.jpg", files.Keys);
            Assert.Equal(0xFF, files["content/1.jpg"][0]);
            var manifest = JsonNode.Parse(files["manifest.json"])!;
            Assert.Equal(referralId, (long)manifest["referralId"]!);
            Assert.Equal("ana", (string)manifest["decidedBy"]!);
            Assert.Equal("ivy", (string)manifest["generatedBy"]!);
            var listed = manifest["files"]!.AsArray().Select(f => f!).ToList();
            Assert.Equal(["content/1.jpg", "fingerprints.json", "sightings.json", "custody.json"], listed.Select(f => (string)f["name"]!));
            foreach (var file in listed)
            {
                var bytes = files[(string)file["name"]!];
                Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), (string)file["sha256"]!);
                Assert.Equal(bytes.LongLength, (long)file["bytes"]!);
            }

            var sums = Encoding.ASCII.GetString(files["SHA256SUMS"]).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(5, sums.Length);
            foreach (var line in sums)
            {
                var (hash, name) = (line[..64], line[66..]);
                Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(files[name])), hash);
            }

            var fingerprints = JsonNode.Parse(files["fingerprints.json"])!;
            var content = files["content/1.jpg"];
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), (string)fingerprints["files"]![0]!["sha256"]!);
#pragma warning disable CA5351 // the package lists MD5 for hash-list exchange; checked here
            Assert.Equal(Convert.ToHexStringLower(MD5.HashData(content)), (string)fingerprints["files"]![0]!["md5"]!);
#pragma warning restore CA5351
            Assert.Matches("^[0-9a-f]{64}$", (string)fingerprints["pdq"]!);
            var sightings = JsonNode.Parse(files["sightings.json"])!;
            Assert.Equal("report", (string)sightings["provenance"]!["sourceKind"]!);
            var custody = JsonNode.Parse(files["custody.json"])!["entries"]!.AsArray();
            Assert.Contains(custody, e => (string)e!["action"]! == "review.decided" && (string)e["actorName"]! == "ana");
            Assert.Contains(custody, e => (string)e!["action"]! == "police.referred");
            Assert.Contains(custody, e => (string)e!["action"]! == "evidence.revealed" && (string)e["actorName"]! == "ivy");

            // The download is audited: the reveal of the content, and the package with the zip's SHA-256.
            var ivyId = await UserIdAsync(factory, "ivy");
            var audit = await admin.AuditAsync();
            Assert.Contains(audit, e => (string)e["action"]! == "evidence.revealed" && (string)e["actor"]! == "user:" + ivyId && (string)e["subject"]! == $"review-item:{itemId}");
            Assert.Contains(audit, e => (string)e["action"]! == "police.package-downloaded" && ((string)e["detail"]!).Contains("zip-sha256=" + zipSha, StringComparison.Ordinal));

            // Accept, then close; no way back. The page (Korean first) shows names, KST times, the package link.
            using (var accepted = await investigator.PostAsJsonAsync($"/api/police/referrals/{referralId}/status", new { status = "accepted" }, ApiClient.Ct))
            {
                Assert.Equal(HttpStatusCode.NoContent, accepted.StatusCode);
            }

            using (var again = await investigator.PostAsJsonAsync($"/api/police/referrals/{referralId}/status", new { status = "open" }, ApiClient.Ct))
            {
                Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
            }

            var page = await investigator.GetStringAsync("/police?culture=ko", ApiClient.Ct);
            Assert.Contains("경찰 회부", page, StringComparison.Ordinal);
            Assert.Contains("분석가 결정: 경찰 필요", page, StringComparison.Ordinal);
            Assert.Contains("접수됨", page, StringComparison.Ordinal);
            Assert.Contains("KST", page, StringComparison.Ordinal);
            Assert.Contains($"/api/police/referrals/{referralId}/package", page, StringComparison.Ordinal);
            Assert.Contains(">ana<", page, StringComparison.Ordinal);
            Assert.DoesNotContain(await UserIdAsync(factory, "ana"), page, StringComparison.Ordinal);
            using var anonymous = factory.CreateClient(new() { AllowAutoRedirect = false });
            Assert.Equal(HttpStatusCode.Redirect, (await anonymous.GetAsync("/police", ApiClient.Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await analyst.GetAsync("/police", ApiClient.Ct)).StatusCode);

            // The review item's decision line names the analyst, and its referral.
            var reviewPage = await analyst.GetStringAsync($"/review/{itemId}?culture=en", ApiClient.Ct);
            Assert.Contains("Decision: Needs police · by ana", reviewPage, StringComparison.Ordinal);
            Assert.Contains($"Police referral #{referralId}", reviewPage, StringComparison.Ordinal);
        }
        finally
        {
            HaechiServerFactory.DeleteDirectory(factory.DataDirectory);
        }
    }

    [Fact]
    public async Task LoopEscalation_CreatesOneReferral_WithTheNoticesInItsPackage()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var site = await TestSite.StartAsync();
        await using var factory = new HaechiServerFactory(Settings(escalateAfter: 1));
        try
        {
            using var admin = await factory.AdminAsync();
            using var analyst = await factory.UserAsync(admin, "analyst", "ana");
            var photo = SyntheticImages.Jpeg(640, 480, 91);
            site.File("/img/e.jpg", photo);
            var url = site.Url("img/e.jpg").AbsoluteUri;
            var reviewId = await ConfirmedWebItemAsync(factory, analyst, photo, new Uri(url), "watch-e");
            using (var contact = await analyst.PostAsJsonAsync("/api/takedowns/contacts", new { name = "로컬 호스팅", hosts = "127.0.0.1", webhookUrl = receiver.Url.AbsoluteUri, language = "ko" }, ApiClient.Ct))
            {
                Assert.Equal(HttpStatusCode.Created, contact.StatusCode);
            }

            var noticedId = await NoticeAsync(analyst, reviewId);
            var first = await PassAsync(factory);
            Assert.Equal(1, first.Escalated);
            var second = await PassAsync(factory);
            Assert.Equal(0, second.Escalated);
            Assert.True(second.Renotified >= 1);

            var referrals = (await admin.GetFromJsonAsync<JsonArray>("/api/police/referrals", ApiClient.Ct))!;
            var referral = referrals.Single()!;
            Assert.Equal("escalation", (string)referral["origin"]!);
            Assert.Equal(noticedId, (long)referral["noticedItemId"]!);
            Assert.Equal(url, (string)referral["url"]!);
            Assert.Equal("system:notice-loop", (string)referral["decidedBy"]!);
            var history = await NoticedAsync(analyst, noticedId);
            Assert.Equal("referredToPolice", (string)history["item"]!["status"]!);
            Assert.Equal((long)referral["id"]!, (long)history["referral"]!["id"]!);

            var zipBytes = await admin.GetByteArrayAsync($"/api/police/referrals/{(long)referral["id"]!}/package", ApiClient.Ct);
            using var zip = new ZipArchive(new MemoryStream(zipBytes), ZipArchiveMode.Read);
            using var reader = new StreamReader(await zip.GetEntry("sightings.json")!.OpenAsync(ApiClient.Ct));
            var sightings = JsonNode.Parse(await reader.ReadToEndAsync(ApiClient.Ct))!;
            var noticedJson = sightings["noticed"]!.AsArray().Single()!;
            Assert.Equal(url, (string)noticedJson["item"]!["url"]!);
            Assert.True(noticedJson["notices"]!.AsArray().Count >= 2);
            Assert.Equal("ana", (string)noticedJson["notices"]![0]!["sentBy"]!);
            Assert.Contains(noticedJson["rechecks"]!.AsArray(), r => (string)r!["outcome"]! == "stillThere");
        }
        finally
        {
            HaechiServerFactory.DeleteDirectory(factory.DataDirectory);
        }
    }
}
