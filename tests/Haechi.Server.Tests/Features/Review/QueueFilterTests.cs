using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Haechi.Core.Review;
using Haechi.Data;
using Haechi.Data.Ingestion;
using Haechi.Data.Takedowns;
using Haechi.Pipeline.Ingestion;
using Haechi.Pipeline.Review;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Haechi.Server.Tests.Features.Review;

/// <summary>
/// The queue's paging, filters and search (GET parameters, filtered and paged in SQL) on SQLite and on
/// PostgreSQL: signal, source, platform, age, possible-minor flag, state (open, decided, awaiting notice),
/// receipt and URL search; the page keeps the filters in its form and its page links.
/// </summary>
public sealed class QueueFilterTests
{
    private const int Fillers = 120;

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Queue_PagesFiltersAndSearches_InTheStore(string store)
    {
        var postgres = store == "postgres" ? PostgresDatabase() : null;
        var settings = new Dictionary<string, string>(StringComparer.Ordinal) { ["Roles:Pipeline"] = "false", ["Roles:Watchers"] = "false", ["Roles:Notices"] = "false" };
        if (postgres is not null)
        {
            settings["ConnectionStrings:Haechi"] = postgres;
        }

        try
        {
            var factory = new HaechiServerFactory(settings);
            try
            {
                await RunAsync(factory);
            }
            finally
            {
                await factory.DisposeAsync();
                HaechiServerFactory.DeleteDirectory(factory.DataDirectory);
            }
        }
        finally
        {
            if (postgres is not null)
            {
                DropDatabase(postgres);
            }
        }
    }

    private static async Task RunAsync(HaechiServerFactory factory)
    {
        using var admin = await factory.AdminAsync();
        using var analyst = await factory.UserAsync(admin, "analyst", "ana");
        using var anonymous = factory.CreateClient();
        var telegramReceipt = await ReportAsync(anonymous, "telegram", "https://t.me/room/1", minor: false);
        var kakaoReceipt = await ReportAsync(anonymous, "kakaoTalk", "https://open.kakao.com/o/ABC", minor: true);

        long web, telegram, seized, bank, gone, noticed;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
            var queue = scope.ServiceProvider.GetRequiredService<IReviewQueue>();
            var sources = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var kind in new[] { "web", "telegram", SeizedFileImport.SourceKind })
            {
                var row = new IngestItemRecord { SourceKind = kind, SourceId = kind + "-1", State = IngestState.Done, ReceivedAt = TimeProvider.System.GetUtcNow(), UpdatedAt = TimeProvider.System.GetUtcNow() };
                db.IngestItems.Add(row);
                await db.SaveChangesAsync(ApiClient.Ct);
                sources[kind] = row.Id;
            }

            web = (await queue.EnqueueAsync(new ReviewItemInput(ReviewItemKind.WebItem, IngestSource.SourceId(sources["web"]), MatchStrength: 0.9, Url: new Uri("https://bad.example/Media/a.jpg"), Signal: "pdq"), ApiClient.Ct)).Id;
            telegram = (await queue.EnqueueAsync(new ReviewItemInput(ReviewItemKind.FaceMatch, IngestSource.SourceId(sources["telegram"]), MatchStrength: 0.8, Signal: "face"), ApiClient.Ct)).Id;
            seized = (await queue.EnqueueAsync(new ReviewItemInput(ReviewItemKind.NudityTriage, IngestSource.SourceId(sources[SeizedFileImport.SourceKind]), NudityScore: 0.9, Signal: "nudity"), ApiClient.Ct)).Id;
            bank = (await queue.EnqueueAsync(new ReviewItemInput(ReviewItemKind.BankMatch, "entry-1", MatchStrength: 0.7), ApiClient.Ct)).Id;
            for (var i = 0; i < Fillers; i++)
            {
                await queue.EnqueueAsync(new ReviewItemInput(ReviewItemKind.BankMatch, "filler-" + i, MatchStrength: 0.5, Signal: "vpdq"), ApiClient.Ct);
            }

            gone = (await queue.EnqueueAsync(new ReviewItemInput(ReviewItemKind.WebItem, "decided-1", MatchStrength: 0.9, Url: new Uri("https://gone.example/x.jpg"), Signal: "pdq"), ApiClient.Ct)).Id;
            noticed = (await queue.EnqueueAsync(new ReviewItemInput(ReviewItemKind.WebItem, "decided-2", MatchStrength: 0.9, Url: new Uri("https://noticed.example/y.jpg"), Signal: "pdq"), ApiClient.Ct)).Id;

            // Received 3 days ago and 10 days ago.
            var old = await db.ReviewItems.SingleAsync(r => r.Id == bank, ApiClient.Ct);
            old.CreatedAt = TimeProvider.System.GetUtcNow().AddDays(-3);
            var older = await db.ReviewItems.SingleAsync(r => r.Id == seized, ApiClient.Ct);
            older.CreatedAt = TimeProvider.System.GetUtcNow().AddDays(-10);
            await db.SaveChangesAsync(ApiClient.Ct);
        }

        foreach (var id in new[] { gone, noticed })
        {
            using var decided = await analyst.PostAsJsonAsync($"/api/review/items/{id}/decision", new { decision = "confirm", reason = "registered photo" }, ApiClient.Ct);
            Assert.Equal(HttpStatusCode.NoContent, decided.StatusCode);
        }

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
            var contact = new PlatformContactRecord { Name = "noticed host", Hosts = "noticed.example", Email = "abuse@noticed.example", Language = "ko", CreatedAt = TimeProvider.System.GetUtcNow(), UpdatedAt = TimeProvider.System.GetUtcNow() };
            db.PlatformContacts.Add(contact);
            await db.SaveChangesAsync(ApiClient.Ct);
            db.NoticedItems.Add(new NoticedItemRecord { Url = "https://noticed.example/y.jpg", Host = "noticed.example", ReviewItemId = noticed, ContactId = contact.Id, FirstSeenAt = TimeProvider.System.GetUtcNow() });
            await db.SaveChangesAsync(ApiClient.Ct);
        }

        // Paging: 50 a page in priority order, the minor's report first; the total counts every page.
        var open = 4 + 2 + Fillers;
        var first = await QueueAsync(analyst, string.Empty);
        Assert.Equal((open, 1, 50), ((int)first["total"]!, (int)first["page"]!, (int)first["pageSize"]!));
        Assert.Equal(50, first["items"]!.AsArray().Count);
        Assert.Equal(kakaoReceipt, (string)first["items"]![0]!["report"]!["receipt"]!);
        var last = await QueueAsync(analyst, "page=3");
        Assert.Equal(open - 100, last["items"]!.AsArray().Count);
        var all = (await QueueAsync(analyst, "take=200"))["items"]!.AsArray().Select(i => (long)i!["id"]!).ToList();
        var paged = new List<long>();
        for (var page = 1; page <= 3; page++)
        {
            paged.AddRange((await QueueAsync(analyst, "page=" + page))["items"]!.AsArray().Select(i => (long)i!["id"]!));
        }

        Assert.Equal(all, paged);

        // Signal (stored, or implied by the kind), source, platform, age, flag.
        Assert.Equal([telegram], await IdsAsync(analyst, "signal=face"));
        Assert.Equal([web, bank], await IdsAsync(analyst, "signal=pdq"));
        Assert.Equal(2, (await IdsAsync(analyst, "signal=none")).Count);
        Assert.Equal(Fillers, (int)(await QueueAsync(analyst, "signal=vpdq"))["total"]!);
        Assert.Equal(2, (await IdsAsync(analyst, "source=report")).Count);
        Assert.Equal([web], await IdsAsync(analyst, "source=web"));
        Assert.Equal([telegram], await IdsAsync(analyst, "source=telegram"));
        Assert.Equal([seized], await IdsAsync(analyst, "source=import"));
        var telegramPlatform = await QueueAsync(analyst, "platform=telegram");
        Assert.Equal(2, (int)telegramPlatform["total"]!);
        Assert.Contains(telegramPlatform["items"]!.AsArray(), i => (long)i!["id"]! == telegram);
        Assert.Contains(telegramPlatform["items"]!.AsArray(), i => (string?)i!["report"]?["receipt"] == telegramReceipt);
        Assert.Equal(kakaoReceipt, (string)(await QueueAsync(analyst, "platform=kakaotalk"))["items"]![0]!["report"]!["receipt"]!);
        Assert.Equal([web], await IdsAsync(analyst, "platform=website"));
        Assert.Equal(open - 2, (int)(await QueueAsync(analyst, "age=24h"))["total"]!);
        Assert.Equal(open - 1, (int)(await QueueAsync(analyst, "age=7d"))["total"]!);
        Assert.Equal([seized], await IdsAsync(analyst, "age=older"));
        Assert.Equal(kakaoReceipt, (string)(await QueueAsync(analyst, "minor=1"))["items"]!.AsArray().Single()!["report"]!["receipt"]!);
        Assert.Equal([web, bank], await IdsAsync(analyst, "signal=pdq&age=7d&source=&platform=nope"));

        // State: decided, and awaiting notice (confirmed with a URL, no notice yet).
        Assert.Equal([gone, noticed], (await IdsAsync(analyst, "state=decided")).Order().ToList());
        Assert.Equal([gone], await IdsAsync(analyst, "state=awaiting-notice"));

        // Search: a receipt (any spelling), a part of a URL (any case; a report's links too), an item number.
        Assert.Equal(telegramReceipt, (string)(await QueueAsync(analyst, "q=" + telegramReceipt.ToLowerInvariant()))["items"]!.AsArray().Single()!["report"]!["receipt"]!);
        Assert.Equal([web], await IdsAsync(analyst, "q=BAD.example%2Fmedia"));
        Assert.Equal(kakaoReceipt, (string)(await QueueAsync(analyst, "q=open.kakao"))["items"]!.AsArray().Single()!["report"]!["receipt"]!);
        Assert.Equal([gone], await IdsAsync(analyst, "state=decided&q=gone.example"));
        Assert.Equal([telegram], await IdsAsync(analyst, "q=" + telegram));
        Assert.Empty(await IdsAsync(analyst, "q=nowhere.example"));

        // The page: filters keep their values, page links keep the filters, the total is shown.
        var html = await analyst.GetStringAsync("/review?culture=en&signal=vpdq&minor=&q=example&page=2", ApiClient.Ct);
        Assert.Contains("<option value=\"vpdq\" selected>", html, StringComparison.Ordinal);
        Assert.Contains("value=\"example\"", html, StringComparison.Ordinal);
        var vpdq = await analyst.GetStringAsync("/review?culture=en&signal=vpdq&page=2", ApiClient.Ct);
        Assert.Contains("120 item(s) · page 2 of 3", vpdq, StringComparison.Ordinal);
        Assert.Contains("href=\"/review?signal=vpdq&amp;page=3\"", vpdq, StringComparison.Ordinal);
        Assert.Contains("href=\"/review?signal=vpdq&amp;page=2\" aria-current=\"page\"", vpdq, StringComparison.Ordinal);
        var korean = await analyst.GetStringAsync("/review?culture=ko&state=awaiting-notice", ApiClient.Ct);
        Assert.Contains("<option value=\"awaiting-notice\" selected>통지 대기 (확인됨, 통지 전)</option>", korean, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"/review/{gone}\">", korean, StringComparison.Ordinal);
        Assert.DoesNotContain($"<a href=\"/review/{noticed}\">", korean, StringComparison.Ordinal);
    }

    private static async Task<string> ReportAsync(HttpClient client, string platform, string url, bool minor)
    {
        using var response = await client.PostAsJsonAsync("/api/reports", new { urls = new[] { url }, platform, description = "seen in a room", possibleMinor = minor }, ApiClient.Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (string)(await response.JsonAsync())["receipt"]!;
    }

    private static async Task<JsonObject> QueueAsync(HttpClient client, string query) =>
        (await client.GetFromJsonAsync<JsonObject>("/api/review/items?" + query, ApiClient.Ct))!;

    private static async Task<List<long>> IdsAsync(HttpClient client, string query) =>
        [.. (await QueueAsync(client, query))["items"]!.AsArray().Select(i => (long)i!["id"]!)];

    // A fresh database on the test PostgreSQL server (HAECHI_TEST_POSTGRES); skipped locally without one, failed on CI.
    private static string PostgresDatabase()
    {
        var server = Environment.GetEnvironmentVariable("HAECHI_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(server))
        {
            const string Message = "PostgreSQL is not configured: set HAECHI_TEST_POSTGRES (test.sh starts Debian's server and sets it).";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail(Message);
            }

            Assert.Skip(Message);
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = "haechi_queue_" + Guid.NewGuid().ToString("N")[..12], Pooling = false }.ToString();
    }

    private static void DropDatabase(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var database = builder.Database;
        builder.Database = "postgres";
        using var connection = new NpgsqlConnection(builder.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"DROP DATABASE IF EXISTS {database} WITH (FORCE)";
        command.ExecuteNonQuery();
    }
}
