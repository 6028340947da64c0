using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Haechi.Cli.Tests;
using Haechi.Cli.Tests.Watching;
using Haechi.Core.Review;
using Haechi.Data;
using Haechi.Data.Ingestion;
using Haechi.Media.Images;
using Haechi.Media.Video;
using Haechi.Pipeline.Ingestion;
using Haechi.Pipeline.Review;
using Microsoft.Extensions.DependencyInjection;

namespace Haechi.Server.Tests.Features.Takedowns;

/// <summary>
/// A noticed video is followed like an image: re-fetched and re-fingerprinted (vPDQ) by the notice
/// loop, re-notified while the same video is still served, and marked removed once the host serves
/// another video in its place.
/// </summary>
public sealed class VideoRecheckTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("haechi-video-recheck-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task NoticedVideo_StillServed_ReNotified_ReplacedByAnotherVideo_Removed()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var site = await TestSite.StartAsync();
        await using var factory = new HaechiServerFactory(new(StringComparer.Ordinal)
        {
            ["Takedowns:Smtp:Host"] = "127.0.0.1",
            ["Takedowns:Smtp:Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Takedowns:Smtp:Security"] = "None",
            ["Takedowns:Smtp:From"] = "notices@haechi.test",
            ["Takedowns:LoopInterval"] = "00:00:00.200",
            ["Takedowns:RecheckInterval"] = "00:00:00.200",
            ["Takedowns:RenotifyInterval"] = "00:00:02",
            ["Takedowns:EscalateAfterNotices"] = "5",
            ["Takedowns:AllowPrivateAddresses"] = "true",
        });
        try
        {
            using var admin = await factory.AdminAsync();
            using var analyst = await factory.UserAsync(admin, "analyst", "ana");
            var noticed = await File.ReadAllBytesAsync(MakeVideo("noticed.mp4", 300), ApiClient.Ct);
            var other = await File.ReadAllBytesAsync(MakeVideo("other.mp4", 700), ApiClient.Ct);
            site.File("/v/clip.mp4", noticed);
            var url = site.Url("v/clip.mp4");

            // The video as the ingestion pipeline keeps it (its vPDQ frames) and its review item.
            var frames = new VideoFingerprinter(VideoDecodeOptions.Default, trimBorders: true).Fingerprint(Path.Combine(_work, "noticed.mp4"), ApiClient.Ct).Frames;
            long reviewId;
            await using (var scope = factory.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
                var ingest = new IngestItemRecord { SourceKind = "web", SourceId = "clip", Url = url.AbsoluteUri, State = IngestState.Done, ContentKind = "video", Frames = PackedFrames.Pack(frames), ReceivedAt = TimeProvider.System.GetUtcNow(), UpdatedAt = TimeProvider.System.GetUtcNow() };
                db.IngestItems.Add(ingest);
                await db.SaveChangesAsync(ApiClient.Ct);
                var queue = scope.ServiceProvider.GetRequiredService<IReviewQueue>();
                reviewId = (await queue.EnqueueAsync(new ReviewItemInput(ReviewItemKind.BankMatch, "ingest:" + ingest.Id.ToString(CultureInfo.InvariantCulture), MatchStrength: 0.9, Url: url, Signal: "vpdq"), ApiClient.Ct)).Id;
            }

            using (var decided = await analyst.PostAsJsonAsync($"/api/review/items/{reviewId}/decision", new { decision = "confirm", reason = "the victim's registered video" }, ApiClient.Ct))
            {
                Assert.Equal(HttpStatusCode.NoContent, decided.StatusCode);
            }

            // The confirmed video is hunted by its vPDQ: a later copy (the same clip re-encoded elsewhere)
            // matches the confirmed-video bank through the one matcher and takes the same decision.
            await using (var scope = factory.Services.CreateAsyncScope())
            {
                var copyFrames = new VideoFingerprinter(VideoDecodeOptions.Default, trimBorders: true).Fingerprint(MakeVideo("copy.mp4", 300, crf: 35), ApiClient.Ct).Frames;
                var matches = await scope.ServiceProvider.GetRequiredService<Haechi.Pipeline.Matching.Matcher>().MatchVideoAsync(copyFrames, Haechi.Pipeline.Matching.MatchFilter.Default, ApiClient.Ct);
                var linked = ConfirmedContent.Linked(matches);
                Assert.Equal(ConfirmedContent.VideoBankName, linked.Entry.Bank);
                Assert.Equal(ConfirmedContent.ExternalId(reviewId), linked.Entry.ExternalId);
                var copy = await scope.ServiceProvider.GetRequiredService<IReviewQueue>().EnqueueAsync(new ReviewItemInput(ReviewItemKind.WebItem, "later-copy", MatchStrength: linked.Strength, MatchedEntryId: linked.Entry.Id, Url: site.Url("v/copy.mp4"), Signal: "vpdq"), ApiClient.Ct);
                Assert.Equal((ReviewStatus.AutoClassified, (long?)reviewId), (copy.Status, copy.SameAsId));
            }

            using (var contact = await analyst.PostAsJsonAsync("/api/takedowns/contacts", new { name = "로컬 호스팅", hosts = "127.0.0.1", email = "abuse@host.test", language = "ko" }, ApiClient.Ct))
            {
                Assert.Equal(HttpStatusCode.Created, contact.StatusCode);
            }

            using (var sent = await analyst.PostAsJsonAsync($"/api/takedowns/review-items/{reviewId}/notice", new { }, ApiClient.Ct))
            {
                Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
            }

            // Still served: re-checked as "still there" and re-notified after the 2 s interval.
            var renotified = await WaitForItemAsync(analyst, url, i => (int)i["noticesSent"]! >= 2, TimeSpan.FromSeconds(30));
            Assert.Equal("referredToHost", (string)renotified["status"]!);
            var mails = await smtp.WaitForAsync(2, TimeSpan.FromSeconds(15));
            Assert.Contains(mails, m => (m.Message.Subject ?? string.Empty).Contains("(2차 통지)", StringComparison.Ordinal) && (m.Message.TextBody ?? string.Empty).Contains(url.AbsoluteUri, StringComparison.Ordinal));

            // The host puts another video at the same address: the re-check sees a different video, removed.
            site.File("/v/clip.mp4", other);
            var removed = await WaitForItemAsync(analyst, url, i => (string)i["status"]! == "removed", TimeSpan.FromSeconds(30));
            Assert.True((double)removed["hoursToRemoval"]! > 0);
        }
        finally
        {
            HaechiServerFactory.DeleteDirectory(factory.DataDirectory);
        }
    }

    private static async Task<JsonObject> WaitForItemAsync(HttpClient analyst, Uri url, Func<JsonObject, bool> done, TimeSpan timeout)
    {
        var deadline = TimeProvider.System.GetUtcNow() + timeout;
        while (true)
        {
            var notices = (await analyst.GetFromJsonAsync<JsonObject>("/api/takedowns/notices", ApiClient.Ct))!;
            var item = notices["items"]!.AsArray().Select(i => i!.AsObject()).Single(i => (string)i["url"]! == url.AbsoluteUri);
            if (done(item))
            {
                return item;
            }

            Assert.True(TimeProvider.System.GetUtcNow() < deadline, "timed out: " + item.ToJsonString());
            await Task.Delay(150, ApiClient.Ct);
        }
    }

    // A 3 s H.264 video of six synthetic pictures, half a second each.
    private string MakeVideo(string name, int seed, int crf = 23)
    {
        var frames = Path.Combine(_work, "frames-" + seed.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(frames);
        for (var i = 0; i < 6; i++)
        {
            File.WriteAllBytes(Path.Combine(frames, string.Create(CultureInfo.InvariantCulture, $"f{i:D2}.jpg")), SyntheticImages.Jpeg(320, 240, seed + i));
        }

        var output = Path.Combine(_work, name);
        FfmpegTool.Run("-framerate", "2", "-i", Path.Combine(frames, "f%02d.jpg"), "-r", "10", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-crf", crf.ToString(CultureInfo.InvariantCulture), output);
        return output;
    }
}
