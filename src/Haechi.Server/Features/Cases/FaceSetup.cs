using Haechi.Core.Faces;
using Haechi.Media.Models;
using Haechi.Server.Data;

namespace Haechi.Server.Features.Cases;

/// <summary>One model file the victim's browser loads: its URL on this origin and its SHA-256 (checked by the page before use).</summary>
/// <param name="Url">Path on this server, versioned by the hash (cached for a year).</param>
/// <param name="Sha256">Hex SHA-256 of the ONNX file, from its manifest.</param>
internal sealed record FaceModelFile(string Url, string Sha256);

/// <summary>
/// What the face step of <c>/protect</c> needs, read after her consent (<c>GET /api/faces/setup</c>):
/// whether this server has the face models and the browser runtime, and where they are on this origin.
/// </summary>
/// <param name="Available">False when the models or the runtime are not installed (the page says so).</param>
/// <param name="Problem"><c>models-not-installed</c> or <c>runtime-not-installed</c> when not available.</param>
/// <param name="Detector">BlazeFace.</param>
/// <param name="Embedder">FaceRes.</param>
/// <param name="Runtime">The ONNX Runtime Web ES module to import.</param>
/// <param name="RuntimeBase">The folder of its loader and <c>.wasm</c>.</param>
/// <param name="Threshold">The cosine similarity a match needs (what the page's explanation quotes).</param>
internal sealed record FaceSetupView(bool Available, string? Problem, FaceModelFile? Detector, FaceModelFile? Embedder, string? Runtime, string? RuntimeBase, double Threshold);

/// <summary>
/// The face models (<c>DATA/models/blazeface</c>, <c>DATA/models/faceres</c>, converted by
/// <c>haechi models pull</c>) and ONNX Runtime Web (<c>DATA/browser</c>) as the victim's browser gets
/// them: from this server only, each model at a URL that carries its SHA-256. Manifests are read per
/// call (small files), so models pulled while the server runs are seen without a restart.
/// </summary>
internal sealed class FaceSetup(DataDirectory data)
{
    /// <summary>The route prefix of the model files.</summary>
    public const string ModelsPath = "/face-models";

    /// <summary>The route prefix of the runtime's files.</summary>
    public const string RuntimePath = "/face-runtime";

    /// <summary>The models the browser runs.</summary>
    public static readonly string[] BrowserModels = [ModelCatalog.FaceDetector, ModelCatalog.FaceEmbedder];

    /// <summary>The setup as the page reads it.</summary>
    public FaceSetupView Read()
    {
        var detector = ModelFile(ModelCatalog.FaceDetector);
        var embedder = ModelFile(ModelCatalog.FaceEmbedder);
        if (detector is null || embedder is null)
        {
            return new FaceSetupView(false, "models-not-installed", null, null, null, null, FaceBank.DefaultThreshold);
        }

        if (!BrowserRuntime.IsInstalled(data.Path))
        {
            return new FaceSetupView(false, "runtime-not-installed", null, null, null, null, FaceBank.DefaultThreshold);
        }

        var runtimeBase = RuntimePath + "/" + BrowserRuntime.OnnxRuntimeWeb.Version + "/";
        return new FaceSetupView(true, null, detector, embedder, runtimeBase + BrowserRuntime.EntryModule, runtimeBase, FaceBank.DefaultThreshold);
    }

    /// <summary>The identity of the embeddings the browser makes (model id and ONNX SHA-256, as <c>FaceEmbedder.ModelIdentity</c>), or null when FaceRes is not installed.</summary>
    public string? EmbeddingModel() => Manifest(ModelCatalog.FaceEmbedder) is { } manifest ? manifest.Id + ":" + manifest.OnnxSha256 : null;

    /// <summary>The ONNX file of <paramref name="id"/> when it is a browser model and <paramref name="sha256"/> is its current hash.</summary>
    public string? ModelPath(string id, string sha256)
    {
        if (!BrowserModels.Contains(id, StringComparer.Ordinal) || Manifest(id) is not { } manifest || !string.Equals(manifest.OnnxSha256, sha256, StringComparison.Ordinal))
        {
            return null;
        }

        var path = Path.Combine(ModelStore.ForDataDirectory(data.Path).ModelDirectory(id), "model.onnx");
        return File.Exists(path) ? path : null;
    }

    /// <summary>A runtime file of the pinned version, or null.</summary>
    public string? RuntimeFile(string version, string name)
    {
        if (version != BrowserRuntime.OnnxRuntimeWeb.Version || !BrowserRuntime.IsInstalled(data.Path))
        {
            return null;
        }

        foreach (var file in BrowserRuntime.Files)
        {
            if (string.Equals(Path.GetFileName(file), name, StringComparison.Ordinal))
            {
                return Path.Combine(BrowserRuntime.DirectoryFor(data.Path), name);
            }
        }

        return null;
    }

    private FaceModelFile? ModelFile(string id) =>
        Manifest(id) is { } manifest && File.Exists(Path.Combine(ModelStore.ForDataDirectory(data.Path).ModelDirectory(id), "model.onnx"))
            ? new FaceModelFile(ModelsPath + "/" + id + "/" + manifest.OnnxSha256 + ".onnx", manifest.OnnxSha256)
            : null;

    private ModelManifest? Manifest(string id)
    {
        var path = Path.Combine(ModelStore.ForDataDirectory(data.Path).ModelDirectory(id), "manifest.json");
        try
        {
            return File.Exists(path) ? ModelManifest.Parse(File.ReadAllText(path)) : null;
        }
        catch (Exception ex) when (ex is IOException or System.Text.Json.JsonException or ModelConversionException or InvalidDataException)
        {
            return null;
        }
    }
}
