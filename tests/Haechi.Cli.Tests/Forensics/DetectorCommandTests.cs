using System.Text.Json;
using Haechi.Core.Forensics;
using Haechi.Media.Models;
using Haechi.Media.Tests.Vision;

namespace Haechi.Cli.Tests.Forensics;

/// <summary>
/// <c>haechi models detectors</c> and <c>haechi analyze</c> with a detector folder holding the
/// antispoof liveness model registered as a detector and a copy whose SHA-256 does not match.
/// </summary>
public sealed class DetectorCommandTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "haechi-cli-detectors-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    [Fact]
    public async Task ModelsDetectorsAndAnalyze_ReadyAndRefused_AnalysisGoesOn()
    {
        var samples = await PrepareAsync();

        var (listCode, listOut, _) = CliRunner.Run("--data-dir", _data, "models", "detectors");
        var (code, stdout, error) = CliRunner.Run("--data-dir", _data, "analyze", "--json", samples[0]);

        Assert.Equal(1, listCode);
        var lines = CliRunner.Lines(listOut);
        Assert.Equal(2, lines.Length);
        Assert.Matches(@"^antispoof\s+ready\s+liveness\s+calibration: none", lines[0]);
        Assert.Matches(@"^broken\s+refused\s+.*SHA-256", lines[1]);

        Assert.True(code == 0, error);
        Assert.Contains("haechi analyze: detector 'broken' refused:", error, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(CliRunner.Lines(stdout).Single());
        var findings = doc.RootElement.GetProperty("findings").EnumerateArray().ToList();
        var liveness = findings.Single(f => f.GetProperty("method").GetString() == "detector:antispoof");
        Assert.Equal(EvidenceBandText.Inconclusive, liveness.GetProperty("band").GetString());
        Assert.Contains("NOT a deepfake detector", liveness.GetProperty("summary").GetString(), StringComparison.Ordinal);
        var broken = findings.Single(f => f.GetProperty("method").GetString() == "detector:broken");
        Assert.Contains("was refused", broken.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Contains(findings, f => f.GetProperty("method").GetString() == "face-consistency");
    }

    private async Task<string[]> PrepareAsync()
    {
        var store = await VisionTestData.RequireModelsAsync();
        var samples = await VisionTestData.RequireSamplesAsync();
        var models = Path.Combine(_data, "models");
        Directory.CreateDirectory(models);
        Directory.CreateSymbolicLink(Path.Combine(models, ModelCatalog.FaceDetector), store.ModelDirectory(ModelCatalog.FaceDetector));
        var source = store.ModelDirectory(ModelCatalog.Liveness);
        var catalogued = ModelManifest.Parse(await File.ReadAllTextAsync(Path.Combine(source, "manifest.json"), TestContext.Current.CancellationToken));
        var manifest = catalogued with { Detector = new DetectorSpec("real", 0, "higher-is-real", 1.0f, 0.9f) };
        foreach (var (name, written) in new[] { ("antispoof", manifest), ("broken", manifest with { OnnxSha256 = new string('0', 64) }) })
        {
            var folder = Path.Combine(models, "detectors", name);
            Directory.CreateDirectory(folder);
            File.Copy(Path.Combine(source, "model.onnx"), Path.Combine(folder, "model.onnx"));
            await File.WriteAllTextAsync(Path.Combine(folder, "manifest.json"), written.ToJson(), TestContext.Current.CancellationToken);
        }

        return samples;
    }
}
