using System.Text.Json;
using Haechi.Core.Forensics;
using Haechi.Media.Images;
using Haechi.Media.Models;
using Haechi.Media.Tests.Forensics;
using Haechi.Media.Tests.Vision;
using Haechi.Media.Vision;

namespace Haechi.Cli.Tests.Forensics;

/// <summary>
/// <c>haechi analyze --sources/--bank</c> end to end: a generated face swap (a face from one face-api
/// sample photo pasted over a face of another) against a reference folder and a PDQ bank.
/// </summary>
public sealed class AnalyzeSourcesTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("haechi-analyze-sources-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Analyze_FaceSwapWithSourcesAndBank_FindsTheOriginalMarksTheFaceAndReports()
    {
        var store = await VisionTestData.RequireModelsAsync();
        var samples = await VisionTestData.RequireSamplesAsync();
        var data = Path.Combine(_dir, "data");
        Directory.CreateDirectory(data);
        Directory.CreateSymbolicLink(Path.Combine(data, "models"), store.Directory);
        var references = Path.Combine(_dir, "references");
        Directory.CreateDirectory(references);

        using var detectorModel = store.Load(ModelCatalog.FaceDetector, "face-detection");
        var detector = new FaceDetector(detectorModel);
        var photos = new List<Photo>();
        for (var i = 0; i < 3; i++)
        {
            var image = ImageDecoder.Decode(samples[i], ImageDecodeOptions.Default with { MinWorkingSide = 640 });
            var face = detector.Detect(image).OrderByDescending(f => f.Width * f.Height).First();
            var scale = (float)image.Width / image.SourceWidth;
            photos.Add(new Photo(i, image.Pixels, image.Width, image.Height, (face.X * scale, face.Y * scale, face.Width * scale, face.Height * scale)));
            await File.WriteAllBytesAsync(Path.Combine(references, $"original{i + 1}.jpg"), SourceComposites.Encode(image.Pixels, image.Width, image.Height, "jpg", 92), TestContext.Current.CancellationToken);
        }

        var suspect = Path.Combine(_dir, "suspect.jpg");
        await File.WriteAllBytesAsync(suspect, SourceComposites.Resized(SourceComposites.PasteFace(photos[2], photos[1]), photos[1].Width, photos[1].Height, 0.8, "jpg", 80), TestContext.Current.CancellationToken);
        Assert.Equal(0, CliRunner.Run("--data-dir", data, "bank", "create", "victims").ExitCode);
        Assert.Equal(0, CliRunner.Run("--data-dir", data, "bank", "add", "victims", "--id", "case-7", Path.Combine(references, "original2.jpg")).ExitCode);

        var report = Path.Combine(_dir, "case.html");
        var (code, stdout, error) = CliRunner.Run("--data-dir", data, "analyze", "--json", "--report", report, "--sources", references, "--bank", "victims", suspect);

        Assert.True(code == 0, error);
        output.WriteLine(stdout);
        using var doc = JsonDocument.Parse(CliRunner.Lines(stdout).Single());
        var root = doc.RootElement;
        var finding = root.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("method").GetString() == "source-match");
        Assert.Equal(EvidenceBandText.StrongEvidenceOfManipulation, finding.GetProperty("band").GetString());
        Assert.Contains(root.GetProperty("findings").EnumerateArray(), f => f.GetProperty("method").GetString() == "face-consistency");
        var matches = root.GetProperty("sourceMatches").EnumerateArray().ToList();
        var original = matches.Single(m => m.GetProperty("reference").GetString() == Path.Combine(references, "original2.jpg"));
        Assert.Contains(original.GetProperty("signals").EnumerateArray(), s => s.GetProperty("signal").GetString() == "non-face-pdq" && s.GetProperty("matched").GetBoolean());
        Assert.True(original.GetProperty("comparison").GetProperty("changeMostlyOnFaces").GetBoolean());
        Assert.Contains(matches, m => m.GetProperty("kind").GetString() == "bank" && m.GetProperty("reference").GetString()!.Contains("case-7", StringComparison.Ordinal));
        var donor = matches.Single(m => m.GetProperty("reference").GetString() == Path.Combine(references, "original3.jpg"));
        Assert.Contains(donor.GetProperty("signals").EnumerateArray(), s => s.GetProperty("signal").GetString() == "face-embedding" && s.GetProperty("matched").GetBoolean());
        Assert.DoesNotContain(matches, m => m.GetProperty("reference").GetString() == Path.Combine(references, "original1.jpg"));

        var html = await File.ReadAllTextAsync(report, TestContext.Current.CancellationToken);
        Assert.Contains("Original photo search", html, StringComparison.Ordinal);
        Assert.Contains("Side by side.", html, StringComparison.Ordinal);
        Assert.Contains("consistent with a face swap", html, StringComparison.Ordinal);
        var screenshots = Environment.GetEnvironmentVariable("HAECHI_SCREENSHOTS");
        if (!string.IsNullOrEmpty(screenshots))
        {
            Directory.CreateDirectory(screenshots);
            File.Copy(report, Path.Combine(screenshots, "source-match-report.html"), overwrite: true);
        }
    }

    [Fact]
    public void Analyze_SourcesWithoutModels_PdqOnlyAndSaysSo()
    {
        var data = Path.Combine(_dir, "empty-data");
        var references = Path.Combine(_dir, "plain");
        Directory.CreateDirectory(references);
        var (pixels, w, h) = SourceComposites.Synthetic(640, 480, 5);
        File.WriteAllBytes(Path.Combine(references, "a.png"), SourceComposites.Encode(pixels, w, h, "png", 0));
        var suspect = Path.Combine(_dir, "copy.jpg");
        File.WriteAllBytes(suspect, SourceComposites.Resized(pixels, w, h, 0.5, "jpg", 75));

        var (code, stdout, error) = CliRunner.Run("--data-dir", data, "analyze", "--reveal", "--report", Path.Combine(_dir, "plain.html"), "--sources", references, suspect);
        var screenshots = Environment.GetEnvironmentVariable("HAECHI_SCREENSHOTS");
        if (!string.IsNullOrEmpty(screenshots))
        {
            Directory.CreateDirectory(screenshots);
            File.Copy(Path.Combine(_dir, "plain.html"), Path.Combine(screenshots, "plain-copy-report.html"), overwrite: true);
        }

        output.WriteLine(stdout);
        Assert.Equal(0, code);
        Assert.Contains("face models not available", error, StringComparison.Ordinal);
        Assert.Contains("source file " + Path.Combine(references, "a.png") + ": whole-picture PDQ", stdout, StringComparison.Ordinal);
        Assert.Contains("[no evidence found] source-match:", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_MissingSourcesFolder_ExitTwo()
    {
        var (code, _, error) = CliRunner.Run("--data-dir", Path.Combine(_dir, "d"), "analyze", "--sources", Path.Combine(_dir, "nope"), "x.jpg");
        Assert.Equal(2, code);
        Assert.Contains("sources folder does not exist", error, StringComparison.Ordinal);
    }
}
