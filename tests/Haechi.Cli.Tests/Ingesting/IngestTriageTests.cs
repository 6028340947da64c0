using Haechi.Core.Review;
using Haechi.Data;
using Haechi.Media.Images;
using Haechi.Media.Robust;
using Haechi.Media.Tests.Vision;
using Haechi.Media.Vision;
using Haechi.Pipeline.Ingestion;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Cli.Tests.Ingesting;

/// <summary>
/// The triage of <c>haechi ingest run</c> beyond images: faces and nudity on frames sampled over a
/// video (built with ffmpeg at test time from a face-api sample photo, pulled at test time, never
/// committed), and unmatched content over the nudity threshold queued with signal <c>nudity</c>
/// below every match. No sexual imagery is used: the threshold is set between the explicit scores of
/// two benign images, as the classifier computes them.
/// </summary>
public sealed class IngestTriageTests(ITestOutputHelper output) : IDisposable
{
    private const int Width = 480, Height = 360;
    private readonly string _dir = Directory.CreateTempSubdirectory("haechi-ingest-triage-").FullName;

    private string DataDir => Path.Combine(_dir, "data");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (int ExitCode, string Out, string Error) Haechi(params string[] args) => CliRunner.Run(["--data-dir", DataDir, .. args]);

    private async Task<string[]> PrepareAsync()
    {
        var store = await VisionTestData.RequireModelsAsync();
        var samples = await VisionTestData.RequireSamplesAsync();
        Directory.CreateDirectory(DataDir);
        Directory.CreateSymbolicLink(Path.Combine(DataDir, "models"), store.Directory);
        return samples;
    }

    private string EnrolSampleOneFace(string[] samples)
    {
        var enrol = Path.Combine(_dir, "enrol.jpg");
        using (var image = NetVips.Image.NewFromFile(samples[0]))
        using (var face = image.Crop(744, 364, 387, 387))
        {
            face.WriteToFile(enrol);
        }

        var enrolled = Haechi("faces", "enroll", "--bank", "enrolled", "--subject", "case-1", enrol);
        Assert.True(enrolled.ExitCode == 0, enrolled.Error);
        return enrol;
    }

    [Theory]
    [InlineData(12.0, 4, 1.0 / 3)] // 0, 3, 6, 9 s
    [InlineData(800.0, 8, 0.01)] // one frame every 100 s
    [InlineData(5.0, 8, 1.0)] // short: one per second, fewer than the cap
    [InlineData(8.0, 8, 1.0)]
    [InlineData(0.0, 8, 1.0)] // duration unknown: one per second, the frame cap still holds
    public void SampleRate_SpreadsTheCappedFramesOverTheVideo(double seconds, int maxFrames, double expected) =>
        Assert.Equal(expected, IngestVision.SampleRate(seconds, maxFrames), 9);

    [Fact]
    public async Task Run_VideoWithEnrolledFaceLate_FramesSpreadOverVideo_FaceMatchAtItsFrame_WithPriority()
    {
        var ct = TestContext.Current.CancellationToken;
        var samples = await PrepareAsync();
        EnrolSampleOneFace(samples);

        // 12 s at 25 fps: a plain colour until 8.5 s, then another photo of her (a wider crop of sample 1).
        var sighting = Path.Combine(_dir, "sighting.jpg");
        using (var image = NetVips.Image.NewFromFile(samples[0]))
        using (var wide = image.Crop(600, 250, 700, 700))
        {
            wide.WriteToFile(sighting);
        }

        var video = Path.Combine(_dir, "clip.mp4");
        FfmpegTool.Run(
            "-f", "lavfi", "-i", "color=c=0x336699:s=640x480:d=8.5:r=25",
            "-loop", "1", "-framerate", "25", "-t", "3.5", "-i", sighting,
            "-filter_complex", "[0:v]setsar=1,format=yuv420p[a];[1:v]scale=480:480,pad=640:480:80:0,setsar=1,format=yuv420p[b];[a][b]concat=n=2:v=1:a=0",
            "-c:v", "libx264", "-pix_fmt", "yuv420p", video);

        Assert.Equal(0, Haechi("ingest", "add", video).ExitCode);

        // Four frames spread over 12 s (0, 3, 6, 9 s): only the last shows her. Four frames from the
        // start (0..3 s) would have missed her.
        var run = Haechi("ingest", "run", "--until-idle", "--video-frames", "4");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("finished\t1", run.Out.Trim());
        var status = Haechi("ingest", "status").Out;
        output.WriteLine(status);
        Assert.Contains("face-matches\t1\n", status, StringComparison.Ordinal);
        Assert.Contains("nudity-scored\t1\n", status, StringComparison.Ordinal);

        await using var db = await HaechiDatabase.OpenAsync(DataDir, ct);
        var item = await db.IngestItems.AsNoTracking().SingleAsync(ct);
        output.WriteLine($"video: faces={item.FaceCount} similarity={item.FaceSimilarity} nudity={item.NudityScore} at={item.FrameAt} signal={item.Signal} priority={item.Priority}");
        var faceEntry = await db.BankEntries.AsNoTracking().Where(e => e.ExternalId == "case-1").Select(e => e.Id).SingleAsync(ct);
        Assert.Equal("video", item.ContentKind);
        Assert.Equal("face", item.Signal);
        Assert.Equal(faceEntry, item.FaceEntryId);
        Assert.InRange(item.FaceSimilarity!.Value, IngestionOptions.Default.FaceThreshold, 1.0);
        Assert.True(item.FaceCount >= 1);
        Assert.InRange(item.NudityScore!.Value, 0, 1);
        Assert.Equal(9.0, item.FrameAt!.Value, 2);
        Assert.Equal(ReviewPriority.Compute(MatchSignal.Face, item.FaceSimilarity.Value, item.NudityScore.Value), item.Priority, 9);

        var review = await db.ReviewItems.AsNoTracking().SingleAsync(ct);
        Assert.Equal(ReviewItemKind.FaceMatch, review.Kind);
        Assert.Equal("face", review.Signal);
        Assert.Equal(faceEntry, review.MatchedEntryId);
        Assert.Equal(item.FaceSimilarity.Value, review.MatchStrength, 9);
        Assert.Equal(item.Priority, review.Priority, 9);
        Assert.Equal(9.0, review.FrameAt!.Value, 2);
        var tier = item.NudityScore >= ReviewPriority.SexualContent ? (0.75, 1.0) : (0.25, 0.5);
        Assert.InRange(review.Priority, tier.Item1, tier.Item2);
    }

    [Fact]
    public async Task Run_UnmatchedOverNudityThreshold_QueuedAsNudityBelowMatches_UnderThresholdNot()
    {
        var ct = TestContext.Current.CancellationToken;
        var samples = await PrepareAsync();

        // Two benign images and their explicit scores (porn + hentai), as the pipeline's classifier computes them.
        var photo = await File.ReadAllBytesAsync(samples[4], ct);
        var drawing = SyntheticImages.Png(Width, Height, 905);
        VisionResult photoSeen, drawingSeen;
        using (var models = new VisionModels(DataDir))
        {
            var vision = new IngestVision(models);
            Assert.Equal("on", vision.Status.Nudity);
            photoSeen = vision.Analyse(photo, [], IngestionOptions.Default.FaceThreshold, IngestionOptions.Default.ImageDecode);
            drawingSeen = vision.Analyse(drawing, [], IngestionOptions.Default.FaceThreshold, IngestionOptions.Default.ImageDecode);
        }

        output.WriteLine($"photo nudity={photoSeen.Nudity} explicit={photoSeen.Explicit}; drawing nudity={drawingSeen.Nudity} explicit={drawingSeen.Explicit}");
        Assert.NotEqual(photoSeen.Explicit!.Value, drawingSeen.Explicit!.Value);
        var (over, under) = photoSeen.Explicit > drawingSeen.Explicit ? (photoSeen, drawingSeen) : (drawingSeen, photoSeen);
        var (overFile, underFile) = photoSeen.Explicit > drawingSeen.Explicit ? ("photo.jpg", "drawing.png") : ("drawing.png", "photo.jpg");
        var threshold = (photoSeen.Explicit.Value + drawingSeen.Explicit.Value) / 2;
        await File.WriteAllBytesAsync(Path.Combine(_dir, "photo.jpg"), photo, ct);
        await File.WriteAllBytesAsync(Path.Combine(_dir, "drawing.png"), drawing, ct);

        // A registered photo's copy: a fingerprint match, which stays above any nudity-only item.
        var registered = SyntheticImages.DrawRgb(Width, Height, 71);
        await File.WriteAllBytesAsync(Path.Combine(_dir, "registered.jpg"), SyntheticImages.EncodeJpeg(registered, Width, Height), ct);
        await File.WriteAllBytesAsync(Path.Combine(_dir, "copy.jpg"), ImageEdits.Apply(registered, Width, Height, ImageEdit.JpegQ30), ct);
        Assert.Equal(0, Haechi("bank", "create", "victims").ExitCode);
        Assert.Equal(0, Haechi("bank", "add", "victims", "--id", "case-2", Path.Combine(_dir, "registered.jpg")).ExitCode);
        Assert.Equal(0, Haechi("ingest", "add", Path.Combine(_dir, overFile), Path.Combine(_dir, underFile), Path.Combine(_dir, "copy.jpg")).ExitCode);

        var run = Haechi("ingest", "run", "--until-idle", "--queue-nudity-above", threshold.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("finished\t3", run.Out.Trim());

        await using var db = await HaechiDatabase.OpenAsync(DataDir, ct);
        var items = await db.IngestItems.AsNoTracking().OrderBy(i => i.Id).ToListAsync(ct);
        var (queued, left, copy) = (items[0], items[1], items[2]);
        foreach (var item in items)
        {
            output.WriteLine($"item {item.Id}: nudity={item.NudityScore} explicit={item.ExplicitScore} signal={item.Signal} priority={item.Priority} review={item.ReviewItemId}");
        }

        // Over the threshold, nothing matched: queued with signal nudity, in the lowest tier, by its nudity score.
        Assert.Equal("nudity", queued.Signal);
        Assert.Equal(over.Explicit!.Value, queued.ExplicitScore!.Value, 6);
        Assert.Equal(over.Nudity!.Value, queued.NudityScore!.Value, 6);
        Assert.Equal(ReviewPriority.Compute(MatchSignal.Nudity, 0, queued.NudityScore.Value), queued.Priority, 9);
        Assert.NotNull(queued.ReviewItemId);

        // Under it: scored, done, not queued.
        Assert.Null(left.Signal);
        Assert.Null(left.ReviewItemId);
        Assert.Equal(under.Explicit!.Value, left.ExplicitScore!.Value, 6);

        var review = await db.ReviewItems.AsNoTracking().OrderByDescending(r => r.Priority).ToListAsync(ct);
        Assert.Equal(2, review.Count);
        Assert.Equal("pdq", review[0].Signal);
        Assert.Equal(copy.ReviewItemId, review[0].Id);
        var nudity = review[1];
        Assert.Equal(queued.ReviewItemId, nudity.Id);
        Assert.Equal("nudity", nudity.Signal);
        Assert.Equal(ReviewItemKind.NudityTriage, nudity.Kind);
        Assert.Null(nudity.MatchedEntryId);
        Assert.Equal(0, nudity.MatchStrength);
        Assert.Equal(queued.NudityScore.Value, nudity.NudityScore, 9);
        Assert.InRange(nudity.Priority, 0, 0.25);
        Assert.True(review[0].Priority > nudity.Priority);
    }

    [Fact]
    public async Task Run_DefaultThreshold_ClothedPhotosScoredSexyByTheModel_NotQueued()
    {
        var ct = TestContext.Current.CancellationToken;
        var samples = await PrepareAsync();

        // Samples 2 and 5: the highest porn + hentai of the six face-api photos (clothed people).
        Assert.Equal(0, Haechi("ingest", "add", samples[1], samples[4]).ExitCode);
        var run = Haechi("ingest", "run", "--until-idle");
        Assert.True(run.ExitCode == 0, run.Error);

        await using var db = await HaechiDatabase.OpenAsync(DataDir, ct);
        var items = await db.IngestItems.AsNoTracking().ToListAsync(ct);
        Assert.Equal(2, items.Count);
        Assert.All(items, i =>
        {
            output.WriteLine($"item {i.Id}: nudity={i.NudityScore} explicit={i.ExplicitScore}");
            Assert.InRange(i.ExplicitScore!.Value, 0, IngestionOptions.DefaultQueueNudityAbove);
            Assert.InRange(i.ExplicitScore.Value, 0, i.NudityScore!.Value);
            Assert.Null(i.Signal);
            Assert.Null(i.ReviewItemId);
        });
        Assert.Equal(0, await db.ReviewItems.CountAsync(ct));
    }
}
