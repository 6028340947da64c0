using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Haechi.Media.Models.Tfjs;

/// <summary>Reads a TensorFlow.js <c>graph-model</c> (model.json + weight shards) into a <see cref="TfGraph"/>.</summary>
internal static class TfjsGraphModelReader
{
    /// <summary>Reads the model; <paramref name="outputs"/> maps ONNX output names to the nodes to expose (default: the model's signature outputs, by node name).</summary>
    public static TfGraph Read(JsonObject model, Func<string, byte[]> readShard, IReadOnlyDictionary<string, string>? outputs = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var format = model["format"]?.GetValue<string>();
        if (format is not null && format != "graph-model")
        {
            throw new ModelConversionException($"Expected a TensorFlow.js graph model, found format '{format}'.");
        }

        var topology = model["modelTopology"]?.AsObject() ?? throw new ModelConversionException("The model has no modelTopology.");
        var nodes = topology["node"]?.AsArray() ?? throw new ModelConversionException("The graph model has no nodes.");
        var weights = TfjsWeights.Read(model["weightsManifest"]?.AsArray() ?? [], readShard);

        var graph = new TfGraph();
        foreach (var (name, tensor) in weights)
        {
            graph.Constants[name] = tensor;
        }

        foreach (var item in nodes)
        {
            var node = item!.AsObject();
            var name = node["name"]!.GetValue<string>();
            var op = node["op"]!.GetValue<string>();
            var attr = node["attr"] as JsonObject;
            switch (op)
            {
                case "Const":
                    if (!graph.Constants.ContainsKey(name))
                    {
                        throw new ModelConversionException($"Constant '{name}' has no weights in the manifest.");
                    }

                    continue;
                case "Placeholder":
                    graph.Inputs.Add(new TfInput(name, ReadShapeAttr(attr?["shape"])));
                    continue;
            }

            var inputs = new List<string>();
            foreach (var input in node["input"]?.AsArray() ?? [])
            {
                var text = input!.GetValue<string>();
                if (text.StartsWith('^'))
                {
                    continue; // control dependency
                }

                var colon = text.LastIndexOf(':');
                if (colon > 0 && text.AsSpan(colon + 1).IndexOfAnyExceptInRange('0', '9') < 0)
                {
                    if (text[(colon + 1)..] != "0")
                    {
                        throw new ModelConversionException($"Node '{name}' reads output {text[(colon + 1)..]} of a multi-output op, which Haechi does not convert.");
                    }

                    text = text[..colon];
                }

                inputs.Add(text);
            }

            graph.Nodes.Add(new TfNode(name, op, [.. inputs], ReadAttributes(attr)));
        }

        if (outputs is not null)
        {
            foreach (var (name, node) in outputs)
            {
                graph.Outputs.Add((name, node));
            }
        }
        else
        {
            foreach (var output in SignatureOutputs(model, graph))
            {
                graph.Outputs.Add((output, output));
            }
        }

        return graph;
    }

    private static List<string> SignatureOutputs(JsonObject model, TfGraph graph)
    {
        var signature = model["signature"] ?? model["userDefinedMetadata"]?["signature"];
        var result = new List<string>();
        if (signature?["outputs"] is JsonObject outputs)
        {
            foreach (var (_, value) in outputs)
            {
                var name = value!["name"]!.GetValue<string>();
                var colon = name.LastIndexOf(':');
                result.Add(colon > 0 ? name[..colon] : name);
            }

            result.Sort(StringComparer.Ordinal);
            return result;
        }

        // No signature: every node that no other node reads.
        var read = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in graph.Nodes)
        {
            read.UnionWith(node.Inputs);
        }

        foreach (var node in graph.Nodes)
        {
            if (!read.Contains(node.Name))
            {
                result.Add(node.Name);
            }
        }

        return result;
    }

    private static int[] ReadShapeAttr(JsonNode? shapeAttr)
    {
        var dims = shapeAttr?["shape"]?["dim"]?.AsArray();
        if (dims is null)
        {
            return [];
        }

        var shape = new int[dims.Count];
        for (var i = 0; i < shape.Length; i++)
        {
            shape[i] = ParseInt(dims[i]?["size"]);
        }

        return shape;
    }

    private static TfAttributes ReadAttributes(JsonObject? attr)
    {
        if (attr is null)
        {
            return TfAttributes.None;
        }

        return new TfAttributes
        {
            Strides = Ints(attr["strides"]),
            Dilations = Ints(attr["dilations"]),
            KernelSize = Ints(attr["ksize"]),
            Padding = Text(attr["padding"]),
            ExplicitPaddings = Ints(attr["explicit_paddings"]) is { Length: > 0 } explicitPaddings ? explicitPaddings : null,
            FusedOps = Texts(attr["fused_ops"]),
            Alpha = attr["leakyrelu_alpha"]?["f"] is { } alpha ? (float)alpha.Number() : attr["alpha"]?["f"] is { } a ? (float)a.Number() : null,
            TransposeA = attr["transpose_a"]?["b"]?.GetValue<bool>() ?? false,
            TransposeB = attr["transpose_b"]?["b"]?.GetValue<bool>() ?? false,
            KeepDims = attr["keep_dims"]?["b"]?.GetValue<bool>() ?? false,
            SqueezeDims = Ints(attr["squeeze_dims"]) ?? [],
            DataFormat = Text(attr["data_format"]),
        };
    }

    private static int[]? Ints(JsonNode? node)
    {
        var list = node?["list"]?["i"]?.AsArray();
        if (list is null)
        {
            return node?["list"] is not null ? [] : null;
        }

        var result = new int[list.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = ParseInt(list[i]);
        }

        return result;
    }

    private static string? Text(JsonNode? node) =>
        node?["s"] is { } s ? Encoding.UTF8.GetString(Convert.FromBase64String(s.GetValue<string>())) : null;

    private static string[] Texts(JsonNode? node)
    {
        var list = node?["list"]?["s"]?.AsArray();
        if (list is null)
        {
            return [];
        }

        var result = new string[list.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = Encoding.UTF8.GetString(Convert.FromBase64String(list[i]!.GetValue<string>()));
        }

        return result;
    }

    private static int ParseInt(JsonNode? node) => node switch
    {
        null => 0,
        JsonValue value when value.TryGetValue<string>(out var text) => int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture),
        JsonValue value => (int)value.Number(),
        _ => throw new ModelConversionException("Expected an integer attribute."),
    };
}
