using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;

namespace Haechi.Media.Tests.Vision;

/// <summary>Builds tiny TensorFlow.js graph models in memory (model.json + one weight shard) for converter tests.</summary>
internal sealed class TinyGraphModel
{
    private readonly JsonArray _nodes = [];
    private readonly JsonArray _weights = [];
    private readonly List<byte> _shard = [];
    private readonly List<string> _outputs = [];

    public TinyGraphModel(string input, params int[] shape)
    {
        Input = input;
        InputShape = shape;
        var dims = new JsonArray();
        foreach (var d in shape)
        {
            dims.Add(new JsonObject { ["size"] = d.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        _nodes.Add(new JsonObject
        {
            ["name"] = input,
            ["op"] = "Placeholder",
            ["attr"] = new JsonObject { ["dtype"] = new JsonObject { ["type"] = "DT_FLOAT" }, ["shape"] = new JsonObject { ["shape"] = new JsonObject { ["dim"] = dims } } },
        });
    }

    public string Input { get; }

    public int[] InputShape { get; }

    public HashSet<string> Ops { get; } = new(StringComparer.Ordinal);

    /// <summary>A float32 constant (or int32 when <paramref name="int32"/>), or a quantised one.</summary>
    public TinyGraphModel Const(string name, int[] shape, float[] values, bool int32 = false, string? quantisation = null)
    {
        var entry = new JsonObject { ["name"] = name, ["shape"] = ToArray(shape), ["dtype"] = int32 ? "int32" : "float32" };
        switch (quantisation)
        {
            case null:
                foreach (var v in values)
                {
                    var b = new byte[4];
                    if (int32)
                    {
                        BinaryPrimitives.WriteInt32LittleEndian(b, (int)v);
                    }
                    else
                    {
                        BinaryPrimitives.WriteSingleLittleEndian(b, v);
                    }

                    _shard.AddRange(b);
                }

                break;
            case "float16":
                entry["quantization"] = new JsonObject { ["dtype"] = "float16", ["original_dtype"] = "float32" };
                foreach (var v in values)
                {
                    var b = new byte[2];
                    BinaryPrimitives.WriteUInt16LittleEndian(b, BitConverter.HalfToUInt16Bits((Half)v));
                    _shard.AddRange(b);
                }

                break;
            case "uint8":
                // values are the quantised integers 0..255; dequantised as q·0.5 − 3.
                entry["quantization"] = new JsonObject { ["dtype"] = "uint8", ["min"] = -3.0, ["scale"] = 0.5 };
                foreach (var v in values)
                {
                    _shard.Add((byte)v);
                }

                break;
        }

        _weights.Add(entry);
        _nodes.Add(new JsonObject { ["name"] = name, ["op"] = "Const", ["attr"] = new JsonObject() });
        return this;
    }

    public TinyGraphModel Node(string name, string op, string[] inputs, JsonObject? attr = null)
    {
        Ops.Add(op);
        var array = new JsonArray();
        foreach (var i in inputs)
        {
            array.Add(i);
        }

        _nodes.Add(new JsonObject { ["name"] = name, ["op"] = op, ["input"] = array, ["attr"] = attr ?? new JsonObject() });
        return this;
    }

    public TinyGraphModel Output(string node)
    {
        _outputs.Add(node);
        return this;
    }

    public JsonObject Json()
    {
        var outputs = new JsonObject();
        foreach (var o in _outputs)
        {
            outputs[o] = new JsonObject { ["name"] = o + ":0" };
        }

        return new JsonObject
        {
            ["format"] = "graph-model",
            ["modelTopology"] = new JsonObject { ["node"] = _nodes.DeepClone() },
            ["signature"] = new JsonObject { ["outputs"] = outputs },
            ["weightsManifest"] = new JsonArray(new JsonObject { ["paths"] = new JsonArray("weights.bin"), ["weights"] = _weights.DeepClone() }),
        };
    }

    public byte[] Shard() => _shard.ToArray();

    /// <summary>Writes model.json and weights.bin into <paramref name="directory"/>; returns the model.json path.</summary>
    public string WriteTo(string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllBytes(Path.Combine(directory, "weights.bin"), Shard());
        var path = Path.Combine(directory, "model.json");
        File.WriteAllText(path, Json().ToJsonString());
        return path;
    }

    private static JsonArray ToArray(int[] values)
    {
        var array = new JsonArray();
        foreach (var v in values)
        {
            array.Add(v);
        }

        return array;
    }
}

/// <summary>TF attribute values in the graph-model JSON encoding.</summary>
internal static class Attr
{
    public static JsonObject Of(params (string Name, JsonNode Value)[] attributes)
    {
        var result = new JsonObject();
        foreach (var (name, value) in attributes)
        {
            result[name] = value;
        }

        return result;
    }

    public static JsonNode Ints(params int[] values)
    {
        var list = new JsonArray();
        foreach (var v in values)
        {
            list.Add(v.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return new JsonObject { ["list"] = new JsonObject { ["i"] = list } };
    }

    public static JsonNode Str(string value) => new JsonObject { ["s"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(value)) };

    public static JsonNode Strs(params string[] values)
    {
        var list = new JsonArray();
        foreach (var v in values)
        {
            list.Add(Convert.ToBase64String(Encoding.UTF8.GetBytes(v)));
        }

        return new JsonObject { ["list"] = new JsonObject { ["s"] = list } };
    }

    public static JsonNode Bool(bool value) => new JsonObject { ["b"] = value };

    public static JsonNode Float(float value) => new JsonObject { ["f"] = value };

    public static JsonObject Conv(int stride, string padding, params string[] fused) => Of(
        ("strides", Ints(1, stride, stride, 1)),
        ("padding", Str(padding)),
        ("dilations", Ints(1, 1, 1, 1)),
        ("data_format", Str("NHWC")),
        ("fused_ops", Strs(fused)));

    public static JsonObject Pool(int size, int stride, string padding) => Of(
        ("ksize", Ints(1, size, size, 1)),
        ("strides", Ints(1, stride, stride, 1)),
        ("padding", Str(padding)),
        ("data_format", Str("NHWC")));
}

/// <summary>Deterministic small integers, so that sums of products are exact in float32.</summary>
internal static class SmallInts
{
    public static float[] Make(int count, int seed, int min = -3, int max = 3)
    {
#pragma warning disable CA5394 // test data
        var random = new Random(seed);
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = random.Next(min, max + 1);
        }
#pragma warning restore CA5394
        return values;
    }

    public static int Count(params int[] shape) => shape.Aggregate(1, (m, d) => m * d);
}
