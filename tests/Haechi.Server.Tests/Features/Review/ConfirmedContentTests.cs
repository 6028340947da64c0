using System.Net;
using System.Net.Http.Json;
using Haechi.Cli.Tests.Watching;
using Haechi.Core.Review;
using Haechi.Data;
using Haechi.Media.Images;
using Haechi.Pipeline.Review;
using Haechi.Server.Tests.Features.Ingestion;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Haechi.Server.Tests.Features.Review;

/// <summary>
/// Confirmed content is hunted everywhere: confirming a reported screenshot puts its fingerprints
/// (PDQ and the victim's view set) into the confirmed bank; a cropped copy the ingestion pipeline
/// later finds on a web page matches it, takes the same decision without being shown, is listed on
/// the confirmed item's page (in Korean) and can be noticed.
/// </summary>
public sealed class ConfirmedContentTests
{
    [Fact]
    public async Task ConfirmedScreenshot_LaterCroppedCopyOnAPage_MatchedLinkedToTheDecision_Noticeable()
    {
        await using var site = await TestSite.StartAsync();
        await using var factory = new HaechiServerFactory(new(StringComparer.Ordinal)
        {
            ["Ingestion:AllowPrivateAddresses"] = "true",
            ["Ingestion:Worker"] = "true",
            ["Ingestion:MaxAttempts"] = "1",
        });
        try
        {
            using var admin = await factory.AdminAsync();
            using var analyst = await factory.UserAsync(admin, "analyst", "ana");
            var (width, height) = (900, 700);
            var rgb = SyntheticImages.DrawRgb(width, height, 91);
            var screenshot = SyntheticImages.EncodeJpeg(rgb, width, height);
            await factory.PostReportAsync(screenshot, "https://example.org/post/1");
            var reported = (long)(await factory.LatestReviewItemAsync())!["id"]!;
            using (var decided = await analyst.PostAsJsonAsync($"/api/review/items/{reported}/decision", new { decision = "confirm", reason = "sexual deepfake of a reported person" }, ApiClient.Ct))
            {
                Assert.Equal(HttpStatusCode.NoContent, decided.StatusCode);
            }

            // The confirmed bank holds it with its views, under the review item's id (never a case number).
            using (var scope = factory.Services.CreateScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
                var entry = await db.BankEntries.AsNoTracking().Include(e => e.Bank).SingleAsync(e => e.Bank!.Name == ConfirmedContent.BankName, ApiClient.Ct);
                Assert.Equal(ConfirmedContent.ExternalId(reported), entry.ExternalId);
                Assert.True(await db.BankEntryViews.CountAsync(v => v.EntryId == entry.Id, ApiClient.Ct) >= 10);
            }

            // 8 % off every side: far from the screenshot's whole-image PDQ, caught by the crop views.
            int dx = width * 8 / 100, dy = height * 8 / 100, w = width - (2 * dx), h = height - (2 * dy);
            var cropped = new byte[w * h * 3];
            for (var y = 0; y < h; y++)
            {
                Array.Copy(rgb, (((y + dy) * width) + dx) * 3, cropped, y * w * 3, w * 3);
            }

            site.File("/m/copy.jpg", SyntheticImages.EncodeJpeg(cropped, w, h, 80));
            site.Page("/board", """<html><body><img src="/m/copy.jpg"></body></html>""");
            var source = await analyst.AddSourceAsync(site.Url("board"));
            await analyst.VisitAsync((long)source["id"]!);
            await IngestTestClient.WaitForAsync(analyst.IngestStatusAsync, s => IngestTestClient.Count(s, "done") >= 1, TimeSpan.FromSeconds(60), "the copy ingested");

            Haechi.Data.Review.ReviewItemRecord copy;
            using (var scope = factory.Services.CreateScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
                copy = await db.ReviewItems.AsNoTracking().SingleAsync(r => r.Url != null && r.Url.EndsWith("/m/copy.jpg"), ApiClient.Ct);
            }

            Assert.Equal((ReviewStatus.AutoClassified, ReviewDecision.Confirm, (long?)reported), (copy.Status, copy.Decision, copy.SameAsId));
            Assert.Equal("view", copy.Signal);

            // The confirmed item's page lists the copy and where it was seen; its notice can be prepared.
            var page = await analyst.GetStringAsync($"/review/{reported}", ApiClient.Ct);
            Assert.Contains("나중에 발견된 사본", page, StringComparison.Ordinal);
            Assert.Contains(site.Url("m/copy.jpg").AbsoluteUri, page, StringComparison.Ordinal);
            Assert.Contains($"/takedowns/send/{copy.Id}", page, StringComparison.Ordinal);
            using var preview = await analyst.GetAsync($"/api/takedowns/review-items/{copy.Id}/notice", ApiClient.Ct);
            Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
            Assert.Equal(site.Url("m/copy.jpg").AbsoluteUri, (string)(await preview.JsonAsync())["url"]!);

            // Content nobody confirmed is not: a "not abuse" decision adds nothing to the bank.
            await factory.PostReportAsync(SyntheticImages.Jpeg(640, 480, 5), "https://example.org/post/2");
            var other = (long)(await factory.LatestReviewItemAsync())!["id"]!;
            using (var decided = await analyst.PostAsJsonAsync($"/api/review/items/{other}/decision", new { decision = "notAbuse", reason = "a landscape" }, ApiClient.Ct))
            {
                Assert.Equal(HttpStatusCode.NoContent, decided.StatusCode);
            }

            using (var scope = factory.Services.CreateScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
                Assert.Equal(1, await db.BankEntries.CountAsync(e => e.Bank!.Name == ConfirmedContent.BankName, ApiClient.Ct));
            }
        }
        finally
        {
            HaechiServerFactory.DeleteDirectory(factory.DataDirectory);
        }
    }
}
