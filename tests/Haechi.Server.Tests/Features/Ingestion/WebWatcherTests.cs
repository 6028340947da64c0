using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Haechi.Cli.Tests.Watching;
using Haechi.Media.Images;
using Microsoft.Extensions.DependencyInjection;

namespace Haechi.Server.Tests.Features.Ingestion;

/// <summary>
/// The web watcher as a server connector: watched sources over the admin API and pages, visits that
/// queue each media URL once into the ingestion pipeline, the scheduler on the server's clock, the
/// address policy, and hostile sites (thousands of links, endless pagination, huge images, redirect
/// loops, stalled responses) ending in bounded work and a clear status per source and item.
/// </summary>
public sealed class WebWatcherTests
{
    private static Dictionary<string, string> Settings(bool allowPrivate, bool worker = false, bool scheduler = false) => new(StringComparer.Ordinal)
    {
        ["Ingestion:AllowPrivateAddresses"] = allowPrivate ? "true" : "false",
        ["Ingestion:Worker"] = worker ? "true" : "false",
        ["Ingestion:WebWatcher"] = scheduler ? "true" : "false",
        ["Ingestion:WebWatcherPoll"] = "00:00:00.100",
        ["Ingestion:MaxAttempts"] = "1",
        ["Ingestion:RetryDelaySeconds"] = "0",
        ["Ingestion:FetchTimeout"] = "00:00:05",
        ["Ingestion:FetchStallTimeout"] = "00:00:01",
        ["Ingestion:WebMaxItemsPerVisit"] = "100",
        ["Ingestion:WebMaxPagesPerVisit"] = "5",
    };

    [Fact]
    public async Task SourcesApi_StaffOnly_Validated_VisitQueuesEachMediaUrlOnce_HealthAndAudit()
    {
        await using var site = await TestSite.StartAsync();
        await using var factory = new HaechiServerFactory(Settings(allowPrivate: true));
        try
        {
            using var admin = await factory.AdminAsync();
            using var analyst = await factory.UserAsync(admin, "analyst", "ana");
            using var investigator = await factory.UserAsync(admin, "investigator", "ivy");
            using var anonymous = factory.CreateClient(new() { AllowAutoRedirect = false });
            foreach (var client in new[] { anonymous, investigator })
            {
                using var list = await client.GetAsync("/api/admin/sources", ApiClient.Ct);
                Assert.Equal(HttpStatusCode.NotFound, list.StatusCode);
                using var add = await client.PostAsJsonAsync("/api/admin/sources", new { url = site.Url("gallery").AbsoluteUri }, ApiClient.Ct);
                Assert.Equal(HttpStatusCode.NotFound, add.StatusCode);
                using var ingest = await client.GetAsync("/api/admin/ingest/status", ApiClient.Ct);
                Assert.Equal(HttpStatusCode.NotFound, ingest.StatusCode);
            }

            foreach (var bad in new object[]
            {
                new { url = "ftp://example.org/", depth = 0, revisitSeconds = 3600 },
                new { url = "https://user:secret@example.org/", depth = 0, revisitSeconds = 3600 },
                new { url = "https://example.org/", depth = 21, revisitSeconds = 3600 },
                new { url = "https://example.org/", depth = 0, revisitSeconds = 5 },
            })
            {
                using var refused = await analyst.PostAsJsonAsync("/api/admin/sources", bad, ApiClient.Ct);
                Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            }

            site.File("/m/a.jpg", SyntheticImages.Jpeg(320, 240, 1));
            site.File("/m/b.jpg", SyntheticImages.Jpeg(320, 240, 2));
            site.File("/m/c.jpg", SyntheticImages.Jpeg(320, 240, 3));
            site.Page("/gallery", """<html><head><meta property="og:image" content="/m/a.jpg"></head><body><img src="/m/a.jpg"><img srcset="/m/b.jpg 1x"><a href="/gallery?page=2">다음</a></body></html>""");
            site.Page("/gallery?page=2", """<html><body><img src="/m/c.jpg"></body></html>""");

            var source = await analyst.AddSourceAsync(site.Url("gallery"), depth: 1);
            var id = (long)source["id"]!;
            Assert.Equal("pending", (string)source["health"]!);
            using (var duplicate = await analyst.PostAsJsonAsync("/api/admin/sources", new { url = site.Url("gallery").AbsoluteUri, depth = 0, revisitSeconds = 3600 }, ApiClient.Ct))
            {
                Assert.Equal(HttpStatusCode.BadRequest, duplicate.StatusCode);
            }

            // The first visit reads both pages and queues the three media URLs (a.jpg once although it appears twice).
            var visit = await analyst.VisitAsync(id);
            Assert.Equal(2, (int)visit["pages"]!);
            Assert.Equal(3, (int)visit["itemsFound"]!);
            Assert.Equal(3, (int)visit["itemsQueued"]!);
            Assert.Null(visit["error"]);
            Assert.Equal(0, site.MediaRequests); // the visit reads pages only; the pipeline fetches the media

            // A second visit finds the same URLs: nothing is queued twice.
            var again = await analyst.VisitAsync(id);
            Assert.Equal(3, (int)again["itemsFound"]!);
            Assert.Equal(0, (int)again["itemsQueued"]!);
            var status = await analyst.IngestStatusAsync();
            Assert.Equal(3, IngestTestClient.Count(status, "queued"));
            var items = (await analyst.GetFromJsonAsync<JsonArray>("/api/admin/ingest/items?source=web", ApiClient.Ct))!;
            Assert.Equal(3, items.Count);
            Assert.All(items, i => Assert.StartsWith(id.ToString(CultureInfo.InvariantCulture) + ":", (string)i!["sourceId"]!, StringComparison.Ordinal));

            var health = await analyst.SourceAsync(id);
            Assert.Equal("ok", (string)health["health"]!);
            Assert.Equal(2, (int)health["visits"]!);
            Assert.Equal(3, (long)health["itemsQueuedTotal"]!);
            Assert.NotNull(health["lastSuccessAt"]);

            // Disabling keeps the source and its health; the edit is audited without the URL.
            using (var disabled = await analyst.PutAsJsonAsync($"/api/admin/sources/{id}", new { url = site.Url("gallery").AbsoluteUri, depth = 1, revisitSeconds = 7200, enabled = false }, ApiClient.Ct))
            {
                Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
                var body = await disabled.JsonAsync();
                Assert.Equal("disabled", (string)body["health"]!);
                Assert.Equal(7200, (int)body["revisitSeconds"]!);
            }

            using (var missing = await analyst.PutAsJsonAsync("/api/admin/sources/999", new { url = "https://example.org/", depth = 0, revisitSeconds = 3600 }, ApiClient.Ct))
            {
                Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            }

            var audit = await admin.AuditAsync();
            var entries = audit.Where(e => ((string)e["action"]!).StartsWith("watch.source-", StringComparison.Ordinal)).ToList();
            Assert.Equal(2, entries.Count);
            Assert.All(entries, e => Assert.DoesNotContain("127.0.0.1", e.ToJsonString(), StringComparison.Ordinal));
        }
        finally
        {
            HaechiServerFactory.DeleteDirectory(factory.DataDirectory);
        }
    }

    [Fact]
    public async Task Scheduler_VisitsDueSources_OnTheServerClock_NotBeforeTheInterval_NotWhenDisabled()
    {
        await using var site = await TestSite.StartAsync();
        var clock = new ShiftedTimeProvider();
        await using var factory = new HaechiServerFactory(Settings(allowPrivate: true, scheduler: true), services: s => s.AddSingleton<TimeProvider>(clock));
        try
        {
            using var admin = await factory.AdminAsync();
            site.File("/m/a.jpg", SyntheticImages.Jpeg(320, 240, 1));
            site.File("/m/b.jpg", SyntheticImages.Jpeg(320, 240, 2));
            site.Page("/feed", """<html><body><img src="/m/a.jpg"></body></html>""");
            var id = (long)(await admin.AddSourceAsync(site.Url("feed"), revisitSeconds: 3600))["id"]!;

            // A new source is due at once.
            var first = await IngestTestClient.WaitForAsync(() => admin.SourceAsync(id), s => (int)s["visits"]! == 1, TimeSpan.FromSeconds(20), "the first visit");
            Assert.Equal(1, (int)first["lastItemsQueued"]!);

            // The page changes, but the interval has not passed: no visit.
            site.Page("/feed", """<html><body><img src="/m/a.jpg"><img src="/m/b.jpg"></body></html>""");
            await Task.Delay(1000, ApiClient.Ct);
            Assert.Equal(1, (int)(await admin.SourceAsync(id))["visits"]!);

            // One hour later by the server's clock: visited again, only the new image queued.
            clock.Advance(TimeSpan.FromSeconds(3601));
            var second = await IngestTestClient.WaitForAsync(() => admin.SourceAsync(id), s => (int)s["visits"]! == 2, TimeSpan.FromSeconds(20), "the second visit");
            Assert.Equal(2, (int)second["lastItemsFound"]!);
            Assert.Equal(1, (int)second["lastItemsQueued"]!);
            Assert.Equal(2, (long)second["itemsQueuedTotal"]!);

            // Disabled: however much time passes, no visit.
            using (var disabled = await admin.PutAsJsonAsync($"/api/admin/sources/{id}", new { url = site.Url("feed").AbsoluteUri, depth = 0, revisitSeconds = 3600, enabled = false }, ApiClient.Ct))
            {
                Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
            }

            clock.Advance(TimeSpan.FromHours(3));
            await Task.Delay(1000, ApiClient.Ct);
            Assert.Equal(2, (int)(await admin.SourceAsync(id))["visits"]!);
        }
        finally
        {
            HaechiServerFactory.DeleteDirectory(factory.DataDirectory);
        }
    }

    [Fact]
    public async Task Default_PrivateAddresses_Blocked_SourceFailing_ItemFailedWithCode_RetryAllOfThatCode()
    {
        await using var site = await TestSite.StartAsync();
        await using var factory = new HaechiServerFactory(Settings(allowPrivate: false, worker: true));
        try
        {
            using var admin = await factory.AdminAsync();
            site.Page("/gallery", """<html><body><img src="/m/a.jpg"></body></html>""");
            foreach (var url in new[] { site.Url("gallery"), new Uri("http://10.20.30.40/gallery"), new Uri("http://[::1]:9/") })
            {
                var id = (long)(await admin.AddSourceAsync(url))["id"]!;
                var visit = await admin.VisitAsync(id);
                Assert.Equal("blocked-private", (string)visit["error"]!);
                Assert.Equal(0, (int)visit["pages"]!);
                var health = await admin.SourceAsync(id);
                Assert.Equal("failing", (string)health["health"]!);
                Assert.Equal("blocked-private", (string)health["lastError"]!);
                Assert.Null(health["lastSuccessAt"]);
            }

            Assert.Equal(0, site.MediaRequests);

            // Media URLs on private addresses fail in the pipeline with their code, visible per code and per item.
            foreach (var url in new[] { "http://127.0.0.1:9/a.jpg", "http://10.0.0.1/b.jpg" })
            {
                using var queued = await admin.PostAsJsonAsync("/api/admin/ingest/items", new { url }, ApiClient.Ct);
                Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
            }

            var failed = await IngestTestClient.WaitForAsync(admin.IngestStatusAsync, s => IngestTestClient.Count(s, "failed") == 2, TimeSpan.FromSeconds(30), "two failures");
            Assert.Equal(2, (int)failed["failures"]!["blocked-private"]!);
            var failedItems = (await admin.GetFromJsonAsync<JsonArray>("/api/admin/ingest/items?state=failed", ApiClient.Ct))!;
            Assert.Equal(2, failedItems.Count);
            Assert.All(failedItems, i => Assert.Equal("blocked-private", (string)i!["lastError"]!));
            Assert.All(failedItems, i => Assert.Equal("queued", (string)i!["failedIn"]!));
            using (var badState = await admin.GetAsync("/api/admin/ingest/items?state=nonsense", ApiClient.Ct))
            {
                Assert.Equal(HttpStatusCode.BadRequest, badState.StatusCode);
            }

            var page = await admin.GetStringAsync("/admin/ingest?culture=en", ApiClient.Ct);
            Assert.Contains("blocked-private", page, StringComparison.Ordinal);
            Assert.Contains("Retry all with this code", page, StringComparison.Ordinal);
            Assert.Contains("name=\"__RequestVerificationToken\"", page, StringComparison.Ordinal);
            var sources = await admin.GetStringAsync("/admin/sources?culture=ko", ApiClient.Ct);
            Assert.Contains("실패", sources, StringComparison.Ordinal);
            Assert.Contains("blocked-private", sources, StringComparison.Ordinal);
            Assert.Contains("name=\"__RequestVerificationToken\"", sources, StringComparison.Ordinal);

            // One retry by item, then all of the code: each goes back and fails again the same way.
            using (var one = await admin.PostAsync($"/api/admin/ingest/items/{(long)failedItems[0]!["id"]!}/retry", null, ApiClient.Ct))
            {
                Assert.Equal(HttpStatusCode.NoContent, one.StatusCode);
            }

            await IngestTestClient.WaitForAsync(admin.IngestStatusAsync, s => IngestTestClient.Count(s, "failed") == 2, TimeSpan.FromSeconds(30), "the retried item failing again");
            using (var all = await admin.PostAsync("/api/admin/ingest/failures/blocked-private/retry", null, ApiClient.Ct))
            {
                Assert.Equal(2, (int)(await all.JsonAsync())["retried"]!);
            }

            using (var none = await admin.PostAsync("/api/admin/ingest/failures/no-such-code/retry", null, ApiClient.Ct))
            {
                Assert.Equal(0, (int)(await none.JsonAsync())["retried"]!);
            }

            var after = await IngestTestClient.WaitForAsync(admin.IngestStatusAsync, s => IngestTestClient.Count(s, "failed") == 2, TimeSpan.FromSeconds(30), "both failing again");
            Assert.Equal(0, (int)after["pending"]!);
        }
        finally
        {
            HaechiServerFactory.DeleteDirectory(factory.DataDirectory);
        }
    }

    [Fact]
    public async Task HostileSite_ThousandsOfLinks_EndlessPagination_Bombs_Loops_Stalls_BoundedWork_ClearStatus()
    {
        await using var site = await TestSite.StartAsync();
        await using var factory = new HaechiServerFactory(Settings(allowPrivate: true, worker: true));
        try
        {
            using var admin = await factory.AdminAsync();
            var many = new StringBuilder("<html><body>");
            for (var i = 0; i < 20_000; i++)
            {
                many.Append(CultureInfo.InvariantCulture, $"<img src=\"/many/{i}.jpg\"><a href=\"/many/{i}.jpg\">x</a>");
            }

            site.Page("/many", many.Append("</body></html>").ToString());
            for (var p = 1; p <= 50; p++)
            {
                site.Page($"/deep?page={p}", $"<html><body><a href=\"/deep?page={p + 1}\">다음</a></body></html>");
            }

            site.Page("/hostile-media", """<html><body><img src="/bomb.png"><img src="/endless.jpg"><img src="/slow.jpg"><img src="/loop/a.jpg"><img src="/chain/1.jpg"></body></html>""");

            var watch = Stopwatch.StartNew();
            var manyId = (long)(await admin.AddSourceAsync(site.Url("many")))["id"]!;
            var manyVisit = await admin.VisitAsync(manyId);
            Assert.Equal(1, (int)manyVisit["pages"]!);
            Assert.Equal(100, (int)manyVisit["itemsQueued"]!);
            Assert.True((int)manyVisit["itemsFound"]! <= 500, manyVisit.ToJsonString());
            Assert.True((bool)manyVisit["truncated"]!);

            var deepId = (long)(await admin.AddSourceAsync(site.Url("deep?page=1"), depth: 20))["id"]!;
            var deepVisit = await admin.VisitAsync(deepId);
            Assert.Equal(5, (int)deepVisit["pages"]!);
            Assert.True((bool)deepVisit["truncated"]!);

            var loopId = (long)(await admin.AddSourceAsync(site.Url("loop/a.jpg")))["id"]!;
            Assert.Equal("redirect-loop", (string)(await admin.VisitAsync(loopId))["error"]!);
            var slowId = (long)(await admin.AddSourceAsync(site.Url("slow.jpg")))["id"]!;
            var slow = (string)(await admin.VisitAsync(slowId))["error"]!;
            Assert.True(slow is "slow-response" or "not-media", slow);
            var missingId = (long)(await admin.AddSourceAsync(site.Url("gone")))["id"]!;
            Assert.Equal("http-404", (string)(await admin.VisitAsync(missingId))["error"]!);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), watch.Elapsed.ToString());

            // The hostile media go through the pipeline and each ends failed with its own code.
            var mediaId = (long)(await admin.AddSourceAsync(site.Url("hostile-media")))["id"]!;
            Assert.Equal(5, (int)(await admin.VisitAsync(mediaId))["itemsQueued"]!);
            var done = await IngestTestClient.WaitForAsync(admin.IngestStatusAsync, s => (int)s["pending"]! == 0, TimeSpan.FromSeconds(120), "the pipeline to finish");
            var failures = done["failures"]!.AsObject();
            Assert.Equal(100, (int)failures["http-status"]!); // the 100 queued links of /many are 404s
            Assert.Equal(1, (int)failures["too-many-pixels"]!);
            Assert.Equal(1, (int)failures["too-large"]!);
            Assert.Equal(1, (int)failures["slow-response"]!);
            Assert.Equal(1, (int)failures["redirect-loop"]!);
            Assert.Equal(1, (int)failures["too-many-redirects"]!);

            var sources = (await admin.GetFromJsonAsync<JsonArray>("/api/admin/sources", ApiClient.Ct))!.Select(s => s!.AsObject()).ToDictionary(s => (long)s["id"]!);
            Assert.Equal("ok", (string)sources[manyId]["health"]!);
            Assert.Equal("failing", (string)sources[loopId]["health"]!);
            Assert.Equal("failing", (string)sources[missingId]["health"]!);
            Assert.True((bool)sources[deepId]["lastTruncated"]!);

            // The server still answers.
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/health", ApiClient.Ct)).StatusCode);
        }
        finally
        {
            HaechiServerFactory.DeleteDirectory(factory.DataDirectory);
        }
    }
}
