using System.Text.Json;
using System.Text.Json.Serialization;

namespace Haechi.Media.Models;

/// <summary>
/// What a model expects and what it returns: enough for a pipeline to feed it correctly and for the
/// loader to refuse a model that does not fit. Built-in models get theirs from
/// <see cref="ModelCatalog"/>; an agency dropping in its own ONNX model writes one by hand.
/// </summary>
public sealed record ModelContract
{
    /// <summary>What the model does: <c>face-detection</c>, <c>face-embedding</c>, <c>nudity</c>, <c>liveness</c>.</summary>
    public required string Task { get; init; }

    /// <summary>The ONNX input name.</summary>
    public required string Input { get; init; }

    /// <summary>Input shape, NHWC; -1 for a dynamic batch.</summary>
    public required int[] InputShape { get; init; }

    /// <summary>Channel order of the input, e.g. <c>RGB</c>.</summary>
    public string ColourOrder { get; init; } = "RGB";

    /// <summary>Each input value is <c>pixel · Scale + Offset</c>, pixel in 0..255.</summary>
    public required float Scale { get; init; }

    /// <summary>See <see cref="Scale"/>.</summary>
    public required float Offset { get; init; }

    /// <summary>How the image or face is brought to the input size, in words (e.g. "whole image stretched, no letterbox").</summary>
    public required string Resize { get; init; }

    /// <summary>The outputs, with their meaning and direction.</summary>
    public required IReadOnlyList<ModelOutput> Outputs { get; init; }

    /// <summary>Class names in output order, for classifiers.</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>Input height.</summary>
    [JsonIgnore]
    public int Height => InputShape[1];

    /// <summary>Input width.</summary>
    [JsonIgnore]
    public int Width => InputShape[2];
}

/// <summary>One model output: ONNX name, shape (-1 dynamic) and what its values mean.</summary>
public sealed record ModelOutput(string Name, int[] Shape, string Meaning);

/// <summary>Where a model came from.</summary>
public sealed record ModelSource(string Package, string Version, string TarballSha256, IReadOnlyList<string> Files, string Converter);

/// <summary>A fixed input (from a seed) and the first outputs it must give, checked whenever the model is loaded.</summary>
public sealed record ModelSelfTest(int Seed, float Tolerance, IReadOnlyDictionary<string, float[]> Expected);

/// <summary>
/// How a face-crop classifier is fed and read: the crop is the face detector's box scaled by
/// <paramref name="CropFactor"/> about its centre and squared (side = the larger side × factor);
/// value <paramref name="OutputIndex"/> of output <paramref name="Output"/> is a score in 0..1 whose
/// <paramref name="Direction"/> (<c>higher-is-manipulated</c> or <c>higher-is-real</c>) is declared;
/// a calibrated probability at or above <paramref name="StrongThreshold"/> may give strong evidence.
/// </summary>
public sealed record DetectorSpec(string Output, int OutputIndex, string Direction, float CropFactor, float StrongThreshold);

/// <summary>The <c>manifest.json</c> beside each <c>model.onnx</c> in the model cache.</summary>
public sealed record ModelManifest
{
    public const int CurrentFormat = 1;

    public int Format { get; init; } = CurrentFormat;

    public required string Id { get; init; }

    public required string Description { get; init; }

    public ModelSource? Source { get; init; }

    /// <summary>Licence of the weights as far as checked; see docs/models.md.</summary>
    public required string Licence { get; init; }

    /// <summary>Lower-case hex SHA-256 of model.onnx.</summary>
    public required string OnnxSha256 { get; init; }

    public required ModelContract Contract { get; init; }

    public required ModelSelfTest SelfTest { get; init; }

    /// <summary>For a pluggable detector in <c>DATA/models/detectors/NAME</c>: how to crop faces and read its output.</summary>
    public DetectorSpec? Detector { get; init; }

    internal static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <exception cref="ModelConversionException">The text is not a manifest.</exception>
    public static ModelManifest Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<ModelManifest>(json, JsonOptions) ?? throw new ModelConversionException("The model manifest is empty.");
        }
        catch (JsonException ex)
        {
            throw new ModelConversionException("The model manifest is not valid: " + ex.Message, ex);
        }
    }
}
