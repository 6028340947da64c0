using System.Globalization;
using System.Text.Json;
using Haechi.Core.Forensics;
using Haechi.Core.Forensics.Detectors;
using Haechi.Media.Images;
using Haechi.Media.Models;
using Haechi.Media.Vision;

namespace Haechi.Media.Forensics.Detectors;

/// <summary>One detector folder and what loading it gave: <c>ready</c>, or <c>refused</c> with the reason.</summary>
public sealed record DetectorStatus(string Name, string Status, string? Task, string? Licence, string? Calibration, string? Problem)
{
    public bool IsReady => Status == "ready";
}

/// <summary>
/// The agency's pluggable face-crop classifiers in <c>DATA/models/detectors/NAME/</c> (model.onnx,
/// manifest.json with a <c>detector</c> section, optional calibration.json). Each is loaded through
/// the model contract (SHA-256, inputs, self-test); one that fails is refused and the rest still run.
/// Per face the crop is the detector box × crop factor, squared, resampled to the input size. Over
/// the faces of a picture the finding reports the maximum (what decides the band) and the mean.
/// Without a calibration the scores are uncalibrated and the band is never above inconclusive.
/// </summary>
public sealed class DeepfakeDetectorSet : IDisposable
{
    public const string DeepfakeTask = "deepfake-detection";
    public const string LivenessTask = "liveness";
    private const string HigherIsManipulated = "higher-is-manipulated";
    private const string HigherIsReal = "higher-is-real";
    private const int MaxFaces = 12;

    private const string Limits = "A learned detector recognises the artefacts of the generators and data it was trained on; on other generators, re-encoded or resized pictures its scores drop toward chance (the DFDC winner scored about 65 % on unseen data). A score is a pointer for a reviewer, never proof either way, and a low score does not show a face is genuine.";

    private readonly List<Loaded> _detectors;

    private DeepfakeDetectorSet(List<Loaded> detectors, List<DetectorStatus> statuses)
    {
        _detectors = detectors;
        Statuses = statuses;
    }

    /// <summary>Every detector folder found, ready or refused, by name.</summary>
    public IReadOnlyList<DetectorStatus> Statuses { get; }

    /// <summary>The detector folder inside a data directory.</summary>
    public static string DirectoryFor(string dataDirectory) => Path.Combine(dataDirectory, "models", "detectors");

    /// <summary>Loads every detector under <paramref name="directory"/> (missing folder: none).</summary>
    public static DeepfakeDetectorSet Load(string directory)
    {
        var loaded = new List<Loaded>();
        var statuses = new List<DetectorStatus>();
        if (!Directory.Exists(directory))
        {
            return new DeepfakeDetectorSet(loaded, statuses);
        }

        foreach (var folder in Directory.GetDirectories(directory).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(folder);
            if (name.StartsWith('.'))
            {
                continue; // staging or hidden folders are not detectors
            }

            OnnxModel? model = null;
            try
            {
                model = OnnxModel.Load(folder);
                var spec = Validate(model);
                var calibration = ReadCalibration(Path.Combine(folder, "calibration.json"));
                loaded.Add(new Loaded(name, model, spec, calibration));
                statuses.Add(new DetectorStatus(name, "ready", model.Contract.Task, model.Manifest.Licence, calibration is null ? null : calibration.Method + " (" + calibration.Source + ")", null));
                model = null;
            }
            catch (Exception ex) when (ex is ModelConversionException or IOException or UnauthorizedAccessException or JsonException or ArgumentException or InvalidOperationException)
            {
                statuses.Add(new DetectorStatus(name, "refused", null, null, null, TextExcerpt.Of(ex.Message, 300)));
            }
            finally
            {
                model?.Dispose();
            }
        }

        return new DeepfakeDetectorSet(loaded, statuses);
    }

    /// <summary>One finding per detector folder (method <c>detector:NAME</c>) for the faces found in <paramref name="image"/>.</summary>
    /// <param name="image">The decoded picture.</param>
    /// <param name="faces">Faces from the face detector, in source-image coordinates.</param>
    public IReadOnlyList<ForensicFinding> Analyze(DecodedImage image, IReadOnlyList<DetectedFace> faces)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(faces);
        var findings = new List<ForensicFinding>();
        foreach (var status in Statuses)
        {
            if (!status.IsReady)
            {
                findings.Add(new ForensicFinding("detector:" + status.Name, EvidenceBand.Inconclusive, "Detector '" + status.Name + "' was refused and did not run: " + status.Problem, Limits));
            }
        }

        var sx = (float)image.Width / image.SourceWidth;
        var sy = (float)image.Height / image.SourceHeight;
        var used = faces.Take(MaxFaces).ToList();
        foreach (var detector in _detectors)
        {
            if (used.Count == 0)
            {
                findings.Add(new ForensicFinding("detector:" + detector.Name, EvidenceBand.NoEvidenceFound, "No face was detected, so detector '" + detector.Name + "' had nothing to score.", Limits));
                continue;
            }

            var scores = new double[used.Count];
            for (var i = 0; i < used.Count; i++)
            {
                var face = used[i];
                scores[i] = detector.Score(image, face.X * sx, face.Y * sy, face.Width * sx, face.Height * sy);
            }

            findings.Add(detector.Finding(used, scores));
        }

        return findings;
    }

    public void Dispose()
    {
        foreach (var detector in _detectors)
        {
            detector.Model.Dispose();
        }
    }

    private static DetectorSpec Validate(OnnxModel model)
    {
        var manifest = model.Manifest;
        var contract = manifest.Contract;
        if (contract.Task is not (DeepfakeTask or LivenessTask))
        {
            throw new ModelConversionException($"Model '{manifest.Id}' is a {contract.Task} model; a detector must be a {DeepfakeTask} (or {LivenessTask}) model.");
        }

        var spec = manifest.Detector ?? throw new ModelConversionException($"Model '{manifest.Id}': its manifest has no 'detector' section (output, output_index, direction, crop_factor, strong_threshold).");
        if (contract.Outputs.All(o => o.Name != spec.Output))
        {
            throw new ModelConversionException($"Model '{manifest.Id}': the detector output '{spec.Output}' is not in the contract's outputs.");
        }

        if (spec.Direction is not (HigherIsManipulated or HigherIsReal))
        {
            throw new ModelConversionException($"Model '{manifest.Id}': direction must be '{HigherIsManipulated}' or '{HigherIsReal}'.");
        }

        if (!(spec.CropFactor is >= 0.5f and <= 4f) || !(spec.StrongThreshold is > 0.5f and <= 1f) || spec.OutputIndex < 0)
        {
            throw new ModelConversionException($"Model '{manifest.Id}': crop_factor must be 0.5..4, strong_threshold above 0.5 and at most 1, output_index not negative.");
        }

        if (contract.InputShape[3] != 3 || contract.ColourOrder is not ("RGB" or "BGR"))
        {
            throw new ModelConversionException($"Model '{manifest.Id}': a detector takes 3-channel RGB or BGR input.");
        }

        return spec;
    }

    /// <summary>Reads calibration.json: <c>{"method":"platt","a":..,"b":..,"source":".."}</c> or <c>{"method":"isotonic","points":[[score,p],..],"source":".."}</c>.</summary>
    internal static DetectorCalibration? ReadCalibration(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var root = document.RootElement;
        var source = root.TryGetProperty("source", out var s) ? s.GetString() : null;
        if (string.IsNullOrWhiteSpace(source))
        {
            throw new ArgumentException("calibration.json must name its 'source' (the labelled data it was fitted on).");
        }

        var method = root.TryGetProperty("method", out var m) ? m.GetString() : null;
        switch (method)
        {
            case "platt":
                return DetectorCalibration.Platt(root.GetProperty("a").GetDouble(), root.GetProperty("b").GetDouble(), source);
            case "isotonic":
                var points = new List<(double, double)>();
                foreach (var point in root.GetProperty("points").EnumerateArray())
                {
                    points.Add((point[0].GetDouble(), point[1].GetDouble()));
                }

                return DetectorCalibration.Isotonic(points, source);
            default:
                throw new ArgumentException("calibration.json 'method' must be 'platt' or 'isotonic'.");
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record Loaded(string Name, OnnxModel Model, DetectorSpec Spec, DetectorCalibration? Calibration)
    {
        /// <summary>The manipulation score in 0..1 (direction applied) of the squared, scaled crop around a face box.</summary>
        public double Score(DecodedImage image, float x, float y, float width, float height)
        {
            var contract = Model.Contract;
            var side = MathF.Max(width, height) * Spec.CropFactor;
            var input = new float[contract.Height * contract.Width * 3];
            PixelSampler.Sample(image, x + (width / 2) - (side / 2), y + (height / 2) - (side / 2), side, side, input, contract.Width, contract.Height, contract.Scale, contract.Offset);
            if (contract.ColourOrder == "BGR")
            {
                for (var i = 0; i < input.Length; i += 3)
                {
                    (input[i], input[i + 2]) = (input[i + 2], input[i]);
                }
            }

            var outputs = Model.Run(input, 1);
            var values = outputs[Spec.Output];
            if (Spec.OutputIndex >= values.Length)
            {
                throw new InvalidOperationException(Invariant($"Detector '{Name}': output '{Spec.Output}' has {values.Length} values, index {Spec.OutputIndex} is out of range."));
            }

            var value = Math.Clamp((double)values[Spec.OutputIndex], 0, 1);
            return Spec.Direction == HigherIsManipulated ? value : 1 - value;
        }

        public ForensicFinding Finding(List<DetectedFace> faces, double[] scores)
        {
            var method = "detector:" + Name;
            var details = new List<KeyValuePair<string, string>>
            {
                new("model", Model.Manifest.Id + " (" + Model.Manifest.Description + "), sha256 " + Model.Manifest.OnnxSha256[..16] + "…, licence " + Model.Manifest.Licence),
            };
            double max = 0, sum = 0;
            for (var i = 0; i < scores.Length; i++)
            {
                var face = faces[i];
                var shown = Calibration is null ? Invariant($"score {scores[i]:F3} (uncalibrated)") : Invariant($"score {scores[i]:F3}, calibrated probability {Calibration.Probability(scores[i]):F3}");
                details.Add(new(Invariant($"face {i + 1}"), Invariant($"box {face.X:F0},{face.Y:F0} {face.Width:F0}×{face.Height:F0}: ") + shown));
                max = Math.Max(max, scores[i]);
                sum += scores[i];
            }

            var mean = sum / scores.Length;
            details.Add(new("aggregate", Invariant($"max {max:F3}, mean {mean:F3} over {scores.Length} face(s); the band follows the max")));

            if (Model.Contract.Task == LivenessTask)
            {
                details.Add(new("task", "liveness: real face vs. photo of a screen or print"));
                return new ForensicFinding(
                    method,
                    EvidenceBand.Inconclusive,
                    Invariant($"'{Name}' is a liveness (\"real face\") classifier, NOT a deepfake detector: it judges whether a face looks like a live capture rather than a screen or print, not whether it was swapped or generated. Its \"not real\" score, max {max:F3} and mean {mean:F3} over {scores.Length} face(s), says nothing about manipulation."),
                    Limits + " A liveness model answers a different question altogether.",
                    details);
            }

            if (Calibration is null)
            {
                details.Add(new("calibration", "none: no calibration.json beside the model"));
                return new ForensicFinding(
                    method,
                    EvidenceBand.Inconclusive,
                    Invariant($"Detector '{Name}' gave UNCALIBRATED manipulation scores: max {max:F3}, mean {mean:F3} over {scores.Length} face(s). Uncalibrated scores are not probabilities and cannot give strong evidence."),
                    Limits,
                    details);
            }

            var probability = Calibration.Probability(max);
            details.Add(new("calibration", Calibration.Method + ", source: " + Calibration.Source));
            var strong = probability >= Spec.StrongThreshold;
            return new ForensicFinding(
                method,
                strong ? EvidenceBand.StrongEvidenceOfManipulation : EvidenceBand.Inconclusive,
                Invariant($"Detector '{Name}', calibrated ({Calibration.Method}, source: {Calibration.Source}): highest probability of manipulation {probability:F3} over {scores.Length} face(s) (mean score {mean:F3}); ") + (strong ? Invariant($"at or above the manifest's threshold {Spec.StrongThreshold:F2}.") : Invariant($"below the manifest's threshold {Spec.StrongThreshold:F2}.")),
                Limits + " The calibration holds only for pictures like those it was fitted on.",
                details);
        }
    }
}
