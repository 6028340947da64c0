using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Haechi.Cli.Tests;
using Haechi.Core.Faces;
using Haechi.Core.Review;
using Haechi.Core.Signals;
using Haechi.Data;
using Haechi.Data.Banks;
using Haechi.Data.Ingestion;
using Haechi.Data.Review;
using Haechi.Media.Images;
using Haechi.Media.Video;
using Haechi.Server.Tests.Features.Cases;
using Haechi.Server.Tests.Features.Evidence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Haechi.Server.Tests.Features.Telegram;

/// <summary>
/// Edited channel posts and videos forwarded to the report bot, against the Bot API stand-in
/// (which, like the real API, drops update kinds the poll's <c>allowed_updates</c> does not name).
/// Videos are made with FFmpeg at test time from synthetic frames.
/// </summary>
public sealed partial class TelegramEditsAndVideosTests : IAsyncLifetime
{
    private const long Reporter = 555_000_222;
    private const long AllowedChannel = -1_002_345;
    private const long MaxFileBytes = 1024 * 1024;

    private readonly BotApiStandIn _api = new();
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("haechi-telegram2-").FullName;
    private readonly string _work = Directory.CreateTempSubdirectory("haechi-telegram2-videos-").FullName;
    private HaechiServerFactory? _factory;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        _api.Dispose();
        HaechiServerFactory.DeleteDirectory(_dataDirectory);
        Directory.Delete(_work, recursive: true);
    }

    private HaechiServerFactory Start()
    {
        _factory = new HaechiServerFactory(
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
        _ = _factory.Server;
        return _factory;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what, int seconds = 90)
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

    private static JsonObject With(JsonObject message, string key, JsonNode value)
    {
        message[key] = value;
        return message;
    }

    private static JsonObject ForwardOrigin() => new()
    {
        ["type"] = "channel",
        ["date"] = 1_763_800_000,
        ["message_id"] = 99,
        ["chat"] = new JsonObject { ["id"] = -100_888, ["type"] = "channel", ["title"] = "Where it was", ["username"] = "where_it_was" },
    };

    [Fact]
    public async Task EditedChannelPost_NewMediaIngestedOnceAsAnEdit_SameMediaAndRepeatsNot_PrivateEditsAnswered()
    {
        var harmless = EvidenceTests.Picture(41);
        var swapped = EvidenceTests.Picture(42);
        _api.AddFile("post-a", harmless, harmless.Length);
        _api.AddFile("post-b", swapped, swapped.Length);
        _api.AddUpdate("channel_post", With(BotApiStandIn.Channel(AllowedChannel, 10, BotApiStandIn.PhotoSizes(("post-a", harmless.Length, 320))), "caption", "a harmless post"));

        // A caption-only edit keeps the file: nothing new to fetch.
        _api.AddUpdate("edited_channel_post", With(With(BotApiStandIn.Channel(AllowedChannel, 10, BotApiStandIn.PhotoSizes(("post-a", harmless.Length, 320))), "caption", "edited caption"), "edit_date", 1_763_900_100));

        // The media swapped: a new item for the same message, marked as an edit; then the same edit again.
        JsonObject SwappedEdit() => With(BotApiStandIn.Channel(AllowedChannel, 10, BotApiStandIn.PhotoSizes(("post-b", swapped.Length, 320))), "edit_date", 1_763_900_200);
        var swappedUpdate = _api.AddUpdate("edited_channel_post", SwappedEdit());
        _api.AddUpdate("edited_channel_post", SwappedEdit());

        // A reporter edits a message sent to the bot: no report, and the bot says so.
        var last = _api.AddUpdate("edited_message", With(BotApiStandIn.Private(Reporter, BotApiStandIn.PhotoSizes(("post-b", swapped.Length, 320))), "edit_date", 1_763_900_300));

        var factory = Start();
        await WaitForAsync(() => QueryAsync(factory, db => db.TelegramCursors.AnyAsync(c => c.NextOffset == last + 1, ApiClient.Ct)), "every update handled");
        await WaitForAsync(
            () => QueryAsync(factory, async db => await db.IngestItems.CountAsync(ApiClient.Ct) >= 2 && await db.IngestItems.AllAsync(i => i.State == IngestState.Done, ApiClient.Ct)),
            "the items processed");

        var items = await QueryAsync(factory, db => db.IngestItems.AsNoTracking().OrderBy(i => i.Id).ToListAsync(ApiClient.Ct));
        Assert.Equal([$"{AllowedChannel}:10:u-post-a", $"{AllowedChannel}:10:u-post-b:edited"], items.Select(i => i.SourceId));
        Assert.All(items, i => Assert.Equal("telegram", i.SourceKind));
        Assert.Equal(SHA256.HashData(harmless), items[0].Sha256);
        Assert.Equal(SHA256.HashData(swapped), items[1].Sha256);
        Assert.Equal(1, _api.Downloads["photos/post-a.jpg"]);
        Assert.Equal(1, _api.Downloads["photos/post-b.jpg"]);

        // The edit's fetch is audited as one, by ids and hashes only.
        var fetched = await QueryAsync(factory, db => db.AuditEntries.AsNoTracking().Where(a => a.Action == "telegram.fetched").OrderBy(a => a.Id).ToListAsync(ApiClient.Ct));
        Assert.Equal(2, fetched.Count);
        Assert.DoesNotContain("edited=1", fetched[0].Detail, StringComparison.Ordinal);
        Assert.Contains("edited=1", fetched[1].Detail, StringComparison.Ordinal);
        Assert.Equal($"telegram:{AllowedChannel}:10:u-post-b:edited", fetched[1].Subject);

        Assert.Equal(0, await QueryAsync(factory, db => db.Reports.CountAsync(ApiClient.Ct)));
        var answer = Assert.Single(_api.Sent);
        Assert.Equal(Reporter, (long)answer["chat_id"]!);
        Assert.Contains("Edited messages are not read", (string)answer["text"]!, StringComparison.Ordinal);

        using var admin = await factory.AdminAsync();
        var status = await (await admin.GetAsync("/api/admin/telegram/status", ApiClient.Ct)).JsonAsync();
        Assert.Equal((2L, 3L, 0L), ((long)status["ingested"]!, (long)status["ignored"]!, (long)status["reports"]!));
        Assert.True(swappedUpdate > 0);
    }

    [Fact]
    public async Task ForwardedVideo_ReportWithTheVideoSealed_MatchedToARegisteredVideo_PosterAndAuditedReveal()
    {
        var original = MakeVideo("original.mp4", seed: 60, width: 320, height: 240, crf: 18);
        var forwarded = Transcode(original, "forwarded.mp4", width: 256, height: 192, crf: 30);
        var forwardedBytes = await File.ReadAllBytesAsync(forwarded, ApiClient.Ct);
        Assert.True(forwardedBytes.Length < MaxFileBytes);

        var factory = Start();
        var entryId = await RegisterVideoAsync(factory, original);

        _api.AddVideoFile("video-1", forwardedBytes, forwardedBytes.Length);
        _api.AddUpdate("message", BotApiStandIn.Private(Reporter, With(With(BotApiStandIn.Video("video-1", forwardedBytes.Length, 3), "caption", "this video of me is shared"), "forward_origin", ForwardOrigin())));

        // A report with a link only, for the priority a report without a match gets.
        _api.AddUpdate("message", BotApiStandIn.Private(Reporter + 1, new JsonObject
        {
            ["text"] = "see https://example.com/other",
            ["entities"] = new JsonArray(new JsonObject { ["type"] = "url", ["offset"] = 4, ["length"] = 25 }),
        }));

        await WaitForAsync(() => Task.FromResult(_api.Sent.Count == 2), "both receipts", seconds: 120);

        var reports = await QueryAsync(factory, db => db.Reports.AsNoTracking().OrderBy(r => r.Id).ToListAsync(ApiClient.Ct));
        Assert.Equal(2, reports.Count);
        var report = reports[0];
        Assert.Equal(["https://t.me/where_it_was/99"], report.Urls.Split('\n'));
        var receipt = _api.Sent.First(s => (long)s["chat_id"]! == Reporter);
        Assert.Contains(report.Receipt, (string)receipt["text"]!, StringComparison.Ordinal);

        // Stored sealed: the bytes in the store are not the video's.
        var evidence = await QueryAsync(factory, db => db.Evidence.AsNoTracking().SingleAsync(ApiClient.Ct));
        Assert.Equal((report.Id, "video/mp4", (long)forwardedBytes.Length), (evidence.ReportId!.Value, evidence.ContentType, evidence.Length));
        Assert.Equal((256, 192), (evidence.Width, evidence.Height));
        Assert.Equal(-1, evidence.Sealed.AsSpan().IndexOf(forwardedBytes.AsSpan(0, 16)));
        Assert.Equal(-1, evidence.Sealed.AsSpan().IndexOf(forwardedBytes.AsSpan(forwardedBytes.Length / 2, 16)));
        foreach (var file in Directory.EnumerateFiles(_dataDirectory, "*", SearchOption.AllDirectories))
        {
            // Nothing in the data directory (database, its journal, imports) holds the video in the clear.
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy, ApiClient.Ct);
            Assert.Equal(-1, copy.GetBuffer().AsSpan(0, (int)copy.Length).IndexOf(forwardedBytes.AsSpan(forwardedBytes.Length / 3, 32)));
        }

        var attachment = await QueryAsync(factory, db => db.ReportAttachments.AsNoTracking().SingleAsync(ApiClient.Ct));
        Assert.Equal((report.Id, evidence.Id, "video", ReportAttachmentRecord.Stored), (attachment.ReportId, attachment.EvidenceId!.Value, attachment.Kind, attachment.Status));
        Assert.InRange(attachment.DurationMs!.Value, 2500, 3500);
        Assert.True(attachment.Frames > 5);

        // Matched to the registered video: the report's item carries the match and outranks a report without one.
        var items = await QueryAsync(factory, db => db.ReviewItems.AsNoTracking().OrderBy(i => i.Id).ToListAsync(ApiClient.Ct));
        Assert.Equal(2, items.Count);
        var matched = items.Single(i => i.SourceId == report.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var plain = items.Single(i => i.Id != matched.Id);
        Assert.Equal((evidence.Id, entryId, "vpdq"), (matched.EvidenceId!.Value, matched.MatchedEntryId!.Value, matched.Signal));
        Assert.True(matched.MatchStrength > 0.8, $"match strength {matched.MatchStrength}");
        Assert.Equal(SHA256.HashData(forwardedBytes), matched.Sha256);
        Assert.True(matched.Priority > plain.Priority, $"priority {matched.Priority} vs {plain.Priority}");

        var audit = await QueryAsync(factory, db => db.AuditEntries.AsNoTracking().Where(a => a.Action == "telegram.fetched").SingleAsync(ApiClient.Ct));
        Assert.Contains("kind=video", audit.Detail, StringComparison.Ordinal);
        Assert.Contains("sha256=" + Convert.ToHexStringLower(SHA256.HashData(forwardedBytes)), audit.Detail, StringComparison.Ordinal);

        // The analyst sees a blurred grey poster and a "video, N s" line; the video only through the audited reveal, never autoplayed.
        using var admin = await factory.AdminAsync();
        using (var preview = await admin.GetAsync($"/api/review/items/{matched.Id}/preview", ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
            Assert.Equal("image/jpeg", preview.Content.Headers.ContentType?.MediaType);
            using var poster = NetVips.Image.NewFromBuffer(await preview.Content.ReadAsByteArrayAsync(ApiClient.Ct));
            Assert.True(poster.Bands == 1 || poster.Interpretation == NetVips.Enums.Interpretation.Bw, "the poster is grey");
        }

        using (var page = await admin.GetAsync($"/review/{matched.Id}", ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var html = await page.Content.ReadAsStringAsync(ApiClient.Ct);
            var line = VideoLine().Match(html);
            Assert.True(line.Success, "the page shows the video line");
            Assert.Contains("3", line.Groups[1].Value, StringComparison.Ordinal);
            Assert.Contains("data-testid=\"item-preview\"", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<video", html, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(await admin.AuditAsync(), e => (string?)e["action"] == "evidence.revealed");
        using (var reveal = await admin.PostAsync($"/api/review/items/{matched.Id}/reveal", null, ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.OK, reveal.StatusCode);
            Assert.Equal("video/mp4", reveal.Content.Headers.ContentType?.MediaType);
            Assert.Equal(forwardedBytes, await reveal.Content.ReadAsByteArrayAsync(ApiClient.Ct));
        }

        Assert.Contains(await admin.AuditAsync(), e => (string?)e["action"] == "evidence.revealed" && (string?)e["subject"] == $"review-item:{matched.Id}");
    }

    [Fact]
    public async Task ForwardedVideo_TooLarge_ReportStillMadeAndSaysSo_NothingDownloaded()
    {
        // Declared above the cap: not even looked up.
        _api.AddVideoFile("big-video", new byte[16], 5 * MaxFileBytes);
        _api.AddUpdate("message", BotApiStandIn.Private(Reporter, With(BotApiStandIn.Video("big-video", 5 * MaxFileBytes, 600), "forward_origin", ForwardOrigin())));

        // Size not declared, bytes above the cap: the download is cut off at the cap.
        var liar = new byte[2 * MaxFileBytes];
        _api.AddVideoFile("liar-video", liar, declaredBytes: null);
        _api.AddUpdate("message", BotApiStandIn.Private(Reporter + 1, With(BotApiStandIn.Video("liar-video", null, 60, field: "animation"), "caption", "also https://example.com/clip")));

        // Size not declared, and getFile answers as the real API does above 20 MB.
        _api.AddFileTooBigForApi("api-big");
        _api.AddUpdate("message", BotApiStandIn.Private(Reporter + 2, With(new JsonObject
        {
            ["document"] = new JsonObject { ["file_id"] = "api-big", ["file_unique_id"] = "u-api-big", ["mime_type"] = "video/mp4" },
        }, "forward_origin", ForwardOrigin())));

        var factory = Start();
        await WaitForAsync(() => Task.FromResult(_api.Sent.Count == 3), "three receipts");

        Assert.False(_api.FileLookups.ContainsKey("big-video"));
        Assert.False(_api.Downloads.ContainsKey("videos/big-video.mp4"));
        Assert.Equal(1, _api.Downloads["videos/liar-video.mp4"]);
        Assert.Equal(1, _api.FileLookups["api-big"]);

        var reports = await QueryAsync(factory, db => db.Reports.AsNoTracking().OrderBy(r => r.Id).ToListAsync(ApiClient.Ct));
        Assert.Equal(3, reports.Count);
        Assert.Equal(0, await QueryAsync(factory, db => db.Evidence.CountAsync(ApiClient.Ct)));
        var notes = await QueryAsync(factory, db => db.ReportAttachments.AsNoTracking().OrderBy(a => a.ReportId).ToListAsync(ApiClient.Ct));
        Assert.Equal(3, notes.Count);
        Assert.Equal((reports[0].Id, "video", ReportAttachmentRecord.TooLarge, 5 * MaxFileBytes, MaxFileBytes), (notes[0].ReportId, notes[0].Kind, notes[0].Status, notes[0].DeclaredBytes!.Value, notes[0].MaxBytes!.Value));
        Assert.Equal((reports[1].Id, "animation", ReportAttachmentRecord.TooLarge), (notes[1].ReportId, notes[1].Kind, notes[1].Status));
        Assert.Equal((reports[2].Id, "video-document", ReportAttachmentRecord.TooLarge), (notes[2].ReportId, notes[2].Kind, notes[2].Status));
        Assert.All(notes, n => Assert.Null(n.EvidenceId));

        foreach (var sent in _api.Sent)
        {
            var text = (string)sent["text"]!;
            Assert.Contains("too large for the bot", text, StringComparison.Ordinal);
            Assert.Contains(reports.Single(r => text.Contains(r.Receipt, StringComparison.Ordinal)).Receipt, text, StringComparison.Ordinal);
        }

        var refusals = await QueryAsync(factory, db => db.AuditEntries.AsNoTracking().Where(a => a.Action == "telegram.refused").ToListAsync(ApiClient.Ct));
        Assert.Equal(3, refusals.Count);
        Assert.All(refusals, r => Assert.Contains("reason=too-large", r.Detail, StringComparison.Ordinal));

        using var admin = await factory.AdminAsync();
        var itemId = await QueryAsync(factory, db => db.ReviewItems.Where(i => i.SourceId == reports[0].Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Select(i => i.Id).SingleAsync(ApiClient.Ct));
        var html = await (await admin.GetAsync($"/review/{itemId}", ApiClient.Ct)).Content.ReadAsStringAsync(ApiClient.Ct);
        Assert.Contains("data-testid=\"attachment-refused\"", html, StringComparison.Ordinal);
        Assert.Contains("5", RefusedLine().Match(html).Groups[1].Value, StringComparison.Ordinal);
        var status = await (await admin.GetAsync("/api/admin/telegram/status", ApiClient.Ct)).JsonAsync();
        Assert.Equal(3, (long)status["reports"]!);
    }

    [Fact]
    public async Task ForwardedVideo_ShowsHerEnrolledFace_ReportQueuedFirstAsHerFace_LinkedToHerCase()
    {
        // Her face is enrolled (embedding only); a video of composites of her face (pasted on drawn pictures) is reported.
        var samples = await FaceTestData.InstallAsync(_dataDirectory, runtime: false);
        var frames = Path.Combine(_work, "face-frames");
        Directory.CreateDirectory(frames);
        for (var i = 0; i < 6; i++)
        {
            await File.WriteAllBytesAsync(Path.Combine(frames, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"f{i:D2}.jpg")), FaceTestData.Composite(samples[0], seed: 70 + i, scale: 0.5, quality: 85, width: 640, height: 480), ApiClient.Ct);
        }

        var video = Path.Combine(_work, "her-face.mp4");
        FfmpegTool.Run("-framerate", "2", "-i", Path.Combine(frames, "f%02d.jpg"), "-r", "10", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-crf", "23", video);
        var bytes = await File.ReadAllBytesAsync(video, ApiClient.Ct);

        var factory = Start();
        using var client = factory.CreateClient();
        var (number, pin) = await client.CreateCaseAsync(80);
        var vector = FaceTestData.Embed(_dataDirectory, FaceTestData.EnrolmentPhoto(samples[0]));
        using (var added = await client.SendWithPinAsync(HttpMethod.Post, $"/api/cases/{number}/signals", pin, new { signals = new object[] { new { type = "face-faceres-v1", embedding = VictimFaces.Encode(vector) } }, faceConsent = true }))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, added.StatusCode);
        }

        _api.AddVideoFile("face-video", bytes, bytes.Length);
        _api.AddUpdate("message", BotApiStandIn.Private(Reporter, With(BotApiStandIn.Video("face-video", bytes.Length, 3), "forward_origin", ForwardOrigin())));
        await WaitForAsync(() => Task.FromResult(_api.Sent.Count == 1), "the receipt", seconds: 180);

        var item = await QueryAsync(factory, db => db.ReviewItems.AsNoTracking().SingleAsync(r => r.Kind == ReviewItemKind.Report, ApiClient.Ct));
        Assert.Equal("face", item.Signal);
        Assert.True(item.Priority >= ReviewPriority.ComputeVictimFace(0, 0), $"priority {item.Priority}");
        Assert.True(item.MatchStrength >= FaceBank.DefaultThreshold);
        Assert.NotNull(item.FrameAt);
        using var scope = factory.Services.CreateScope();
        var link = await scope.ServiceProvider.GetRequiredService<Haechi.Server.Features.Cases.GetItemCase>().ExecuteAsync(item.Id, ApiClient.Ct);
        Assert.Equal(number, link?.CaseNumber);
    }

    private static async Task<long> RegisterVideoAsync(HaechiServerFactory factory, string path)
    {
        var fingerprint = new VideoFingerprinter(VideoDecodeOptions.Default with { FramesPerSecond = 5 }, trimBorders: true).Fingerprint(path, ApiClient.Ct);
        using var scope = factory.Services.CreateScope();
        var store = new BankStore(scope.ServiceProvider.GetRequiredService<HaechiDbContext>(), TimeProvider.System);
        await store.CreateBankAsync("victim-videos", null, SignalType.Vpdq, ApiClient.Ct);
        var added = await store.AddVideoEntriesAsync("victim-videos", [new NewVideoEntry(fingerprint.Frames, "case-video-1", [])], ApiClient.Ct);
        // Written straight to the store: the matcher sees it at its next refresh (within a second); the
        // report below must not race that, so the test catches the matcher up now.
        await scope.ServiceProvider.GetRequiredService<Haechi.Pipeline.Matching.Matcher>().RefreshAsync(ApiClient.Ct);
        return added.AddedIds[0];
    }

    /// <summary>A 3 s H.264 video of six synthetic pictures, half a second each.</summary>
    private string MakeVideo(string name, int seed, int width, int height, int crf)
    {
        var frames = Path.Combine(_work, "frames-" + seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(frames);
        for (var i = 0; i < 6; i++)
        {
            File.WriteAllBytes(Path.Combine(frames, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"f{i:D2}.jpg")), SyntheticImages.Jpeg(width, height, seed + i));
        }

        var output = Path.Combine(_work, name);
        FfmpegTool.Run("-framerate", "2", "-i", Path.Combine(frames, "f%02d.jpg"), "-r", "10", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-crf", crf.ToString(System.Globalization.CultureInfo.InvariantCulture), output);
        return output;
    }

    /// <summary>What a messenger does to a forwarded video: smaller and more compressed.</summary>
    private string Transcode(string input, string name, int width, int height, int crf)
    {
        var output = Path.Combine(_work, name);
        FfmpegTool.Run("-i", input, "-vf", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"scale={width}:{height}"), "-c:v", "libx264", "-pix_fmt", "yuv420p", "-crf", crf.ToString(System.Globalization.CultureInfo.InvariantCulture), output);
        return output;
    }

    [GeneratedRegex("data-testid=\"attachment-video\">([^<]*)<")]
    private static partial Regex VideoLine();

    [GeneratedRegex("data-testid=\"attachment-refused\">([^<]*)<")]
    private static partial Regex RefusedLine();
}
