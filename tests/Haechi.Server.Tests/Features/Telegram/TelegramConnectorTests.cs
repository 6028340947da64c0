using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Haechi.Core.Reports;
using Haechi.Data;
using Haechi.Data.Ingestion;
using Haechi.Media.Images;
using Haechi.Server.Tests.Features.Evidence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Haechi.Server.Tests.Features.Telegram;

/// <summary>The whole server with its Telegram connector polling a Bot API stand-in on 127.0.0.1.</summary>
public sealed class TelegramConnectorTests : IAsyncLifetime
{
    private const long Reporter = 555_000_111;
    private const long AllowedChannel = -1_001_234;
    private const long OtherChannel = -1_009_999;
    private const long MaxFileBytes = 1024 * 1024;

    private readonly BotApiStandIn _api = new();
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("haechi-telegram-").FullName;
    private readonly List<HaechiServerFactory> _factories = [];

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var factory in _factories)
        {
            await factory.DisposeAsync();
        }

        _api.Dispose();
        HaechiServerFactory.DeleteDirectory(_dataDirectory);
    }

    private HaechiServerFactory Start()
    {
        var factory = new HaechiServerFactory(
            new Dictionary<string, string>
            {
                ["Telegram:Enabled"] = "true",
                ["Telegram:BotToken"] = BotApiStandIn.Token,
                ["Telegram:ApiBaseUrl"] = _api.Url,
                ["Telegram:PollTimeoutSeconds"] = "0",
                ["Telegram:AllowedChatIds:0"] = AllowedChannel.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Telegram:MaxFileBytes"] = MaxFileBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Telegram:MaxBackoffSeconds"] = "2",
                ["Ingestion:Worker"] = "true",
                ["Ingestion:RetryDelaySeconds"] = "0",
            },
            _dataDirectory);
        _factories.Add(factory);
        _ = factory.Server;
        return factory;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what, int seconds = 60)
    {
        var until = TimeProvider.System.GetUtcNow().AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(TimeProvider.System.GetUtcNow() < until, "Timed out waiting for " + what);
            await Task.Delay(100, ApiClient.Ct);
        }
    }

    private static async Task<T> QueryAsync<T>(HaechiServerFactory factory, Func<HaechiDbContext, Task<T>> query)
    {
        using var scope = factory.Services.CreateScope();
        return await query(scope.ServiceProvider.GetRequiredService<HaechiDbContext>());
    }

    private static JsonObject ForwardedPhoto(string fileId, int length) =>
        BotApiStandIn.Private(Reporter, Merge(
            BotApiStandIn.PhotoSizes(("thumb-" + fileId, 900, 90), (fileId, length, 320)),
            new JsonObject
            {
                ["caption"] = "found at https://example.com/room/7 please remove",
                ["caption_entities"] = new JsonArray(new JsonObject { ["type"] = "url", ["offset"] = 9, ["length"] = 27 }),
                ["forward_origin"] = new JsonObject
                {
                    ["type"] = "channel",
                    ["date"] = 1_763_800_000,
                    ["message_id"] = 42,
                    ["chat"] = new JsonObject { ["id"] = -100_777, ["type"] = "channel", ["title"] = "Some channel", ["username"] = "some_channel" },
                },
            }));

    private static JsonObject Merge(JsonObject a, JsonObject b)
    {
        foreach (var (key, value) in b.ToList())
        {
            b.Remove(key);
            a[key] = value;
        }

        return a;
    }

    [Fact]
    public async Task ForwardedPhoto_BecomesAReportLikeTheWebForms_ReceiptSentBackAndEvidenceSealed()
    {
        var picture = EvidenceTests.Picture(11);
        _api.AddFile("photo-11", picture, picture.Length);
        _api.AddUpdate("message", ForwardedPhoto("photo-11", picture.Length));
        var factory = Start();

        await WaitForAsync(() => Task.FromResult(!_api.Sent.IsEmpty), "the receipt message");

        var report = await QueryAsync(factory, db => db.Reports.AsNoTracking().SingleAsync(ApiClient.Ct));
        Assert.Equal("telegram", report.Intake);
        Assert.Equal(ReportPlatform.Telegram, report.Platform);
        Assert.Equal(["https://example.com/room/7", "https://t.me/some_channel/42"], report.Urls.Split('\n'));
        Assert.Equal("@some_channel", report.Channel);
        Assert.Contains("please remove", report.Description, StringComparison.Ordinal);
        Assert.Null(report.Contact);

        // The receipt goes back to the reporter, in Korean and English.
        var sent = Assert.Single(_api.Sent);
        Assert.Equal(Reporter, (long)sent["chat_id"]!);
        var text = (string)sent["text"]!;
        Assert.Contains(report.Receipt, text, StringComparison.Ordinal);
        Assert.Contains("접수 번호", text, StringComparison.Ordinal);
        Assert.Contains("Receipt number", text, StringComparison.Ordinal);

        // The largest photo size was fetched once (the thumbnail never), checked and sealed.
        Assert.Equal(1, _api.Downloads["photos/photo-11.jpg"]);
        Assert.False(_api.FileLookups.ContainsKey("thumb-photo-11"));
        var evidence = await QueryAsync(factory, db => db.Evidence.AsNoTracking().SingleAsync(ApiClient.Ct));
        Assert.Equal(report.Id, evidence.ReportId);
        Assert.Equal((320, 240, picture.Length), (evidence.Width, evidence.Height, (int)evidence.Length));
        Assert.Equal(-1, evidence.Sealed.AsSpan().IndexOf(picture.AsSpan(0, 8)));
        Assert.Equal(-1, evidence.Sealed.AsSpan().IndexOf(picture.AsSpan(300, 16)));
        var item = await QueryAsync(factory, db => db.ReviewItems.AsNoTracking().SingleAsync(ApiClient.Ct));
        Assert.Equal(evidence.Id, item.EvidenceId);
        Assert.Equal(SHA256.HashData(picture), item.Sha256);

        // The fetch is audited by id, size and hash; no caption, channel name or URL.
        var audit = await QueryAsync(factory, db => db.AuditEntries.AsNoTracking().Where(a => a.Actor == "telegram-connector").ToListAsync(ApiClient.Ct));
        var fetched = Assert.Single(audit);
        Assert.Equal("telegram.fetched", fetched.Action);
        Assert.Contains("sha256=" + Convert.ToHexStringLower(SHA256.HashData(picture)), fetched.Detail, StringComparison.Ordinal);
        Assert.Contains("bytes=" + picture.Length, fetched.Detail, StringComparison.Ordinal);
        foreach (var secret in new[] { "example.com", "some_channel", "please", Reporter.ToString(System.Globalization.CultureInfo.InvariantCulture), BotApiStandIn.Token })
        {
            Assert.DoesNotContain(secret, fetched.Subject + fetched.Detail, StringComparison.Ordinal);
        }

        using var admin = await factory.AdminAsync();
        var status = await (await admin.GetAsync("/api/admin/telegram/status", ApiClient.Ct)).JsonAsync();
        Assert.Equal(1, (long)status["reports"]!);
        Assert.DoesNotContain(BotApiStandIn.Token, status.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChannelPost_WithAVictimsRegisteredPhoto_BecomesAMatchInTheReviewQueue()
    {
        var factory = Start();
        var registered = EvidenceTests.Picture(7, 640, 480);
        var fingerprint = new ImageFingerprinter().Fingerprint(registered, FingerprintParts.FileDigests);
        using var client = factory.CreateClient();
        using (var created = await client.PostAsJsonAsync("/api/cases", new { signals = new object[] { new { type = "pdq", hash = fingerprint.Pdq.ToString(), quality = fingerprint.Quality } }, language = "ko" }, ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        // Posted in the channel as a smaller JPEG (what Telegram does to photos), and an unrelated one.
        using var copy = NetVips.Image.NewFromBuffer(registered).Resize(0.5);
        var posted = copy.JpegsaveBuffer(q: 80);
        _api.AddFile("post-7", posted, posted.Length);
        var unrelated = EvidenceTests.Picture(8);
        _api.AddFile("post-8", unrelated, unrelated.Length);
        _api.AddUpdate("channel_post", BotApiStandIn.Channel(AllowedChannel, 77, BotApiStandIn.PhotoSizes(("post-7", posted.Length, 320)), username: "leak_room", title: "유출 방"));
        _api.AddUpdate("channel_post", BotApiStandIn.Channel(AllowedChannel, 78, BotApiStandIn.PhotoSizes(("post-8", unrelated.Length, 320)), username: "leak_room", title: "유출 방"));

        await WaitForAsync(
            async () => await QueryAsync(factory, db => db.IngestItems.CountAsync(i => i.State == IngestState.Done, ApiClient.Ct)) == 2,
            "both items processed");

        var items = await QueryAsync(factory, db => db.IngestItems.AsNoTracking().OrderBy(i => i.SourceId).ToListAsync(ApiClient.Ct));
        Assert.Equal(["telegram", "telegram"], items.Select(i => i.SourceKind));
        Assert.Equal([$"{AllowedChannel}:77:u-post-7", $"{AllowedChannel}:78:u-post-8"], items.Select(i => i.SourceId));
        Assert.Equal(SHA256.HashData(posted), items[0].Sha256);
        Assert.True(items[0].MatchCount > 0);
        Assert.Equal(0, items[1].MatchCount);
        Assert.False(Directory.Exists(Path.Combine(_dataDirectory, "imports", "telegram")) && Directory.EnumerateFiles(Path.Combine(_dataDirectory, "imports", "telegram")).Any(), "the clear copies are deleted once sealed");

        using var admin = await factory.AdminAsync();
        var queue = (await (await admin.GetAsync("/api/review/items", ApiClient.Ct)).JsonAsync())["items"]!.AsArray();
        var match = Assert.Single(queue);
        Assert.Equal(items[0].ReviewItemId, (long)match!["id"]!);
        Assert.True((double)match["matchStrength"]! > 0.5);

        // Located by its public post link (the channel has a username), which a notice can name; the
        // channel's title is kept for the item page, and the Telegram contact is there from the first run.
        Assert.Equal("https://t.me/leak_room/77", items[0].PageUrl);
        var reviewed = await QueryAsync(factory, db => db.ReviewItems.AsNoTracking().SingleAsync(r => r.Id == items[0].ReviewItemId, ApiClient.Ct));
        Assert.Equal("https://t.me/leak_room/77", reviewed.Url);
        var chat = await QueryAsync(factory, db => db.TelegramChats.AsNoTracking().SingleAsync(ApiClient.Ct));
        Assert.Equal((AllowedChannel, "leak_room", "유출 방"), (chat.ChatId, chat.Username, chat.Title));
        using (var decided = await admin.PostAsJsonAsync($"/api/review/items/{reviewed.Id}/decision", new { decision = "confirm", reason = "victim-registered photo" }, ApiClient.Ct))
        {
            Assert.True(decided.IsSuccessStatusCode);
        }

        var notice = await (await admin.GetAsync($"/api/takedowns/review-items/{reviewed.Id}/notice", ApiClient.Ct)).JsonAsync();
        Assert.Equal("Telegram", (string?)notice["contact"]!["name"]);
        Assert.Equal("abuse@telegram.org", (string?)notice["contact"]!["email"]);

        var status = await (await admin.GetAsync("/api/admin/telegram/status", ApiClient.Ct)).JsonAsync();
        Assert.Equal(2, (long)status["ingested"]!);
        Assert.Equal(0, (long)status["reports"]!);
    }

    [Fact]
    public async Task Restart_ResumesFromThePersistedOffset_NothingRepeated()
    {
        var photo = EvidenceTests.Picture(21);
        var post = EvidenceTests.Picture(22);
        _api.AddFile("photo-21", photo, photo.Length);
        _api.AddFile("post-22", post, post.Length);
        _api.AddUpdate("message", ForwardedPhoto("photo-21", photo.Length));
        var last = _api.AddUpdate("channel_post", BotApiStandIn.Channel(AllowedChannel, 5, BotApiStandIn.PhotoSizes(("post-22", post.Length, 320))));

        var first = Start();
        await WaitForAsync(() => QueryAsync(first, db => db.TelegramCursors.AnyAsync(c => c.NextOffset == last + 1, ApiClient.Ct)), "both updates handled");
        await first.DisposeAsync();
        _factories.Remove(first);
        var pollsBefore = _api.PollOffsets.Count();

        // The stand-in still holds both updates: only the stored offset keeps them from coming back.
        var second = Start();
        await WaitForAsync(() => Task.FromResult(_api.PollOffsets.Count() > pollsBefore + 1), "the restarted server's polls");
        Assert.Equal(last + 1, _api.PollOffsets.Skip(pollsBefore).First());

        var later = EvidenceTests.Picture(23);
        _api.AddFile("post-23", later, later.Length);
        var newest = _api.AddUpdate("channel_post", BotApiStandIn.Channel(AllowedChannel, 6, BotApiStandIn.PhotoSizes(("post-23", later.Length, 320))));
        await WaitForAsync(() => QueryAsync(second, db => db.TelegramCursors.AnyAsync(c => c.NextOffset == newest + 1, ApiClient.Ct)), "the new update handled");

        Assert.Equal(1, await QueryAsync(second, db => db.Reports.CountAsync(ApiClient.Ct)));
        Assert.Equal(1, await QueryAsync(second, db => db.Evidence.CountAsync(ApiClient.Ct)));
        Assert.Equal([$"{AllowedChannel}:5:u-post-22", $"{AllowedChannel}:6:u-post-23"], await QueryAsync(second, db => db.IngestItems.Select(i => i.SourceId).OrderBy(s => s).ToListAsync(ApiClient.Ct)));
        Assert.Single(_api.Sent);
        Assert.All(_api.Downloads.Values, n => Assert.Equal(1, n));
        var cursor = await QueryAsync(second, db => db.TelegramCursors.AsNoTracking().SingleAsync(ApiClient.Ct));
        Assert.Equal((4242L, 1L, 2L), (cursor.BotId, cursor.Reports, cursor.Ingested));
    }

    [Fact]
    public async Task HostileInput_RefusedBeforeDownload_OtherChatsIgnored_ApiErrorsBackOffAndShowInStatus()
    {
        // 429 with retry_after 1, then 500, before any update is served.
        _api.FailNextPolls(
            (429, BotApiStandIn.Error(429, "Too Many Requests: retry after 1", retryAfter: 1).ToJsonString()),
            (500, BotApiStandIn.Error(500, "Internal Server Error").ToJsonString()));

        // A 5 MB video document declared in the post: refused before getFile and download.
        _api.AddFile("huge-doc", new byte[16], 5 * MaxFileBytes);
        _api.AddUpdate("channel_post", BotApiStandIn.Channel(AllowedChannel, 1, new JsonObject
        {
            ["document"] = new JsonObject { ["file_id"] = "huge-doc", ["file_unique_id"] = "u-huge", ["mime_type"] = "video/mp4", ["file_size"] = 5 * MaxFileBytes },
        }));

        // A photo whose sizes are not declared anywhere but whose bytes exceed the cap: cut off during download.
        var liar = new byte[2 * MaxFileBytes];
        EvidenceTests.Picture(31).CopyTo(liar, 0);
        _api.AddFile("liar", liar, declaredBytes: null);
        _api.AddUpdate("channel_post", BotApiStandIn.Channel(AllowedChannel, 2, BotApiStandIn.PhotoSizes(("liar", null, 320))));

        // A post in a channel that is not allowed, and a too-large photo sent privately.
        var other = EvidenceTests.Picture(32);
        _api.AddFile("other-chat", other, other.Length);
        _api.AddUpdate("channel_post", BotApiStandIn.Channel(OtherChannel, 3, BotApiStandIn.PhotoSizes(("other-chat", other.Length, 320))));
        _api.AddFile("private-huge", new byte[16], 3 * MaxFileBytes);
        var lastUpdate = _api.AddUpdate("message", BotApiStandIn.Private(Reporter, BotApiStandIn.PhotoSizes(("private-huge", 3 * MaxFileBytes, 1280))));

        var factory = Start();
        await WaitForAsync(() => QueryAsync(factory, db => db.TelegramCursors.AnyAsync(c => c.NextOffset == lastUpdate + 1, ApiClient.Ct)), "all updates handled");

        // Bounded work: nothing oversized was looked up or downloaded, the other chat not at all.
        Assert.False(_api.FileLookups.ContainsKey("huge-doc"));
        Assert.False(_api.Downloads.ContainsKey("photos/huge-doc.jpg"));
        Assert.False(_api.FileLookups.ContainsKey("private-huge"));
        Assert.False(_api.FileLookups.ContainsKey("other-chat"));
        Assert.Equal(1, _api.Downloads["photos/liar.jpg"]);
        Assert.Equal(0, await QueryAsync(factory, db => db.IngestItems.CountAsync(ApiClient.Ct)));
        Assert.Equal(0, await QueryAsync(factory, db => db.Reports.CountAsync(ApiClient.Ct)));
        var reply = Assert.Single(_api.Sent);
        Assert.Contains("too large", (string)reply["text"]!, StringComparison.Ordinal);

        // Back-off: the poll after the 429 waited its retry_after.
        var polls = _api.Requests.Where(r => r.Path.EndsWith("/getUpdates", StringComparison.Ordinal)).ToList();
        Assert.Equal([429, 500, 200], polls.Take(3).Select(p => p.Status));
        Assert.True(polls[1].At - polls[0].At >= TimeSpan.FromMilliseconds(900), "retry_after honoured");
        Assert.True(polls[2].At - polls[1].At >= TimeSpan.FromMilliseconds(900), "backed off after the 500");

        using var admin = await factory.AdminAsync();
        var status = await (await admin.GetAsync("/api/admin/telegram/status", ApiClient.Ct)).JsonAsync();
        Assert.True((bool)status["running"]!);
        Assert.Equal("http-500", (string)status["lastError"]!);
        Assert.True(status["lastPollAt"]!.GetValue<DateTimeOffset>() > status["lastErrorAt"]!.GetValue<DateTimeOffset>(), "polling recovered after the errors");
        Assert.Equal(3, (long)status["refused"]!);
        Assert.Equal(1, (long)status["ignored"]!);
        var refusals = await QueryAsync(factory, db => db.AuditEntries.AsNoTracking().Where(a => a.Action == "telegram.refused").Select(a => a.Detail).ToListAsync(ApiClient.Ct));
        Assert.Equal(3, refusals.Count);
        Assert.All(refusals, d => Assert.Contains("reason=too-large", d, StringComparison.Ordinal));

        // Admins only: anonymous callers and analysts get nothing.
        using var anonymous = factory.CreateClient();
        using var denied = await anonymous.GetAsync("/api/admin/telegram/status", ApiClient.Ct);
        Assert.Contains(denied.StatusCode, new[] { HttpStatusCode.NotFound, HttpStatusCode.Unauthorized });
        using var page = await admin.GetAsync("/admin/telegram", ApiClient.Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync(ApiClient.Ct);
        Assert.Contains("http-500", html, StringComparison.Ordinal);
        Assert.DoesNotContain(BotApiStandIn.Token, html, StringComparison.Ordinal);
    }
}
