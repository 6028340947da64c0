using System.Net;
using Haechi.Cli.Tests.Watching;
using Haechi.Media.Images;
using Haechi.Server.Tests.Features.Ingestion;

namespace Haechi.Server.Tests.Features.Hosting;

/// <summary>
/// Every role is on by default: a server on a fresh data directory, with no role setting, watches a
/// source added on the admin API and ingests its image; <c>/admin/roles</c> and <c>/api/health</c>
/// show each duty running; every page whose work needs a role that is off says so, in Korean and English.
/// </summary>
public sealed class OnByDefaultTests
{
    /// <summary>The page without the white space between tags, so rows read as one line.</summary>
    private static string Compact(string html) => System.Text.RegularExpressions.Regex.Replace(html, @">\s+<", "><");

    [Fact]
    public async Task FreshServer_NoRoleSettings_WatchesAnAddedSourceAndIngestsItsImage()
    {
        await using var site = await TestSite.StartAsync();
        // The only setting: the local test site is on a loopback address, which the fetcher refuses otherwise.
        await using var factory = new HaechiServerFactory(new(StringComparer.Ordinal) { ["Ingestion:AllowPrivateAddresses"] = "true" });
        try
        {
            Assert.Equal(["web", "pipeline", "watchers", "notices"], await factory.RolesAsync());
            using var admin = await factory.AdminAsync();
            site.File("/m/a.jpg", SyntheticImages.Jpeg(320, 240, 11));
            site.Page("/gallery", """<html><body><img src="/m/a.jpg"></body></html>""");

            // Added, never visited by hand: the scheduler visits it and the workers fetch and fingerprint the image.
            var id = (long)(await admin.AddSourceAsync(site.Url("gallery")))["id"]!;
            var source = await IngestTestClient.WaitForAsync(() => admin.SourceAsync(id), s => (int)s["visits"]! >= 1, TimeSpan.FromSeconds(30), "the scheduler's first visit");
            Assert.Equal(1, (int)source["lastItemsQueued"]!);
            var status = await IngestTestClient.WaitForAsync(admin.IngestStatusAsync, s => IngestTestClient.Count(s, "done") == 1, TimeSpan.FromSeconds(60), "the workers to ingest the image");
            Assert.Equal(0, (int)status["pending"]!);
            Assert.Equal(1, site.MediaRequests);

            var (_, health) = await factory.HealthAsync();
            var duties = health["duties"]!.AsArray().Select(d => d!.AsObject()).ToDictionary(d => (string)d["duty"]!, StringComparer.Ordinal);
            Assert.True((bool)duties["ingestionWorkers"]["running"]!);
            Assert.True((bool)duties["webWatcher"]["running"]!);
            Assert.NotNull(duties["webWatcher"]["lastPassAt"]);
            Assert.True((bool)duties["noticeLoop"]["running"]!);
            Assert.False(duties.ContainsKey("telegramPoller"));

            var page = Compact(await admin.GetStringAsync("/admin/roles?culture=en", ApiClient.Ct));
            Assert.Contains("<tr data-role=\"pipeline\"><td>pipeline (ingestion workers)</td><td><strong>on</strong></td><td>default (on)</td></tr>", page, StringComparison.Ordinal);
            Assert.Contains("<tr data-duty=\"WebWatcher\"><td>web watcher scheduler</td><td>on</td><td>yes</td>", page, StringComparison.Ordinal);
            Assert.Contains("Telegram is not configured", page, StringComparison.Ordinal);
            Assert.Contains("프로세스 역할과 상태", await admin.GetStringAsync("/admin/roles?culture=ko", ApiClient.Ct), StringComparison.Ordinal);
            foreach (var path in new[] { "/admin/sources", "/admin/ingest", "/takedowns", "/admin/users" })
            {
                var html = await admin.GetStringAsync(path + "?culture=en", ApiClient.Ct);
                Assert.Contains("href=\"/admin/roles\"", html, StringComparison.Ordinal);
                Assert.DoesNotContain("data-testid=\"role-off-", html, StringComparison.Ordinal);
            }
        }
        finally
        {
            HaechiServerFactory.DeleteDirectory(factory.DataDirectory);
        }
    }

    [Fact]
    public async Task RolesOff_PagesThatNeedThemSaySo_RolesPageNamesTheKeys()
    {
        await using var factory = new HaechiServerFactory(new(StringComparer.Ordinal)
        {
            ["Roles:Pipeline"] = "false",
            ["Ingestion:WebWatcher"] = "false",
            ["Roles:Notices"] = "false",
        });
        try
        {
            Assert.Equal(["web"], await factory.RolesAsync());
            using var admin = await factory.AdminAsync();
            foreach (var (path, roles) in new[] { ("/admin/sources", new[] { "watchers", "pipeline" }), ("/admin/ingest", ["pipeline"]), ("/takedowns", ["notices"]) })
            {
                var en = await admin.GetStringAsync(path + "?culture=en", ApiClient.Ct);
                var ko = await admin.GetStringAsync(path + "?culture=ko", ApiClient.Ct);
                foreach (var role in roles)
                {
                    Assert.Contains($"data-testid=\"role-off-{role}\"", en, StringComparison.Ordinal);
                }

                Assert.Contains(roles[0] switch { "watchers" => "The web watcher (watchers role) is off in this process", "pipeline" => "The ingestion workers (pipeline role) are off in this process", _ => "The notice loop (notices role) is off in this process" }, en, StringComparison.Ordinal);
                Assert.Contains("꺼져 있습니다", ko, StringComparison.Ordinal);
            }

            var page = Compact(await admin.GetStringAsync("/admin/roles?culture=en", ApiClient.Ct));
            Assert.Contains("<tr data-role=\"pipeline\"><td>pipeline (ingestion workers)</td><td><strong>off</strong></td><td><code>Roles:Pipeline=false</code></td></tr>", page, StringComparison.Ordinal);
            Assert.Contains("<tr data-role=\"watchers\"><td>watchers (web sources, Telegram)</td><td><strong>off</strong></td><td><code>Ingestion:WebWatcher=false</code></td></tr>", page, StringComparison.Ordinal);
            Assert.Contains("<tr data-duty=\"NoticeLoop\"><td>notice loop</td><td>off</td><td>no</td>", page, StringComparison.Ordinal);
            var (_, health) = await factory.HealthAsync();
            Assert.Empty(health["duties"]!.AsArray());

            using var anonymous = factory.CreateClient(new() { AllowAutoRedirect = false });
            using var refused = await anonymous.GetAsync("/admin/roles", ApiClient.Ct);
            Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);
        }
        finally
        {
            HaechiServerFactory.DeleteDirectory(factory.DataDirectory);
        }
    }
}
