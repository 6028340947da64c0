using System.Text.Json.Nodes;
using Haechi.Media.Models.Onnx;

namespace Haechi.Media.Models.Tfjs;

/// <summary>
/// Converts TensorFlow.js models to ONNX: graph models (model.json + .bin shards) and Keras layers
/// models, plain or wrapped in browserify bundles (<c>model.min.js</c> + <c>group1-shard*.min.js</c>).
/// </summary>
public static class TfjsConverter
{
    /// <summary>Converts a graph model whose model.json is at <paramref name="modelJsonPath"/> (shards beside it).</summary>
    /// <param name="modelJsonPath">The model.json file.</param>
    /// <param name="outputs">ONNX output name → TF node name; null exposes the model's signature outputs under their node names.</param>
    /// <param name="metadata">Key/value pairs stored in the ONNX file.</param>
    /// <exception cref="ModelConversionException">The model is malformed or uses an op Haechi does not convert.</exception>
    public static byte[] ConvertGraphModel(string modelJsonPath, IReadOnlyDictionary<string, string>? outputs = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(modelJsonPath))!;
        var model = ParseJson(File.ReadAllText(modelJsonPath));
        var graph = TfjsGraphModelReader.Read(model, shard => File.ReadAllBytes(ShardPath(directory, shard)), outputs);
        return OnnxGraphConverter.ConvertToBytes(graph, Path.GetFileNameWithoutExtension(modelJsonPath), metadata);
    }

    /// <summary>Converts a Keras layers model: a model.json, or a browserify <c>model.min.js</c> with <c>.min.js</c> shards beside it.</summary>
    /// <param name="modelPath">model.json or model.min.js.</param>
    /// <param name="outputNames">Output layer name → ONNX output name; unnamed outputs keep the layer's name.</param>
    /// <param name="metadata">Key/value pairs stored in the ONNX file.</param>
    /// <exception cref="ModelConversionException">The model is malformed or uses a layer Haechi does not convert.</exception>
    public static byte[] ConvertLayersModel(string modelPath, IReadOnlyDictionary<string, string>? outputNames = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(modelPath))!;
        var bundled = modelPath.EndsWith(".js", StringComparison.OrdinalIgnoreCase);
        var text = File.ReadAllText(modelPath);
        var model = bundled ? JsLiteral.ExportedObject(text) : ParseJson(text);
        byte[] ReadShard(string shard) => bundled
            ? Convert.FromBase64String(JsLiteral.ExportedString(File.ReadAllText(ShardPath(directory, shard + ".min.js"))))
            : File.ReadAllBytes(ShardPath(directory, shard));
        var graph = KerasLayersModelReader.Read(model, ReadShard, outputNames);
        return OnnxGraphConverter.ConvertToBytes(graph, "keras", metadata);
    }

    /// <summary>The TF ops the graph-model converter accepts.</summary>
    public static IReadOnlySet<string> SupportedOps => OnnxGraphConverter.SupportedOps;

    private static JsonObject ParseJson(string text)
    {
        try
        {
            return JsonNode.Parse(text)?.AsObject() ?? throw new ModelConversionException("The model file is empty.");
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new ModelConversionException("The model file is not valid JSON: " + ex.Message, ex);
        }
    }

    private static string ShardPath(string directory, string shard)
    {
        // Shard names come from the model file: keep them inside its directory.
        var path = Path.GetFullPath(Path.Combine(directory, shard));
        if (!path.StartsWith(directory + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ModelConversionException("A weight shard path points outside the model's directory.");
        }

        return path;
    }
}
