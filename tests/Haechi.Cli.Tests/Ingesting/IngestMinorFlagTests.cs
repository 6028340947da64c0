using Haechi.Core.Faces;
using Haechi.Core.Review;
using Haechi.Data;
using Haechi.Media.Images;
using Haechi.Media.Robust;
using Haechi.Media.Tests.Vision;
using Haechi.Media.Vision;
using Haechi.Pipeline.Fetching;
using Haechi.Pipeline.Ingestion;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Cli.Tests.Ingesting;

/// <summary>
/// The possible-minor flag from the face model's age estimate, wired through the ingestion pipeline:
/// an ingested photo whose face is estimated under <see cref="FaceAge.MinorBelow"/> reaches the queue
/// flagged, with its estimate, and is ordered before a stronger match. No photo of a real child is
/// used: the real detector finds the faces of an adult sample photo and a stand-in estimator (through
/// <see cref="IFaceAgeEstimator"/>, the boundary the pipeline offers) gives their age. The real age
/// head is tested on its own in <c>FaceAgeModelTests</c>.
/// </summary>
public sealed class IngestMinorFlagTests : IDisposable
{
    private const int Width = 480, Height = 360;
    private readonly HaechiCli _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Run_FaceEstimatedYoung_FlaggedWithItsAgeAndQueuedBeforeAStrongerMatch()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = await VisionTestData.RequireModelsAsync();
        var samples = await VisionTestData.RequireSamplesAsync();
        Directory.CreateDirectory(_cli.DataDirectory);
        Directory.CreateSymbolicLink(Path.Combine(_cli.DataDirectory, "models"), store.Directory);

        // Two registered photos: a sample photo with faces, and a drawing without any.
        var (rgb, width, height) = ImageEdits.DecodeRgb(await File.ReadAllBytesAsync(samples[2], ct));
        var drawing = SyntheticImages.DrawRgb(Width, Height, 41);
        _cli.CreateBank("victims");
        _cli.AddPhoto("victims", samples[2], "case-1");
        _cli.AddPhoto("victims", SyntheticImages.EncodeJpeg(drawing, Width, Height), "case-2");

        // Found: a captioned copy of the photo (a weaker match) and the drawing as registered (the strongest).
        var photoCopy = _cli.WriteFile(ImageEdits.Apply(rgb, width, height, ImageEdit.Caption));
        var drawingCopy = _cli.WriteFile(SyntheticImages.EncodeJpeg(drawing, Width, Height));
        await using (var services = _cli.Services())
        using (var models = new VisionModels(_cli.DataDirectory, VisionParts.Faces))
        {
            var vision = new IngestVision(models, new FixedAge(12.3));
            Assert.Equal("on", vision.Status.Faces);
            var pipeline = await services.OpenPipelineAsync(IngestionOptions.Default, FetchOptions.Default, ct, vision);
            Assert.Equal(EnqueueStatus.Accepted, (await pipeline.EnqueueAsync(new IngestRequest("test", "photo", FilePath: photoCopy), ct)).Status);
            Assert.Equal(EnqueueStatus.Accepted, (await pipeline.EnqueueAsync(new IngestRequest("test", "drawing", FilePath: drawingCopy), ct)).Status);
            Assert.Equal(2, await pipeline.RunAsync(untilIdle: true, ct));
        }

        Assert.Contains("possible-minors\t1\n", _cli.Run("ingest", "status").Out, StringComparison.Ordinal);
        await using var db = await HaechiDatabase.OpenAsync(_cli.DataDirectory, ct);
        var ingested = await db.IngestItems.AsNoTracking().ToDictionaryAsync(i => i.SourceId, ct);
        Assert.Equal(12.3, ingested["photo"].YoungestAge);
        Assert.Null(ingested["drawing"].YoungestAge);
        Assert.Equal(0, ingested["drawing"].FaceCount);

        var review = await db.ReviewItems.AsNoTracking().ToDictionaryAsync(r => r.SourceId, ct);
        var photo = review[IngestSource.SourceId(ingested["photo"].Id)];
        var other = review[IngestSource.SourceId(ingested["drawing"].Id)];
        Assert.True(photo.PossibleMinor);
        Assert.Equal(12.3, photo.MinorAge);
        Assert.False(other.PossibleMinor);
        Assert.Null(other.MinorAge);

        // The drawing's match is stronger, yet the possible minor is reviewed first.
        Assert.True(other.Priority > photo.Priority, $"{other.Priority} vs {photo.Priority}");
        var order = review.Values.Select(r => new ReviewOrderKey(r.Id, r.PossibleMinor, r.MatchStrength, r.NudityScore, r.Priority)).ToList();
        order.Sort((a, b) => ReviewRules.Compare(a, b));
        Assert.Equal(photo.Id, order[0].Id);
    }

    /// <summary>A stand-in age estimator: every face is <paramref name="age"/> years old.</summary>
    private sealed class FixedAge(double age) : IFaceAgeEstimator
    {
        public double[] EstimateAges(DecodedImage image, IReadOnlyList<DetectedFace> faces) => [.. Enumerable.Repeat(age, faces.Count)];
    }
}
