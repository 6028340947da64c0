using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Haechi.Cli.Tests.Watching;
using Haechi.Core.Review;
using Haechi.Data;
using Haechi.Data.Review;
using Haechi.Media.Images;
using Haechi.Server.Tests.Features.Ingestion;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Haechi.Server.Tests.Features.Reports;

/// <summary>
/// Reports are followed: each link of a public report is stored with the report (one transaction),
/// visited by the web watcher through the safe fetcher, crawled a little, and its media fingerprinted
/// and matched like web items; what is found is linked to the report (provenance names its receipt,
/// the page and the media; the report's page lists each link's status). Public Telegram channel links
/// are read through the channel's web preview (a local stand-in here) and their items are known by
/// their <c>t.me/{channel}/{post}</c> links.
/// </summary>
public sealed partial class ReportFollowUpTests
{
    private static Dictionary<string, string> Settings(Uri? telegramPreview = null, bool watcher = true) => new(StringComparer.Ordinal)
    {
        ["Ingestion:AllowPrivateAddresses"] = "true",
        ["Ingestion:Worker"] = watcher ? "true" : "false",
        ["Ingestion:WebWatcher"] = watcher ? "true" : "false",
        ["Ingestion:WebWatcherPoll"] = "00:00:00.100",
        ["Ingestion:MaxAttempts"] = "1",
        ["Ingestion:RetryDelaySeconds"] = "0",
        ["Ingestion:FetchTimeout"] = "00:00:05",
        ["Ingestion:TelegramPreviewBase"] = telegramPreview?.AbsoluteUri ?? "https://t.me",
    };

    [Fact]
    public async Task WebFormReport_LinkToAPageWithAnEditedCopy_FollowedMatchedToTheVictim_LinkedToTheReport()
    {
        await using var site = await TestSite.StartAsync();
        await using var factory = new HaechiServerFactory(Settings());
        try
        {
            var photo = SyntheticImages.Jpeg(900, 700, 41); // detailed enough for a good PDQ (quality over 50)
            var victim = await factory.RegisterCaseAsync(photo);
            site.File("/m/copy.jpg", ServerIntents.Screenshot(photo));
            site.File("/m/other.jpg", SyntheticImages.Jpeg(320, 240, 5));
            site.Page("/post", """<html><body><img src="/m/copy.jpg"><img src="/m/other.jpg"></body></html>""");
            site.Page("/empty", "<html><body><p>nothing here</p></body></html>");

            // The public web form, as a reporter sends it: three links.
            using var client = factory.CreateClient();
            var form = await client.GetStringAsync("/report?culture=en", ApiClient.Ct);
            using var content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "report",
                ["__RequestVerificationToken"] = AntiforgeryToken().Match(form).Groups[1].Value,
                ["Form.Urls"] = string.Join('\n', site.Url("post").AbsoluteUri, site.Url("empty").AbsoluteUri, site.Url("missing").AbsoluteUri),
                ["Form.Platform"] = "Website",
            });
            using var posted = await client.PostAsync("/report?culture=en", content, ApiClient.Ct);
            var html = await posted.Content.ReadAsStringAsync(ApiClient.Ct);
            var receipt = Regex.Match(html, "data-testid=\"receipt\">(HR-[0-9A-Z]{5}-[0-9A-Z]{5})<").Groups[1].Value;
            Assert.NotEmpty(receipt);
            Assert.Contains("href=\"/report/status\"", html, StringComparison.Ordinal);

            // The copy on the linked page becomes a web item, matched to the victim's entry, with its URL (so it can be noticed).
            var ingested = await IngestTestClient.WaitForAsync(() => ReportIngestAsync(factory), items => items.Count == 2 && items.All(Finished), TimeSpan.FromSeconds(60), "the linked page's media ingested");
            var found = await FindAsync(factory, r => r.Url != null && r.Url.EndsWith("/m/copy.jpg"));
            Assert.True(found is not null, Describe(ingested));
            Assert.Equal(ReviewItemKind.WebItem, found.Kind);
            Assert.Contains(found.MatchedEntryId!.Value, await EntriesOfAsync(factory, victim.CaseNumber));
            Assert.False(found.PossibleMinor);
            var reportItem = (await FindAsync(factory, r => r.Kind == ReviewItemKind.Report))!;
            Assert.Equal(site.Url("post").AbsoluteUri, reportItem.Url); // the report's own item is known by its first link

            using var admin = await factory.AdminAsync();
            var provenance = (await admin.GetFromJsonAsync<JsonObject>($"/api/review/items/{found.Id}/provenance", ApiClient.Ct))!;
            Assert.Equal("report", (string)provenance["sourceKind"]!);
            Assert.Equal(site.Url("m/copy.jpg").AbsoluteUri, (string)provenance["url"]!);
            Assert.Equal(site.Url("post").AbsoluteUri, (string)provenance["page"]!);
            Assert.Equal(receipt, (string)provenance["report"]!["receipt"]!);
            Assert.Equal(reportItem.Id, (long)provenance["report"]!["reviewItemId"]!);
            var itemPage = await admin.GetStringAsync($"/review/{found.Id}?culture=en", ApiClient.Ct);
            Assert.Contains($"data-receipt=\"{receipt}\"", itemPage, StringComparison.Ordinal);
            Assert.Contains(site.Url("post").AbsoluteUri, itemPage, StringComparison.Ordinal);

            // The report's page lists each link with its status: fetched (with the found item), nothing found, failed with its reason.
            await IngestTestClient.WaitForAsync(() => admin.IngestStatusAsync(), s => (int)s["pending"]! == 0, TimeSpan.FromSeconds(60), "the pipeline to finish");
            var reportPage = await IngestTestClient.WaitForAsync(
                () => admin.GetStringAsync($"/review/{reportItem.Id}?culture=en", ApiClient.Ct),
                p => p.Contains("data-status=\"failed\"", StringComparison.Ordinal) && p.Contains("data-status=\"nothing\"", StringComparison.Ordinal),
                TimeSpan.FromSeconds(30), "every link visited");
            Assert.Contains("data-status=\"fetched\"", reportPage, StringComparison.Ordinal);
            Assert.Contains($"href=\"/review/{found.Id}\"", reportPage, StringComparison.Ordinal);
            Assert.Contains("http-404", reportPage, StringComparison.Ordinal);
            Assert.Contains("no match", reportPage, StringComparison.Ordinal); // other.jpg was fetched and matched nothing

            // Her receipt says "under review" (content found at her links waits), then "action taken" once it is confirmed.
            Assert.Equal("underReview", (string)(await StatusAsync(client, receipt))["state"]!);
            using (var decided = await admin.PostAsJsonAsync($"/api/review/items/{found.Id}/decision", new { decision = "confirm", reason = "the registered photo" }, ApiClient.Ct))
            {
                Assert.Equal(HttpStatusCode.NoContent, decided.StatusCode);
            }

            Assert.Equal("actionTaken", (string)(await StatusAsync(client, receipt))["state"]!);
        }
        finally
        {
            HaechiServerFactory.DeleteDirectory(factory.DataDirectory);
        }
    }

    [Fact]
    public async Task TelegramChannelLinks_ReadThroughTheWebPreview_ItemsKnownByTheirPostLinks()
    {
        await using var site = await TestSite.StartAsync();
        await using var factory = new HaechiServerFactory(Settings(site.BaseUrl));
        try
        {
            var photo = SyntheticImages.Jpeg(900, 700, 42);
            await factory.RegisterCaseAsync(photo);
            site.File("/tg/7.jpg", ServerIntents.Screenshot(photo));
            site.File("/tg/8.jpg", SyntheticImages.Jpeg(320, 240, 8));
            site.File("/tg/avatar.jpg", SyntheticImages.Jpeg(64, 64, 9));
            var preview = $"""
                <html><head><meta property="og:image" content="{site.Url("tg/avatar.jpg")}"></head><body>
                <div class="tgme_widget_message_wrap"><div class="tgme_widget_message" data-post="leakroom/7">
                  <a class="tgme_widget_message_photo_wrap" href="https://t.me/leakroom/7" style="width:640px;background-image:url('{site.Url("tg/7.jpg")}')"></a>
                </div></div>
                <div class="tgme_widget_message_wrap"><div class="tgme_widget_message" data-post="leakroom/8">
                  <a class="tgme_widget_message_photo_wrap" href="https://t.me/leakroom/8" style="background-image:url({site.Url("tg/8.jpg")})"></a>
                </div></div>
                </body></html>
                """;
            site.Page("/s/leakroom", preview);
            site.Page("/s/leakroom/8", preview);

            using var client = factory.CreateClient();
            using (var response = await client.PostAsJsonAsync("/api/reports", new { urls = (string[])["https://t.me/leakroom"], platform = "telegram", possibleMinor = true }, ApiClient.Ct))
            {
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            }

            // The post with the copy becomes an item known by its t.me link.
            var first = await IngestTestClient.WaitForAsync(() => ReportIngestAsync(factory), items => items.Count == 2 && items.All(Finished), TimeSpan.FromSeconds(60), "the channel's posts ingested");
            var found = await FindAsync(factory, r => r.Url == "https://t.me/leakroom/7");
            Assert.True(found is not null, Describe(first));
            Assert.Equal(ReviewItemKind.WebItem, found.Kind);
            Assert.NotNull(found.MatchedEntryId);
            Assert.True(found.PossibleMinor); // found at the link of a report flagged "possible minor": reviewed first too
            using var admin = await factory.AdminAsync();
            var provenance = (await admin.GetFromJsonAsync<JsonObject>($"/api/review/items/{found.Id}/provenance", ApiClient.Ct))!;
            Assert.Equal("https://t.me/leakroom/7", (string)provenance["telegramLink"]!);
            Assert.Equal(site.Url("tg/7.jpg").AbsoluteUri, (string)provenance["url"]!);

            // A link to one post takes that post's media only (not the channel picture, not the other posts).
            using (var response = await client.PostAsJsonAsync("/api/reports", new { urls = (string[])["https://t.me/leakroom/8"], platform = "telegram" }, ApiClient.Ct))
            {
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            }

            await IngestTestClient.WaitForAsync(() => ReportIngestAsync(factory), items => items.Count == 3 && items.All(Finished), TimeSpan.FromSeconds(60), "both reports' media ingested");
            var ingested = await ReportIngestAsync(factory);
            Assert.Equal(["https://t.me/leakroom/7", "https://t.me/leakroom/8", "https://t.me/leakroom/8"], ingested.Select(i => i.Link).Order(StringComparer.Ordinal));
            Assert.DoesNotContain(ingested, i => i.Url!.EndsWith("avatar.jpg", StringComparison.Ordinal));
        }
        finally
        {
            HaechiServerFactory.DeleteDirectory(factory.DataDirectory);
        }
    }

    [Fact]
    public async Task ReportAndItsLinks_CommitTogether_TheFollowUpIsStoredWhenTheReceiptIsGiven()
    {
        await using var factory = new HaechiServerFactory(Settings(watcher: false));
        try
        {
            using var client = factory.CreateClient();
            var links = new[] { "https://example.org/a", "https://t.me/some_room/5", "https://example.org/b.jpg" };
            using var response = await client.PostAsJsonAsync("/api/reports", new { urls = links, platform = "website" }, ApiClient.Ct);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            var receipt = (string)(await response.JsonAsync())["receipt"]!;

            using var scope = factory.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
            var report = await db.Reports.AsNoTracking().SingleAsync(r => r.Receipt == receipt, ApiClient.Ct);
            var stored = await db.ReportLinks.AsNoTracking().Where(l => l.ReportId == report.Id).OrderBy(l => l.Position).ToListAsync(ApiClient.Ct);
            Assert.Equal(links, stored.Select(l => l.Url));
            Assert.Equal([0, 1, 2], stored.Select(l => l.Position));
            Assert.All(stored, l => Assert.Equal(report.CreatedAt.ToUnixTimeMilliseconds(), l.NextVisitAt)); // due at once
            Assert.All(stored, l => Assert.Equal(report.CreatedAt + TimeSpan.FromDays(30), l.FollowUntil));
            Assert.All(stored, l => Assert.Equal(0, l.Visits));
            var item = await db.ReviewItems.AsNoTracking().SingleAsync(r => r.Kind == ReviewItemKind.Report && r.SourceId == report.Id.ToString(CultureInfo.InvariantCulture), ApiClient.Ct);
            Assert.Equal(links[0], item.Url);
        }
        finally
        {
            HaechiServerFactory.DeleteDirectory(factory.DataDirectory);
        }
    }

    [Fact]
    public async Task ReceiptStatus_ReceivedUnderReviewActionTaken_DateInKst_NothingElse_UnknownReceipt()
    {
        await using var factory = new HaechiServerFactory(Settings(watcher: false));
        try
        {
            using var client = factory.CreateClient();
            var first = await ReportAsync(client, "https://example.org/first");
            var second = await ReportAsync(client, "https://example.org/second");

            var received = await StatusAsync(client, first);
            Assert.Equal("received", (string)received["state"]!);
            var since = DateTimeOffset.Parse((string)received["since"]!, CultureInfo.InvariantCulture);
            Assert.Equal(since.ToOffset(TimeSpan.FromHours(9)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " KST", (string)received["date"]!);
            Assert.Equal(["date", "since", "state"], received.Select(p => p.Key).Order(StringComparer.Ordinal));
            Assert.DoesNotContain("example.org", received.ToJsonString(), StringComparison.Ordinal);

            using var admin = await factory.AdminAsync();
            await DecideAsync(factory, admin, first, "notAbuse");
            await DecideAsync(factory, admin, second, "confirm");
            Assert.Equal("underReview", (string)(await StatusAsync(client, first))["state"]!);
            Assert.Equal("actionTaken", (string)(await StatusAsync(client, second))["state"]!);

            // Unknown and malformed receipts get the same answer, which reveals nothing.
            foreach (var unknown in new[] { "HR-00000-00000", "not-a-receipt" })
            {
                using var missing = await client.GetAsync($"/api/reports/{unknown}/status", ApiClient.Ct);
                Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
                Assert.Equal("No such receipt", (string)(await missing.JsonAsync())["title"]!);
            }

            // The page, in Korean and English; the receipt may be typed in lower case.
            var page = await client.GetStringAsync("/report/status?culture=en", ApiClient.Ct);
            Assert.Contains("Check your report", page, StringComparison.Ordinal);
            Assert.Contains("data-state=\"ActionTaken\"", await PostStatusPageAsync(client, "en", second.ToLowerInvariant()), StringComparison.Ordinal);
            var korean = await PostStatusPageAsync(client, "ko", first);
            Assert.Contains("검토 중", korean, StringComparison.Ordinal);
            Assert.DoesNotContain("example.org", korean, StringComparison.Ordinal);
            Assert.Contains("Action taken", await PostStatusPageAsync(client, "en", second), StringComparison.Ordinal);
            Assert.Contains("해당 접수 번호가 없습니다", await PostStatusPageAsync(client, "ko", "HR-00000-00000"), StringComparison.Ordinal);
        }
        finally
        {
            HaechiServerFactory.DeleteDirectory(factory.DataDirectory);
        }
    }

    [Fact]
    public async Task ReceiptStatus_MoreLookUpsThanAllowedFromOneClient_TooManyRequests()
    {
        var settings = Settings(watcher: false);
        settings["Reports:ReceiptChecksPerMinutePerClient"] = "3";
        await using var factory = new HaechiServerFactory(settings);
        try
        {
            using var client = factory.CreateClient();
            var receipt = await ReportAsync(client, "https://example.org/x");
            var statuses = new List<HttpStatusCode>();
            foreach (var asked in new[] { receipt, "HR-00000-00000", receipt, receipt })
            {
                using var response = await client.GetAsync($"/api/reports/{asked}/status", ApiClient.Ct);
                statuses.Add(response.StatusCode);
            }

            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.NotFound, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        }
        finally
        {
            HaechiServerFactory.DeleteDirectory(factory.DataDirectory);
        }
    }

    private static async Task<string> ReportAsync(HttpClient client, string url)
    {
        using var response = await client.PostAsJsonAsync("/api/reports", new { urls = (string[])[url], platform = "website" }, ApiClient.Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (string)(await response.JsonAsync())["receipt"]!;
    }

    private static async Task<JsonObject> StatusAsync(HttpClient client, string receipt)
    {
        using var response = await client.GetAsync($"/api/reports/{receipt}/status", ApiClient.Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    private static async Task<string> PostStatusPageAsync(HttpClient client, string culture, string receipt)
    {
        var page = await client.GetStringAsync($"/report/status?culture={culture}", ApiClient.Ct);
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "receipt-status",
            ["__RequestVerificationToken"] = AntiforgeryToken().Match(page).Groups[1].Value,
            ["Form.Receipt"] = receipt,
        });
        using var response = await client.PostAsync($"/report/status?culture={culture}", content, ApiClient.Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(ApiClient.Ct);
    }

    private static async Task DecideAsync(HaechiServerFactory factory, HttpClient admin, string receipt, string decision)
    {
        long id;
        using (var scope = factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
            var reportId = await db.Reports.AsNoTracking().Where(r => r.Receipt == receipt).Select(r => r.Id).SingleAsync(ApiClient.Ct);
            var sourceId = reportId.ToString(CultureInfo.InvariantCulture);
            id = await db.ReviewItems.AsNoTracking().Where(r => r.Kind == ReviewItemKind.Report && r.SourceId == sourceId).Select(r => r.Id).SingleAsync(ApiClient.Ct);
        }

        using var decided = await admin.PostAsJsonAsync($"/api/review/items/{id}/decision", new { decision, reason = "test" }, ApiClient.Ct);
        Assert.Equal(HttpStatusCode.NoContent, decided.StatusCode);
    }

    private static async Task<ReviewItemRecord?> FindAsync(HaechiServerFactory factory, System.Linq.Expressions.Expression<Func<ReviewItemRecord, bool>> where)
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
        return await db.ReviewItems.AsNoTracking().Where(where).OrderBy(r => r.Id).FirstOrDefaultAsync(ApiClient.Ct);
    }

    private static async Task<List<long>> EntriesOfAsync(HaechiServerFactory factory, string caseNumber)
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
        return await db.BankEntries.AsNoTracking().Where(e => e.ExternalId == caseNumber).Select(e => e.Id).ToListAsync(ApiClient.Ct);
    }

    private static async Task<List<Haechi.Data.Ingestion.IngestItemRecord>> ReportIngestAsync(HaechiServerFactory factory)
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
        return await db.IngestItems.AsNoTracking().Where(i => i.SourceKind == "report").OrderBy(i => i.Id).ToListAsync(ApiClient.Ct);
    }

    private static bool Finished(Haechi.Data.Ingestion.IngestItemRecord item) =>
        item.State is Haechi.Data.Ingestion.IngestState.Done or Haechi.Data.Ingestion.IngestState.Failed;

    private static string Describe(IEnumerable<Haechi.Data.Ingestion.IngestItemRecord> items) =>
        string.Join("; ", items.Select(i => $"{i.Url} {i.State} {i.LastError} signal={i.Signal} strength={i.MatchStrength} quality={i.Quality} review={i.ReviewItemId}"));

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
