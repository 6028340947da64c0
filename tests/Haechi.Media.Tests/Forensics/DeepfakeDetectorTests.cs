using System.Globalization;
using System.Text.RegularExpressions;
using Haechi.Core.Forensics;
using Haechi.Core.Forensics.Detectors;
using Haechi.Media.Forensics;
using Haechi.Media.Forensics.Detectors;
using Haechi.Media.Images;
using Haechi.Media.Models;
using Haechi.Media.Models.Tfjs;
using Haechi.Media.Tests.Vision;
using Haechi.Media.Vision;

namespace Haechi.Media.Tests.Forensics;

/// <summary>
/// The pluggable-detector contract with a tiny classifier built here (mean brightness of the crop →
/// sigmoid), so a bright face must score higher than a dark one by an amount computed independently;
/// calibration, refusal of a tampered model, and the antispoof liveness model registered as a detector.
/// </summary>
public sealed partial class DeepfakeDetectorTests : IDisposable
{
    private const int Side = 16;
    private const float Scale = 4 / 255f;
    private const float Offset = -2f;
    private const byte Bright = 200;
    private const byte Dark = 40;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "haechi-detectors-" + Guid.NewGuid().ToString("N"));
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "haechi-detectors-tfjs-" + Guid.NewGuid().ToString("N"));

    // Left half bright, right half dark; one "face" box in each half.
    private static readonly DetectedFace BrightFace = new(32, 32, 64, 64, 0.9f, []);
    private static readonly DetectedFace DarkFace = new(160, 32, 64, 64, 0.9f, []);

    private static double ExpectedScore(byte level) => 1 / (1 + Math.Exp(-((level * Scale) + Offset)));

    [Fact]
    public void Uncalibrated_BrightFaceScoresHigherThanDark_BandInconclusive()
    {
        WriteTinyDetector("tiny");
        using var set = DeepfakeDetectorSet.Load(_root);

        var finding = Assert.Single(set.Analyze(TwoToneImage(), [BrightFace, DarkFace]));

        Assert.Equal("detector:tiny", finding.Method);
        Assert.Equal(EvidenceBand.Inconclusive, finding.Band);
        Assert.Contains("UNCALIBRATED", finding.Summary, StringComparison.Ordinal);
        var scores = Scores(finding);
        Assert.Equal(ExpectedScore(Bright), scores[0], 2);
        Assert.Equal(ExpectedScore(Dark), scores[1], 2);
        Assert.True(scores[0] > scores[1] + 0.4);
        Assert.Contains(finding.Details, d => d.Key == "aggregate" && d.Value.StartsWith(string.Create(CultureInfo.InvariantCulture, $"max {scores[0]:F3}, mean {(scores[0] + scores[1]) / 2:F3}"), StringComparison.Ordinal));
    }

    [Fact]
    public void PlattCalibration_BrightFaceAboveThreshold_StrongWithSourceNamed_DarkInconclusive()
    {
        var folder = WriteTinyDetector("tiny");
        File.WriteAllText(Path.Combine(folder, "calibration.json"), """{"method":"platt","a":-10,"b":5,"source":"test set A (synthetic)"}""");
        using var set = DeepfakeDetectorSet.Load(_root);

        var bright = Assert.Single(set.Analyze(TwoToneImage(), [BrightFace, DarkFace]));
        var dark = Assert.Single(set.Analyze(TwoToneImage(), [DarkFace]));

        var expected = 1 / (1 + Math.Exp((-10 * ExpectedScore(Bright)) + 5));
        Assert.True(expected >= 0.9);
        Assert.Equal(EvidenceBand.StrongEvidenceOfManipulation, bright.Band);
        Assert.Contains("test set A (synthetic)", bright.Summary, StringComparison.Ordinal);
        Assert.Contains(expected.ToString("F3", CultureInfo.InvariantCulture), bright.Summary, StringComparison.Ordinal);
        Assert.Equal(EvidenceBand.Inconclusive, dark.Band);
        Assert.Contains("below the manifest's threshold", dark.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void IsotonicCalibration_InterpolatesTable_BelowThresholdInconclusive()
    {
        var folder = WriteTinyDetector("tiny");
        File.WriteAllText(Path.Combine(folder, "calibration.json"), """{"method":"isotonic","points":[[0,0],[0.5,0.2],[1,0.6]],"source":"table B"}""");
        using var set = DeepfakeDetectorSet.Load(_root);

        var finding = Assert.Single(set.Analyze(TwoToneImage(), [BrightFace]));

        var expected = 0.2 + ((ExpectedScore(Bright) - 0.5) / 0.5 * 0.4);
        Assert.Equal(EvidenceBand.Inconclusive, finding.Band);
        Assert.Contains(expected.ToString("F3", CultureInfo.InvariantCulture), finding.Summary, StringComparison.Ordinal);
        Assert.Contains("isotonic", finding.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Isotonic_UnsortedTable_Rejected()
    {
        Assert.Throws<ArgumentException>(() => DetectorCalibration.Isotonic([(0.5, 0.2), (0.4, 0.3)], "x"));
        Assert.Throws<ArgumentException>(() => DetectorCalibration.Isotonic([(0.1, 0.5), (0.4, 0.3)], "x"));
    }

    [Fact]
    public void CorruptedModelAndWrongSelfTestAndBadCalibration_Refused_OthersStillRun()
    {
        var corrupted = WriteTinyDetector("a-corrupted");
        var bytes = File.ReadAllBytes(Path.Combine(corrupted, "model.onnx"));
        bytes[^5] ^= 0x55;
        File.WriteAllBytes(Path.Combine(corrupted, "model.onnx"), bytes);
        WriteTinyDetector("b-selftest", expectedOverride: 0.123f);
        var badCalibration = WriteTinyDetector("c-calibration");
        File.WriteAllText(Path.Combine(badCalibration, "calibration.json"), """{"method":"platt","a":1,"b":2}""");
        WriteTinyDetector("d-good");
        using var set = DeepfakeDetectorSet.Load(_root);

        Assert.Equal(["a-corrupted", "b-selftest", "c-calibration", "d-good"], set.Statuses.Select(s => s.Name));
        Assert.Contains("SHA-256", set.Statuses[0].Problem, StringComparison.Ordinal);
        Assert.Contains("self-test", set.Statuses[1].Problem, StringComparison.Ordinal);
        Assert.Contains("source", set.Statuses[2].Problem, StringComparison.Ordinal);
        Assert.True(set.Statuses[3].IsReady);
        var findings = set.Analyze(TwoToneImage(), [BrightFace]);
        Assert.Equal(4, findings.Count);
        Assert.All(findings.Take(3), f => Assert.Contains("was refused and did not run", f.Summary, StringComparison.Ordinal));
        Assert.Equal(ExpectedScore(Bright), Scores(Assert.Single(findings, f => f.Method == "detector:d-good"))[0], 2);
    }

    [Fact]
    public void DeepfakeTaskWithoutDetectorSection_Refused()
    {
        WriteTinyDetector("nospec", withSpec: false);
        using var set = DeepfakeDetectorSet.Load(_root);
        Assert.Contains("no 'detector' section", Assert.Single(set.Statuses).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Antispoof_RegisteredAsDetector_SaysLivenessNotDeepfake_EvenCalibrated()
    {
        var store = await VisionTestData.RequireModelsAsync();
        var samples = await VisionTestData.RequireSamplesAsync();
        var source = store.ModelDirectory(ModelCatalog.Liveness);
        var folder = Path.Combine(_root, "antispoof");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(source, "model.onnx"), Path.Combine(folder, "model.onnx"));
        var catalogued = ModelManifest.Parse(await File.ReadAllTextAsync(Path.Combine(source, "manifest.json"), TestContext.Current.CancellationToken));
        var manifest = catalogued with { Detector = new DetectorSpec("real", 0, "higher-is-real", 1.0f, 0.9f) };
        await File.WriteAllTextAsync(Path.Combine(folder, "manifest.json"), manifest.ToJson(), TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, "calibration.json"), """{"method":"platt","a":-50,"b":0,"source":"none real"}""", TestContext.Current.CancellationToken);
        using var detectorModel = store.Load(ModelCatalog.FaceDetector, "face-detection");
        using var set = DeepfakeDetectorSet.Load(_root);
        Assert.True(Assert.Single(set.Statuses).IsReady);

        var analyzer = new ForensicAnalyzer(faces: new FaceDetector(detectorModel), detectors: set);
        var report = analyzer.Analyze(await File.ReadAllBytesAsync(samples[0], TestContext.Current.CancellationToken));

        // Face-consistency and the detectors share one detection of the picture.
        Assert.Equal(1, analyzer.FaceDetections);
        var consistency = Assert.Single(report.Findings, f => f.Method == "face-consistency");
        Assert.NotEqual(EvidenceBand.StrongEvidenceOfManipulation, consistency.Band);

        var finding = Assert.Single(report.Findings, f => f.Method == "detector:antispoof");
        Assert.Equal(EvidenceBand.Inconclusive, finding.Band);
        Assert.Contains("liveness", finding.Summary, StringComparison.Ordinal);
        Assert.Contains("NOT a deepfake detector", finding.Summary, StringComparison.Ordinal);
        var scores = Scores(finding);
        Assert.True(scores.Count >= 2, "faces scored in the sample photo");
        Assert.All(scores, s => Assert.InRange(s, 0, 1));
    }

    public void Dispose()
    {
        foreach (var directory in new[] { _root, _scratch })
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private static List<double> Scores(ForensicFinding finding) =>
        [.. finding.Details.Where(d => d.Key.StartsWith("face ", StringComparison.Ordinal))
            .Select(d => double.Parse(ScoreText().Match(d.Value).Groups[1].Value, CultureInfo.InvariantCulture))];

    [GeneratedRegex(@"score (\d+\.\d+)")]
    private static partial Regex ScoreText();

    private static DecodedImage TwoToneImage()
    {
        const int Width = 256, Height = 128;
        var rgb = new byte[Width * Height * 3];
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                var o = ((y * Width) + x) * 3;
                rgb[o] = rgb[o + 1] = rgb[o + 2] = x < Width / 2 ? Bright : Dark;
            }
        }

        return ImageDecoder.Decode(SourceComposites.Encode(rgb, Width, Height, "png", 0), ImageDecodeOptions.Default);
    }

    // A face-crop "classifier": sigmoid of the mean input value over a 16×16×3 crop, built as a TF.js graph and converted by the repo's converter.
    private string WriteTinyDetector(string name, bool withSpec = true, float? expectedOverride = null)
    {
        var folder = Path.Combine(_root, name);
        var graph = new TinyGraphModel("x", 1, Side, Side, 3)
            .Const("w", [1, 1, 3, 1], [1 / 3f, 1 / 3f, 1 / 3f]).Const("s", [2], [-1, 1], int32: true)
            .Node("avg", "AvgPool", ["x"], Attr.Pool(Side, Side, "VALID"))
            .Node("mix", "Conv2D", ["avg", "w"], Attr.Conv(1, "VALID"))
            .Node("sig", "Sigmoid", ["mix"])
            .Node("out", "Reshape", ["sig", "s"]).Output("out");
        var bytes = TfjsConverter.ConvertGraphModel(graph.WriteTo(Path.Combine(_scratch, name)), new Dictionary<string, string> { ["manipulated"] = "out" });
        var manifest = new ModelManifest
        {
            Id = "tiny-" + name,
            Description = "test classifier: sigmoid of mean brightness",
            Licence = "test",
            OnnxSha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)),
            Contract = new ModelContract
            {
                Task = DeepfakeDetectorSet.DeepfakeTask,
                Input = "x",
                InputShape = [1, Side, Side, 3],
                Scale = Scale,
                Offset = Offset,
                Resize = "face box × 1.2, squared",
                Outputs = [new ModelOutput("manipulated", [-1, 1], "probability the face is manipulated")],
            },
            SelfTest = new ModelSelfTest(7, 1e-3f, new Dictionary<string, float[]>()),
            Detector = withSpec ? new DetectorSpec("manipulated", 0, "higher-is-manipulated", 1.2f, 0.9f) : null,
        };
        using (var model = OnnxModel.ForSelfTest(bytes, manifest))
        {
            var expected = OnnxModel.SelfTestOutputs(model, 7);
            if (expectedOverride is { } value)
            {
                expected["manipulated"] = [value];
            }

            manifest = manifest with { SelfTest = manifest.SelfTest with { Expected = expected } };
        }

        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "model.onnx"), bytes);
        File.WriteAllText(Path.Combine(folder, "manifest.json"), manifest.ToJson());
        return folder;
    }
}
