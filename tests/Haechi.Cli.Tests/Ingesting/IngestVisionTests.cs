using Haechi.Core.Faces;
using Haechi.Core.Review;
using Haechi.Data;
using Haechi.Media.Images;
using Haechi.Media.Robust;
using Haechi.Media.Tests.Vision;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Cli.Tests.Ingesting;

/// <summary>
/// Faces and nudity inside <c>haechi ingest</c>: on the real models and the face-api sample photos
/// (pulled at test time, never committed), an enrolled victim's face in another photo becomes a
/// review item with signal <c>face</c> and the documented priority, an unrelated face does not, every
/// image gets a nudity score, and without models the pipeline says faces and nudity are off and
/// still finishes its items.
/// </summary>
public sealed class IngestVisionTests(ITestOutputHelper output) : IDisposable
{
    private const int Width = 480, Height = 360;
    private readonly string _dir = Directory.CreateTempSubdirectory("haechi-ingest-vision-").FullName;

    private string DataDir => Path.Combine(_dir, "data");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (int ExitCode, string Out, string Error) Haechi(params string[] args) => CliRunner.Run(["--data-dir", DataDir, .. args]);

    private string WriteFile(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public async Task Run_EnrolledFaceInAnotherPhoto_ReviewedAsFaceWithPriority_UnrelatedFaceNot_NudityScored()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = await VisionTestData.RequireModelsAsync();
        var samples = await VisionTestData.RequireSamplesAsync();
        Directory.CreateDirectory(DataDir);
        Directory.CreateSymbolicLink(Path.Combine(DataDir, "models"), store.Directory);

        // The victim enrols one face cropped from sample 1 (her consented photo; only the embedding is kept).
        var enrol = Path.Combine(_dir, "enrol.jpg");
        using (var image = NetVips.Image.NewFromFile(samples[0]))
        using (var face = image.Crop(744, 364, 387, 387))
        {
            face.WriteToFile(enrol);
        }

        var enrolled = Haechi("faces", "enroll", "--bank", "enrolled", "--subject", "case-1", enrol);
        Assert.True(enrolled.ExitCode == 0, enrolled.Error);

        // Another photo of her: a wider crop of sample 1, shrunk and re-encoded (not the enrolled pixels).
        var sighting = Path.Combine(_dir, "sighting.jpg");
        using (var image = NetVips.Image.NewFromFile(samples[0]))
        using (var wide = image.Crop(600, 250, 700, 700))
        using (var small = wide.Resize(0.7))
        {
            small.WriteToFile(sighting + "[Q=75]");
        }

        // A registered photo (PDQ bank) and its JPEG copy, an unrelated face (sample 2), a synthetic drawing.
        var registered = SyntheticImages.DrawRgb(Width, Height, 71);
        Assert.Equal(0, Haechi("bank", "create", "victims").ExitCode);
        Assert.Equal(0, Haechi("bank", "add", "victims", "--id", "case-2", WriteFile("registered.jpg", SyntheticImages.EncodeJpeg(registered, Width, Height))).ExitCode);
        var copy = WriteFile("copy.jpg", ImageEdits.Apply(registered, Width, Height, ImageEdit.JpegQ30));
        var drawing = WriteFile("drawing.png", SyntheticImages.Png(Width, Height, 905));
        var added = Haechi("ingest", "add", sighting, samples[1], copy, drawing);
        Assert.True(added.ExitCode == 0, added.Error);

        var run = Haechi("ingest", "run", "--until-idle");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("finished\t4", run.Out.Trim());
        var status = Haechi("ingest", "status").Out;
        output.WriteLine(status);
        Assert.Contains("faces\ton\n", status, StringComparison.Ordinal);
        Assert.Contains("nudity\ton\n", status, StringComparison.Ordinal);
        Assert.Contains("face-ages\ton\n", status, StringComparison.Ordinal);
        Assert.Contains("face-banks\t1\n", status, StringComparison.Ordinal);
        Assert.Contains("face-matches\t1\n", status, StringComparison.Ordinal);
        Assert.Contains("nudity-scored\t4\n", status, StringComparison.Ordinal);
        Assert.Contains("possible-minors\t0\n", status, StringComparison.Ordinal);

        await using var db = await HaechiDatabase.OpenAsync(DataDir, ct);
        var items = await db.IngestItems.AsNoTracking().OrderBy(i => i.Id).ToListAsync(ct);
        var (her, stranger, pdqCopy, drawn) = (items[0], items[1], items[2], items[3]);
        foreach (var item in items)
        {
            output.WriteLine($"item {item.Id}: faces={item.FaceCount} face-similarity={item.FaceSimilarity} nudity={item.NudityScore} signal={item.Signal} priority={item.Priority}");
        }

        // Her face, found in a photo no bank holds.
        var faceEntry = await db.BankEntries.AsNoTracking().Where(e => e.ExternalId == "case-1").Select(e => e.Id).SingleAsync(ct);
        Assert.Equal("face", her.Signal);
        Assert.Equal(faceEntry, her.FaceEntryId);
        Assert.InRange(her.FaceSimilarity!.Value, 0.66, 1.0);
        Assert.Equal(0, her.MatchCount);
        Assert.True(her.FaceCount >= 1);

        // Faces of other people: detected, not matched, not reviewed.
        Assert.Equal(VisionTestData.FacesPerSample[1], stranger.FaceCount);
        Assert.Null(stranger.FaceEntryId);
        Assert.Null(stranger.Signal);
        Assert.Null(stranger.ReviewItemId);

        // The fingerprint match keeps its signal; the drawing has no face, is not sexual, and is not reviewed.
        Assert.Equal("pdq", pdqCopy.Signal);
        Assert.Equal(0, drawn.FaceCount);
        Assert.Null(drawn.Signal);
        Assert.InRange(drawn.NudityScore!.Value, 0, ReviewPriority.SexualContent - 0.001);

        // Every image is scored, and an unmatched item's priority orders by its nudity score.
        Assert.All(items, i => Assert.InRange(i.NudityScore!.Value, 0, 1));
        Assert.Equal(stranger.NudityScore > drawn.NudityScore, stranger.Priority > drawn.Priority);
        Assert.Equal(ReviewPriority.Compute(MatchSignal.None, 0, drawn.NudityScore!.Value), drawn.Priority, 9);

        // The review items: which signal, its score, the nudity score and the priority of the formula.
        var review = await db.ReviewItems.AsNoTracking().OrderByDescending(r => r.Priority).ToListAsync(ct);
        Assert.Equal(2, review.Count);
        var faceItem = review.Single(r => r.Signal == "face");
        Assert.Equal(ReviewItemKind.FaceMatch, faceItem.Kind);
        Assert.Equal($"ingest:{her.Id}", faceItem.SourceId);
        Assert.Equal(faceEntry, faceItem.MatchedEntryId);
        Assert.Equal(her.FaceSimilarity!.Value, faceItem.MatchStrength, 9);
        Assert.Equal(her.NudityScore!.Value, faceItem.NudityScore, 9);
        Assert.Equal(ReviewPriority.Compute(MatchSignal.Face, faceItem.MatchStrength, faceItem.NudityScore), faceItem.Priority, 9);
        var pdqItem = review.Single(r => r.Signal == "pdq");
        Assert.Equal(ReviewItemKind.BankMatch, pdqItem.Kind);
        Assert.InRange(pdqItem.Priority, 0.5, 0.75);

        // The adults of the sample photos are not flagged as possible minors (ADR 0013).
        Assert.All(items.Where(i => i.FaceCount > 0), i => Assert.True(i.YoungestAge >= FaceAge.MinorBelow, $"item {i.Id}: youngest face estimated at {i.YoungestAge}"));
        Assert.All(items.Where(i => i.FaceCount == 0), i => Assert.Null(i.YoungestAge));
        Assert.All(review, r => Assert.False(r.PossibleMinor));

        // Her face on sexual content would come first; on these clothed photos a fingerprint copy outranks it.
        var sexual = faceItem.NudityScore >= ReviewPriority.SexualContent;
        Assert.Equal(sexual ? "face" : "pdq", review[0].Signal);
        if (sexual)
        {
            Assert.InRange(faceItem.Priority, 0.75, 1.0);
        }
        else
        {
            Assert.InRange(faceItem.Priority, 0.25, 0.5);
        }
    }

    [Fact]
    public async Task Run_ModelsNotInstalled_StatusSaysOff_ItemsStillComplete()
    {
        var ct = TestContext.Current.CancellationToken;
        var a = WriteFile("a.png", SyntheticImages.Png(Width, Height, 1));
        var b = WriteFile("b.jpg", SyntheticImages.Jpeg(Width, Height, 2));
        Assert.Equal(0, Haechi("ingest", "add", a, b).ExitCode);

        Assert.Equal("finished\t2", Haechi("ingest", "run", "--until-idle").Out.Trim());
        var status = Haechi("ingest", "status").Out;
        Assert.Contains("faces\toff (models-not-installed)\n", status, StringComparison.Ordinal);
        Assert.Contains("nudity\toff (models-not-installed)\n", status, StringComparison.Ordinal);
        Assert.Contains("face-ages\toff (models-not-installed)\n", status, StringComparison.Ordinal);
        Assert.Contains("done\t2\n", status, StringComparison.Ordinal);
        Assert.Contains("nudity-scored\t0\n", status, StringComparison.Ordinal);
        Assert.Contains("possible-minors\t0\n", status, StringComparison.Ordinal);
        var json = Haechi("ingest", "status", "--json").Out;
        Assert.Contains("\"faces\":\"off (models-not-installed)\"", json, StringComparison.Ordinal);

        await using var db = await HaechiDatabase.OpenAsync(DataDir, ct);
        var items = await db.IngestItems.AsNoTracking().ToListAsync(ct);
        Assert.All(items, i =>
        {
            Assert.NotNull(i.Pdq);
            Assert.Null(i.FaceCount);
            Assert.Null(i.YoungestAge);
            Assert.Null(i.NudityScore);
            Assert.Equal(0, i.Priority);
        });
    }
}
