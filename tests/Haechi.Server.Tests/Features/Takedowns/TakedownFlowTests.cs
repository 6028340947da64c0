using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Haechi.Cli.Tests.Watching;
using Haechi.Core.Hashing;
using Haechi.Core.Review;
using Haechi.Data;
using Haechi.Media.Images;
using Haechi.Pipeline.Review;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Haechi.Server.Tests.Features.Takedowns;

/// <summary>
/// The notice loop end to end on this machine: a victim registers photos, watched copies on a local
/// web site enter the review queue, an analyst confirms, notices go to a real SMTP server (aiosmtpd)
/// or a local webhook, the site removes one image, the re-check marks it removed, the other is
/// re-notified after the shortened interval and escalated, statistics and the victim's case show it.
/// </summary>
public sealed class TakedownFlowTests
{
    private static Dictionary<string, string> LoopSettings(int smtpPort) => new(StringComparer.Ordinal)
    {
        ["Takedowns:Smtp:Host"] = "127.0.0.1",
        ["Takedowns:Smtp:Port"] = smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Takedowns:Smtp:Security"] = "None",
        ["Takedowns:Smtp:From"] = "notices@haechi.test",
        ["Takedowns:Organisation"] = "해치 테스트 센터",
        ["Takedowns:LoopInterval"] = "00:00:00.200",
        ["Takedowns:RecheckInterval"] = "00:00:00.200",
        ["Takedowns:RenotifyInterval"] = "00:00:02",
        ["Takedowns:EscalateAfterNotices"] = "2",
        ["Takedowns:RetryDelay"] = "00:00:00.300",
        ["Takedowns:MaxAttempts"] = "4",
        ["Takedowns:AllowPrivateAddresses"] = "true",
    };

    private static async Task<Enqueued> EnqueueAsync(HaechiServerFactory factory, ReviewItemInput input)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IReviewQueue>().EnqueueAsync(input, ApiClient.Ct);
    }

    private static async Task<long> EntryIdAsync(HaechiServerFactory factory, string caseNumber, Hash256 pdq)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
        var entries = await db.BankEntries.AsNoTracking().Where(e => e.ExternalId == caseNumber).Select(e => new { e.Id, e.Signal }).ToListAsync(ApiClient.Ct);
        return entries.Single(e => e.Signal is not null && Hash256.Distance(Hash256.ReadBigEndian(e.Signal), pdq) == 0).Id;
    }

    private static async Task ConfirmAsync(HttpClient analyst, long id)
    {
        using var decided = await analyst.PostAsJsonAsync($"/api/review/items/{id}/decision", new { decision = "confirm", reason = "victim-registered photo" }, ApiClient.Ct);
        Assert.Equal(HttpStatusCode.NoContent, decided.StatusCode);
    }

    private static async Task<JsonObject> WaitForAsync(HttpClient client, string path, Func<JsonObject, bool> done, TimeSpan timeout)
    {
        var deadline = TimeProvider.System.GetUtcNow() + timeout;
        while (true)
        {
            var json = (await client.GetFromJsonAsync<JsonObject>(path, ApiClient.Ct))!;
            if (done(json))
            {
                return json;
            }

            Assert.True(TimeProvider.System.GetUtcNow() < deadline, $"timed out waiting on {path}: {json.ToJsonString()}");
            await Task.Delay(150, ApiClient.Ct);
        }
    }

    private static JsonObject Item(JsonObject notices, string url) =>
        notices["items"]!.AsArray().Select(i => i!.AsObject()).Single(i => (string)i["url"]! == url);

    [Fact]
    public async Task Notice_ToRealSmtp_SiteRemovesOne_RemovedAndTimed_OtherRenotifiedThenEscalated_StatsAndVictimSeeIt()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var site = await TestSite.StartAsync();
        await using var factory = new HaechiServerFactory(LoopSettings(smtp.Port));
        try
        {
            using var admin = await factory.AdminAsync();
            using var analyst = await factory.UserAsync(admin, "analyst", "ana");

            // The victim registers two photos (fingerprints only); the site serves them.
            var photoA = SyntheticImages.Jpeg(800, 600, 41);
            var photoB = SyntheticImages.Jpeg(800, 600, 42);
            var fingerprinter = new ImageFingerprinter();
            var pdqA = fingerprinter.Fingerprint(photoA).Pdq;
            var pdqB = fingerprinter.Fingerprint(photoB).Pdq;
            using var victim = factory.CreateClient();
            string caseNumber, pin;
            using (var created = await victim.PostAsJsonAsync("/api/cases", new { signals = new object[] { new { type = "pdq", hash = pdqA.ToString(), quality = 90 }, new { type = "pdq", hash = pdqB.ToString(), quality = 90 } }, language = "ko" }, ApiClient.Ct))
            {
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
                var body = await created.JsonAsync();
                (caseNumber, pin) = ((string)body["caseNumber"]!, (string)body["pin"]!);
            }

            site.File("/img/a.jpg", photoA);
            site.File("/img/b.jpg", photoB);
            var urlA = site.Url("img/a.jpg");
            var urlB = site.Url("img/b.jpg");

            // Watched copies enter the queue (as the ingestion pipeline will), the analyst confirms.
            var itemA = await EnqueueAsync(factory, new ReviewItemInput(ReviewItemKind.WebItem, "watch-a", MatchStrength: 0.97, Sha256: SHA256.HashData(photoA), Pdq: pdqA, MatchedEntryId: await EntryIdAsync(factory, caseNumber, pdqA), Url: urlA));
            var itemB = await EnqueueAsync(factory, new ReviewItemInput(ReviewItemKind.WebItem, "watch-b", MatchStrength: 0.95, Sha256: SHA256.HashData(photoB), Pdq: pdqB, MatchedEntryId: await EntryIdAsync(factory, caseNumber, pdqB), Url: urlB));
            await ConfirmAsync(analyst, itemA.Id);
            await ConfirmAsync(analyst, itemB.Id);

            using (var contact = await analyst.PostAsJsonAsync("/api/takedowns/contacts", new { name = "로컬 호스팅", hosts = "127.0.0.1", email = "abuse@host.test", language = "ko" }, ApiClient.Ct))
            {
                Assert.Equal(HttpStatusCode.Created, contact.StatusCode);
            }

            // Preview: the contact is chosen by host; the text names the URL and the legal basis.
            var preview = (await analyst.GetFromJsonAsync<JsonObject>($"/api/takedowns/review-items/{itemA.Id}/notice", ApiClient.Ct))!;
            Assert.Equal("로컬 호스팅", (string)preview["contact"]!["name"]!);
            Assert.Equal("email", (string)preview["channel"]!);
            Assert.Contains(urlA.AbsoluteUri, (string)preview["body"]!, StringComparison.Ordinal);
            Assert.Contains("제14조의2", (string)preview["body"]!, StringComparison.Ordinal);

            foreach (var id in new[] { itemA.Id, itemB.Id })
            {
                using var sent = await analyst.PostAsJsonAsync($"/api/takedowns/review-items/{id}/notice", new { }, ApiClient.Ct);
                Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
                Assert.Equal("sent", (string)(await sent.JsonAsync())["delivery"]!);
            }

            using (var twice = await analyst.PostAsJsonAsync($"/api/takedowns/review-items/{itemA.Id}/notice", new { }, ApiClient.Ct))
            {
                Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
            }

            // The SMTP server received both notices: Korean text, legal basis, item list, no image bytes.
            var mails = await smtp.WaitForAsync(2, TimeSpan.FromSeconds(15));
            var first = mails.Single(m => (m.Message.TextBody ?? string.Empty).Contains(urlA.AbsoluteUri, StringComparison.Ordinal));
            Assert.Equal("abuse@host.test", first.Recipients.Trim());
            Assert.Equal("abuse@host.test", first.Message.To.Mailboxes.Single().Address);
            Assert.Equal("notices@haechi.test", first.Message.From.Mailboxes.Single().Address);
            Assert.Contains("삭제 요청", first.Message.Subject, StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(first.Message.Headers["X-Haechi-Notice"]));
            Assert.Equal("ko", first.Message.Body!.Headers["Content-Language"]);
            var text = first.Message.TextBody;
            Assert.Contains("성폭력범죄의 처벌 등에 관한 특례법 제14조의2(허위영상물 등의 반포등)", text, StringComparison.Ordinal);
            Assert.Contains("정보통신망 이용촉진 및 정보보호 등에 관한 법률 제44조의2", text, StringComparison.Ordinal);
            Assert.Contains("PDQ: " + pdqA, text, StringComparison.Ordinal);
            Assert.Contains("SHA-256: " + Convert.ToHexStringLower(SHA256.HashData(photoA)), text, StringComparison.Ordinal);
            Assert.DoesNotContain(urlB.AbsoluteUri, text, StringComparison.Ordinal);
            Assert.Empty(first.Message.Attachments);
            Assert.Single(first.Message.BodyParts);
            Assert.Equal(-1, first.Raw.AsSpan().IndexOf(photoA.AsSpan(0, 64)));
            Assert.DoesNotContain(Convert.ToBase64String(photoA.AsSpan(0, 48)), Encoding.ASCII.GetString(first.Raw), StringComparison.Ordinal);
            var noticesJson = (await analyst.GetFromJsonAsync<JsonObject>("/api/takedowns/notices", ApiClient.Ct))!;
            Assert.Contains(noticesJson["notices"]!.AsArray(), n => (string)n!["messageId"]! == first.Message.MessageId);
            Assert.Equal("referredToHost", (string)Item(noticesJson, urlA.AbsoluteUri)["status"]!);

            // The host removes a.jpg: the re-check marks it removed, with a time to removal.
            site.Remove("/img/a.jpg");
            var afterRemoval = await WaitForAsync(analyst, "/api/takedowns/notices", j => (string)Item(j, urlA.AbsoluteUri)["status"]! == "removed", TimeSpan.FromSeconds(20));
            Assert.True((double)Item(afterRemoval, urlA.AbsoluteUri)["hoursToRemoval"]! > 0);

            // b stays up: re-notified after the 2 s interval (one notice listing only b), then escalated after 2 notices.
            var escalated = await WaitForAsync(analyst, "/api/takedowns/notices", j => (string)Item(j, urlB.AbsoluteUri)["status"]! == "referredToPolice", TimeSpan.FromSeconds(30));
            Assert.True((int)Item(escalated, urlB.AbsoluteUri)["noticesSent"]! >= 2);
            Assert.Equal(1, (int)Item(escalated, urlA.AbsoluteUri)["noticesSent"]!);
            mails = await smtp.WaitForAsync(4, TimeSpan.FromSeconds(15));
            var repeats = mails.Where(m => (m.Message.Subject ?? string.Empty).Contains("차 통지", StringComparison.Ordinal)).ToList();
            Assert.True(repeats.Count >= 2, string.Join(" | ", mails.Select(m => m.Message.Subject)));
            Assert.All(repeats, m =>
            {
                Assert.Contains(urlB.AbsoluteUri, m.Message.TextBody, StringComparison.Ordinal);
                Assert.DoesNotContain(urlA.AbsoluteUri, m.Message.TextBody, StringComparison.Ordinal);
            });
            Assert.Contains("(2차 통지)", repeats[0].Message.Subject, StringComparison.Ordinal);
            Assert.Contains(repeats, m => (m.Message.TextBody ?? string.Empty).Contains("수사기관에 회부", StringComparison.Ordinal));
            var audit = await admin.AuditAsync();
            Assert.Contains(audit, e => (string)e["action"]! == "takedown.notice-sent" && (string)e["subject"]! == $"review-item:{itemA.Id}");
            Assert.Contains(audit, e => (string)e["action"]! == "takedown.renotified");
            Assert.Contains(audit, e => (string)e["action"]! == "takedown.escalated");

            // Statistics: one removal on 127.0.0.1 with its time; the CSV carries the same figures; the page draws SVG.
            var stats = (await analyst.GetFromJsonAsync<JsonObject>("/api/takedowns/statistics", ApiClient.Ct))!;
            Assert.Equal(1, (int)stats["removals"]!);
            Assert.Equal(1, (int)stats["escalations"]!);
            var host = stats["byHost"]!.AsArray().Single()!;
            Assert.Equal("127.0.0.1", (string)host["key"]!);
            Assert.Equal(2, (int)host["noticed"]!);
            Assert.Equal(1, (int)host["removed"]!);
            var median = (double)host["medianHours"]!;
            Assert.True(median > 0 && median < 0.05, median.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(median, (double)host["p90Hours"]!);
            Assert.Equal("로컬 호스팅", (string)stats["byPlatform"]!.AsArray().Single()!["key"]!);
            var csv = await analyst.GetStringAsync("/stats.csv", ApiClient.Ct);
            Assert.Contains("removal_by_host,127.0.0.1,2,1," + Haechi.Server.Features.Takedowns.GetTakedownStatistics.Hours(median), csv, StringComparison.Ordinal);
            Assert.Contains("removal_by_platform,로컬 호스팅,2,1,", csv, StringComparison.Ordinal);
            Assert.Contains("open_by_age,UnderOneDay,1,,,", csv, StringComparison.Ordinal);
            Assert.Contains("items,removed,1,,,", csv, StringComparison.Ordinal);
            var page = await analyst.GetStringAsync("/stats?culture=ko", ApiClient.Ct);
            Assert.Contains("<svg", page, StringComparison.Ordinal);
            Assert.Contains("삭제까지 걸린 시간 (중앙값)", page, StringComparison.Ordinal);
            Assert.Contains("127.0.0.1", page, StringComparison.Ordinal);

            // The victim sees her case's progress as counts, never the URLs.
            using var caseResponse = await victim.SendWithPinAsync(HttpMethod.Get, "/api/cases/" + caseNumber, pin);
            var caseText = await caseResponse.Content.ReadAsStringAsync(ApiClient.Ct);
            var removal = JsonNode.Parse(caseText)!["removal"]!;
            Assert.Equal(2, (int)removal["noticed"]!);
            Assert.Equal(1, (int)removal["removed"]!);
            Assert.Equal(1, (int)removal["stillOnline"]!);

            // Her history says a copy was found, a removal request went out and a copy was removed;
            // each confirmed copy is listed with where its removal stands (times only).
            var events = JsonNode.Parse(caseText)!["history"]!.AsArray().Select(e => (string?)e!["event"]).ToList();
            Assert.Contains("matchFound", events);
            Assert.Equal(2, events.Count(e => e == "noticeSent"));
            Assert.Equal(1, events.Count(e => e == "removed"));
            var copies = JsonNode.Parse(caseText)!["copies"]!.AsArray();
            Assert.Equal(["noticeSent", "removed"], copies.Select(c => (string?)c!["state"]).Order(StringComparer.Ordinal));
            Assert.Equal("noticeSent", JsonNode.Parse(caseText)!["status"]!.GetValue<string>());
            Assert.DoesNotContain("127.0.0.1", caseText, StringComparison.Ordinal);
            Assert.DoesNotContain("img/", caseText, StringComparison.Ordinal);
        }
        finally
        {
            HaechiServerFactory.DeleteDirectory(factory.DataDirectory);
        }
    }

    [Fact]
    public async Task Webhook_SignedJson_FailureVisibleThenRetriedWithBackoff_NoImageBytes()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var factory = new HaechiServerFactory(LoopSettings(SmtpSink.FreePort()));
        try
        {
            using var admin = await factory.AdminAsync();
            using var analyst = await factory.UserAsync(admin, "analyst", "ana");
            var photo = SyntheticImages.Jpeg(640, 480, 7);
            var pdq = new ImageFingerprinter().Fingerprint(photo).Pdq;
            var url = new Uri("https://cdn.platform.example/p/123.jpg");
            var item = await EnqueueAsync(factory, new ReviewItemInput(ReviewItemKind.WebItem, "watch-w", Sha256: SHA256.HashData(photo), Pdq: pdq, Url: url));
            await ConfirmAsync(analyst, item.Id);
            using (var contact = await analyst.PostAsJsonAsync("/api/takedowns/contacts", new { name = "Platform", hosts = "platform.example", webhookUrl = receiver.Url.AbsoluteUri, webhookSecret = "hook-secret", language = "en" }, ApiClient.Ct))
            {
                Assert.Equal(HttpStatusCode.Created, contact.StatusCode);
                Assert.DoesNotContain("hook-secret", await contact.Content.ReadAsStringAsync(ApiClient.Ct), StringComparison.Ordinal);
            }

            // The platform is down: the failure is recorded and visible, the item is not counted as noticed.
            receiver.Status = 503;
            using (var sent = await analyst.PostAsJsonAsync($"/api/takedowns/review-items/{item.Id}/notice", new { }, ApiClient.Ct))
            {
                var body = await sent.JsonAsync();
                Assert.Equal("pending", (string)body["delivery"]!);
                Assert.Equal("http-503", (string)body["error"]!);
            }

            var pending = (await analyst.GetFromJsonAsync<JsonObject>("/api/takedowns/notices", ApiClient.Ct))!;
            var notice = pending["notices"]!.AsArray().Single()!;
            Assert.Equal("http-503", (string)notice["lastError"]!);
            Assert.NotNull(notice["nextAttemptAt"]);
            Assert.Equal("new", (string)pending["items"]!.AsArray().Single()!["status"]!);
            Assert.Contains("http-503", await analyst.GetStringAsync("/takedowns?culture=en", ApiClient.Ct), StringComparison.Ordinal);

            // The platform recovers: the loop retries and the notice is delivered.
            receiver.Status = 202;
            var delivered = await WaitForAsync(analyst, "/api/takedowns/notices", j => (string)j["notices"]!.AsArray().Single()!["delivery"]! == "sent", TimeSpan.FromSeconds(20));
            Assert.True((int)delivered["notices"]!.AsArray().Single()!["attempts"]! >= 2);
            Assert.Equal("referredToHost", (string)delivered["items"]!.AsArray().Single()!["status"]!);

            var (raw, signature, contentType) = receiver.Received.Last();
            Assert.StartsWith("application/json", contentType, StringComparison.Ordinal);
            Assert.Equal("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData("hook-secret"u8, raw)), signature);
            var json = JsonNode.Parse(raw)!;
            Assert.Equal(url.AbsoluteUri, (string)json["items"]![0]!["url"]!);
            Assert.Equal(pdq.ToString(), (string)json["items"]![0]!["pdq"]!);
            Assert.Contains("Article 14-2", (string)json["text"]!, StringComparison.Ordinal);
            Assert.Equal(-1, raw.AsSpan().IndexOf(photo.AsSpan(0, 64)));
            Assert.DoesNotContain(Convert.ToBase64String(photo.AsSpan(0, 48)), Encoding.UTF8.GetString(raw), StringComparison.Ordinal);
        }
        finally
        {
            HaechiServerFactory.DeleteDirectory(factory.DataDirectory);
        }
    }

    [Fact]
    public async Task TakedownApiAndPages_OnlyStaff_OnlyDecidersSend_UnconfirmedItems404()
    {
        await using var factory = new HaechiServerFactory();
        try
        {
            using var admin = await factory.AdminAsync();
            using var investigator = await factory.UserAsync(admin, "investigator", "ivy");
            using var anonymous = factory.CreateClient(new() { AllowAutoRedirect = false });
            var open = await EnqueueAsync(factory, new ReviewItemInput(ReviewItemKind.WebItem, "w", Url: new Uri("https://x.example/a.jpg")));
            foreach (var path in new[] { "/api/takedowns/contacts", "/api/takedowns/notices", "/api/takedowns/statistics" })
            {
                using var response = await anonymous.GetAsync(path, ApiClient.Ct);
                Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode}");
            }

            foreach (var path in new[] { "/stats", "/stats.csv", "/takedowns" })
            {
                using var page = await anonymous.GetAsync(path, ApiClient.Ct);
                Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
                Assert.StartsWith("/account/sign-in", page.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
            }

            Assert.Equal(HttpStatusCode.OK, (await investigator.GetAsync("/api/takedowns/statistics", ApiClient.Ct)).StatusCode);
            using (var denied = await investigator.PostAsJsonAsync("/api/takedowns/contacts", new { name = "x", hosts = "x.example", email = "a@x.example" }, ApiClient.Ct))
            {
                Assert.Equal(HttpStatusCode.NotFound, denied.StatusCode);
            }

            // An item not confirmed has no notice.
            using (var preview = await admin.GetAsync($"/api/takedowns/review-items/{open.Id}/notice", ApiClient.Ct))
            {
                Assert.Equal(HttpStatusCode.NotFound, preview.StatusCode);
            }

            using (var bad = await admin.PostAsJsonAsync("/api/takedowns/contacts", new { name = "x", hosts = "nothing", email = "not-an-email" }, ApiClient.Ct))
            {
                Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            }

            var korean = await admin.GetStringAsync("/takedowns?culture=ko", ApiClient.Ct);
            Assert.Contains("플랫폼 연락처", korean, StringComparison.Ordinal);
        }
        finally
        {
            HaechiServerFactory.DeleteDirectory(factory.DataDirectory);
        }
    }
}
