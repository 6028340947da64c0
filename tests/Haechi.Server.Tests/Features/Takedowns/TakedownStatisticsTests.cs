using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Haechi.Core.Review;
using Haechi.Core.Takedowns;
using Haechi.Data;
using Haechi.Data.Ingestion;
using Haechi.Data.Review;
using Haechi.Data.Takedowns;
using Haechi.Server.Tests.Features.Ingestion;
using Microsoft.Extensions.DependencyInjection;

namespace Haechi.Server.Tests.Features.Takedowns;

/// <summary>
/// Removal statistics per host and per platform on constructed data and a clock the test moves:
/// median and p90 time to removal, the shares removed within 24 h and 48 h (of the items whose
/// outcome is known), and the re-appearance rate (removed content seen again on the same host after
/// the removal, by SHA-256, PDQ or bank entry), on the API, the page (Korean and English) and the CSV.
/// </summary>
public sealed class TakedownStatisticsTests
{
    private static byte[] Bytes(byte fill, int flipBits = 0)
    {
        var bytes = Enumerable.Repeat(fill, 32).ToArray();
        for (var i = 0; i < flipBits; i++)
        {
            bytes[i] ^= 0x01;
        }

        return bytes;
    }

    [Fact]
    public async Task Statistics_PerHostAndPlatform_PercentilesSharesWithin24And48Hours_ReappearanceRate_ExactFigures()
    {
        var clock = new ShiftedTimeProvider();
        await using var factory = new HaechiServerFactory(
            new(StringComparer.Ordinal) { ["Roles:Pipeline"] = "false", ["Roles:Watchers"] = "false", ["Roles:Notices"] = "false" },
            services: s => s.AddSingleton<TimeProvider>(clock));
        try
        {
            using var admin = await factory.AdminAsync();
            using var analyst = await factory.UserAsync(admin, "analyst", "ana");
            var t0 = clock.GetUtcNow();
            DateTimeOffset H(double hours) => t0.AddHours(hours);
            await using (var scope = factory.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
                var alpha = new PlatformContactRecord { Name = "Alpha", Hosts = "a.example\nb.example", Email = "abuse@a.example", Language = "ko", CreatedAt = t0, UpdatedAt = t0 };
                db.PlatformContacts.Add(alpha);
                await db.SaveChangesAsync(ApiClient.Ct);
                var review = new ReviewItemRecord { Kind = ReviewItemKind.BankMatch, SourceId = "s:3", MatchedEntryId = 333, CreatedAt = H(-101) };
                db.ReviewItems.Add(review);
                await db.SaveChangesAsync(ApiClient.Ct);

                NoticedItemRecord Noticed(string host, int n, double noticedAt, double? removedAt, byte[]? sha = null, byte[]? pdq = null, long reviewItemId = 0) => new()
                {
                    Url = $"https://{host}/m/{n}.jpg",
                    Host = host,
                    ContactId = alpha.Id,
                    ReviewItemId = reviewItemId,
                    Sha256 = sha,
                    Pdq = pdq,
                    Status = removedAt is null ? NoticeStatus.ReferredToHost : NoticeStatus.Removed,
                    NoticesSent = 1,
                    FirstSeenAt = H(noticedAt - 1),
                    FirstNoticeAt = H(noticedAt),
                    LastNoticeAt = H(noticedAt),
                    RemovedAt = removedAt is { } r ? H(r) : null,
                };

                db.NoticedItems.AddRange(
                    Noticed("a.example", 1, -100, -90, sha: Bytes(1)),          // 10 h; the same bytes fetched again on a.example later: re-appeared
                    Noticed("a.example", 2, -100, -70, pdq: Bytes(2)),          // 30 h; a near copy before the removal and one on another host: not re-appeared
                    Noticed("a.example", 3, -100, -40, reviewItemId: review.Id), // 60 h; a later item matched to the same bank entry: re-appeared
                    Noticed("a.example", 4, -100, null),                        // open for 100 h
                    Noticed("a.example", 5, -10, null),                         // open for 10 h: not counted in the 24 h or 48 h shares yet
                    Noticed("b.example", 6, -100, -80, sha: Bytes(6)),          // 20 h; noticed again at another URL on b.example: re-appeared
                    Noticed("b.example", 7, -20, null, sha: Bytes(6)));         // open for 20 h
                db.IngestItems.AddRange(
                    new IngestItemRecord { SourceKind = "web", SourceId = "w:1", Url = "https://a.example/again/1.jpg", Sha256 = Bytes(1), ReceivedAt = H(-50), UpdatedAt = H(-50), FetchedAt = H(-50) },
                    new IngestItemRecord { SourceKind = "web", SourceId = "w:2", Url = "https://b.example/m/2.jpg", Pdq = Bytes(2), ReceivedAt = H(-60), UpdatedAt = H(-60), FetchedAt = H(-60) },
                    new IngestItemRecord { SourceKind = "web", SourceId = "w:3", Url = "https://A.example/other/3.jpg", MatchedEntryId = 333, ReceivedAt = H(-30), UpdatedAt = H(-30), FetchedAt = H(-30) });
                db.ReviewItems.Add(new ReviewItemRecord { Kind = ReviewItemKind.BankMatch, SourceId = "w:4", Url = "https://a.example/near/2.jpg", Pdq = Bytes(2, flipBits: 5), CreatedAt = H(-80) });
                await db.SaveChangesAsync(ApiClient.Ct);
            }

            var stats = (await analyst.GetFromJsonAsync<JsonObject>("/api/takedowns/statistics", ApiClient.Ct))!;
            var a = Row(stats["byHost"]!, "a.example");
            var b = Row(stats["byHost"]!, "b.example");
            var platform = Row(stats["byPlatform"]!, "Alpha");
            Assert.Equal((5, 3, 30.0, 54.0), ((int)a["noticed"]!, (int)a["removed"]!, (double)a["medianHours"]!, (double)a["p90Hours"]!));
            Assert.Equal((2, 1, 20.0, 20.0), ((int)b["noticed"]!, (int)b["removed"]!, (double)b["medianHours"]!, (double)b["p90Hours"]!));
            Assert.Equal((7, 4, 25.0, 51.0), ((int)platform["noticed"]!, (int)platform["removed"]!, (double)platform["medianHours"]!, (double)platform["p90Hours"]!));
            Assert.Equal((1, 4), Share(a, "within24Hours"));
            Assert.Equal((2, 4), Share(a, "within48Hours"));
            Assert.Equal((1, 1), Share(b, "within24Hours"));
            Assert.Equal((1, 1), Share(b, "within48Hours"));
            Assert.Equal((2, 5), Share(platform, "within24Hours"));
            Assert.Equal((3, 5), Share(platform, "within48Hours"));
            Assert.Equal((2, 2.0 / 3), ((int)a["reappeared"]!, (double)a["reappearanceRate"]!));
            Assert.Equal((1, 1.0), ((int)b["reappeared"]!, (double)b["reappearanceRate"]!));
            Assert.Equal((3, 0.75), ((int)platform["reappeared"]!, (double)platform["reappearanceRate"]!));

            var csv = (await analyst.GetStringAsync("/stats.csv", ApiClient.Ct)).Split("\r\n");
            Assert.Contains("removal_by_host,a.example,5,3,30,54,0.25,1,4,0.5,2,4,2,0.666667", csv);
            Assert.Contains("removal_by_host,b.example,2,1,20,20,1,1,1,1,1,1,1,1", csv);
            Assert.Contains("removal_by_platform,Alpha,7,4,25,51,0.4,2,5,0.6,3,5,3,0.75", csv);

            var ko = await analyst.GetStringAsync("/stats?culture=ko", ApiClient.Ct);
            Assert.Contains("24시간 안에 삭제", ko, StringComparison.Ordinal);
            Assert.Contains("재게시율", ko, StringComparison.Ordinal);
            Assert.Contains("<td>a.example</td><td>5</td><td>3</td><td>30시간</td><td>54시간</td><td>25 % (1/4)</td><td>50 % (2/4)</td><td>66.7 % (2/3)</td>", ko, StringComparison.Ordinal);
            var en = await analyst.GetStringAsync("/stats?culture=en", ApiClient.Ct);
            Assert.Contains("Removed within 48 h", en, StringComparison.Ordinal);
            Assert.Contains("<td>Alpha</td><td>7</td><td>4</td><td>25 h</td><td>51 h</td><td>40 % (2/5)</td><td>60 % (3/5)</td><td>75 % (3/4)</td>", en, StringComparison.Ordinal);

            // 20 hours later, the items noticed 10 h and 20 h ago have had their 24 hours without removal.
            // (The sessions have expired on the moved clock: sign in again.)
            clock.Advance(TimeSpan.FromHours(20));
            using var later = await factory.AdminAsync();
            stats = (await later.GetFromJsonAsync<JsonObject>("/api/takedowns/statistics", ApiClient.Ct))!;
            Assert.Equal((1, 5), Share(Row(stats["byHost"]!, "a.example"), "within24Hours"));
            Assert.Equal((1, 2), Share(Row(stats["byHost"]!, "b.example"), "within24Hours"));
            Assert.Equal((2, 7), Share(Row(stats["byPlatform"]!, "Alpha"), "within24Hours"));
            Assert.Equal((3, 5), Share(Row(stats["byPlatform"]!, "Alpha"), "within48Hours"));
            Assert.Equal((2, 7), Share(stats["all"]!.AsObject(), "within24Hours"));
        }
        finally
        {
            HaechiServerFactory.DeleteDirectory(factory.DataDirectory);
        }
    }

    private static JsonObject Row(JsonNode rows, string key) => rows.AsArray().Select(r => r!.AsObject()).Single(r => (string)r["key"]! == key);

    private static (int Within, int Eligible) Share(JsonObject row, string name) => ((int)row[name]!["within"]!, (int)row[name]!["eligible"]!);
}
