using System.Buffers.Binary;
using System.Text.Json.Nodes;
using Haechi.Media.Models;
using Haechi.Media.Models.Onnx;
using Haechi.Media.Models.Tfjs;

namespace Haechi.Media.Tests.Vision;

/// <summary>Tiny Keras layers models (the nsfwjs form), plain and inside browserify bundles.</summary>
public sealed class KerasConverterTests
{
    [Fact]
    public void Convert_TinyLayersModel_MatchesReference()
    {
        var (model, shard) = TinyKeras();
        var graph = KerasLayersModelReader.Read(model, _ => shard);
        var input = new RefTensor([1, 6, 6, 2], SmallInts.Make(72, 21));

        var expected = ReferenceTfEvaluator.Evaluate(graph, input)["probs"];
        var actual = OnnxRunner.Run(OnnxGraphConverter.ConvertToBytes(graph, "keras"), "input_1", input)["probs"];

        Assert.Equal([1, 3], actual.Shape);
        Assert.Equal(expected.Shape, actual.Shape);
        for (var i = 0; i < expected.Data.Length; i++)
        {
            Assert.True(Math.Abs(expected.Data[i] - actual.Data[i]) <= 1e-6, $"probs[{i}]: {expected.Data[i]} vs {actual.Data[i]}");
        }

        Assert.Equal(1f, actual.Data.Sum(), 5);
    }

    [Fact]
    public void Convert_BatchNormalization_FoldsToKnownValues()
    {
        // y = (x − mean)·γ/√(var+ε) + β with var + ε = 4: (x − 1)·3/2 + 0.5.
        var layers = new JsonArray(
            Layer("in", "InputLayer", new JsonObject { ["batch_input_shape"] = new JsonArray(null, 1, 2, 1) }, null),
            Layer("bn", "BatchNormalization", new JsonObject { ["axis"] = -1, ["epsilon"] = 0.5, ["center"] = true, ["scale"] = true }, "in"));
        var weights = new List<(string, int[], float[])>
        {
            ("bn/gamma", [1], [3]), ("bn/beta", [1], [0.5f]), ("bn/moving_mean", [1], [1]), ("bn/moving_variance", [1], [3.5f]),
        };
        var (model, shard) = Model(layers, "bn", weights);
        var graph = KerasLayersModelReader.Read(model, _ => shard);

        var output = OnnxRunner.Run(OnnxGraphConverter.ConvertToBytes(graph, "bn"), "in", new RefTensor([1, 1, 2, 1], [1, 5]))["bn"];

        Assert.Equal([0.5f, 6.5f], output.Data);
    }

    [Fact]
    public void ConvertLayersModel_BrowserifyBundle_MatchesPlainJson()
    {
        var directory = Path.Combine(Path.GetTempPath(), "haechi-keras-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var (model, shard) = TinyKeras();
            File.WriteAllText(Path.Combine(directory, "model.json"), model.ToJsonString());
            File.WriteAllBytes(Path.Combine(directory, "group1-shard1of1"), shard);
            // The bundle form: a minified JS literal (bare keys, !0/!1, .5) exported by a browserify module.
            var literal = model.ToJsonString().Replace("true", "!0", StringComparison.Ordinal).Replace("false", "!1", StringComparison.Ordinal)
                .Replace("\"class_name\"", "class_name", StringComparison.Ordinal).Replace("0.5", ".5", StringComparison.Ordinal);
            const string Prefix = "!function(e){\"object\"==typeof exports?module.exports=e():this.model=e()}(function(){return function e(a,n,i){return 1}({1:[function(e,a,n){a.exports=";
            File.WriteAllText(Path.Combine(directory, "model.min.js"), Prefix + literal + "},{}]},{},[1])(1)});");
            File.WriteAllText(Path.Combine(directory, "group1-shard1of1.min.js"), Prefix + "\"" + Convert.ToBase64String(shard) + "\"},{}]},{},[1])(1)});");

            var plain = TfjsConverter.ConvertLayersModel(Path.Combine(directory, "model.json"));
            var bundled = TfjsConverter.ConvertLayersModel(Path.Combine(directory, "model.min.js"), new Dictionary<string, string> { ["probs"] = "probabilities" });

            var input = new RefTensor([1, 6, 6, 2], SmallInts.Make(72, 22));
            Assert.Equal(OnnxRunner.Run(plain, "input_1", input)["probs"].Data, OnnxRunner.Run(bundled, "input_1", input)["probabilities"].Data);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Read_UnknownLayer_ThrowsNamingTheLayer()
    {
        var layers = new JsonArray(
            Layer("in", "InputLayer", new JsonObject { ["batch_input_shape"] = new JsonArray(null, 2, 2, 1) }, null),
            Layer("lstm", "LSTM", [], "in"));
        var (model, shard) = Model(layers, "lstm", []);

        var error = Assert.Throws<ModelConversionException>(() => KerasLayersModelReader.Read(model, _ => shard));
        Assert.Contains("'LSTM'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JsLiteral_MinifiedForms_ParseAsJson()
    {
        var node = JsLiteral.Parse("{a:!0,b:!1,\"c\":.5,d:[-1e-3,null,'x\\n'],e:{f:-.25}}")!;

        Assert.Equal("{\"a\":true,\"b\":false,\"c\":0.5,\"d\":[-0.001,null,\"x\\n\"],\"e\":{\"f\":-0.25}}", node.ToJsonString());
        Assert.Throws<ModelConversionException>(() => JsLiteral.Parse("{a:alert(1)}"));
    }

    /// <summary>
    /// input → ZeroPadding2D → Conv2D(relu) → BatchNormalization → ReLU(6) → DepthwiseConv2D → Add →
    /// MaxPooling2D → AveragePooling2D → Flatten → Dense(relu) → Dropout → Dense(softmax): every layer
    /// kind the nsfwjs model uses, plus GlobalAveragePooling2D in a side branch that is not an output.
    /// </summary>
    private static (JsonObject Model, byte[] Shard) TinyKeras()
    {
        var layers = new JsonArray(
            Layer("input_1", "InputLayer", new JsonObject { ["batch_input_shape"] = new JsonArray(null, 6, 6, 2) }, null),
            Layer("pad", "ZeroPadding2D", new JsonObject { ["padding"] = new JsonArray(new JsonArray(0, 1), new JsonArray(0, 1)), ["data_format"] = "channels_last" }, "input_1"),
            Layer("conv", "Conv2D", new JsonObject
            {
                ["filters"] = 3,
                ["kernel_size"] = new JsonArray(3, 3),
                ["strides"] = new JsonArray(1, 1),
                ["padding"] = "valid",
                ["dilation_rate"] = new JsonArray(1, 1),
                ["activation"] = "relu",
                ["use_bias"] = true,
            }, "pad"),
            Layer("bn", "BatchNormalization", new JsonObject { ["axis"] = -1, ["epsilon"] = 0.001, ["center"] = true, ["scale"] = true }, "conv"),
            Layer("relu6", "ReLU", new JsonObject { ["max_value"] = 6, ["negative_slope"] = 0, ["threshold"] = 0 }, "bn"),
            Layer("dw", "DepthwiseConv2D", new JsonObject
            {
                ["kernel_size"] = new JsonArray(3, 3),
                ["strides"] = new JsonArray(1, 1),
                ["padding"] = "same",
                ["depth_multiplier"] = 1,
                ["activation"] = "linear",
                ["use_bias"] = false,
            }, "relu6"),
            Layer("add", "Add", [], "relu6", "dw"),
            Layer("maxpool", "MaxPooling2D", new JsonObject { ["pool_size"] = new JsonArray(2, 2), ["strides"] = new JsonArray(1, 1), ["padding"] = "same" }, "add"),
            Layer("avgpool", "AveragePooling2D", new JsonObject { ["pool_size"] = new JsonArray(2, 2), ["strides"] = new JsonArray(2, 2), ["padding"] = "valid" }, "maxpool"),
            Layer("gap", "GlobalAveragePooling2D", [], "avgpool"),
            Layer("flatten", "Flatten", [], "avgpool"),
            Layer("dense_1", "Dense", new JsonObject { ["units"] = 4, ["activation"] = "relu", ["use_bias"] = true }, "flatten"),
            Layer("dropout", "Dropout", new JsonObject { ["rate"] = 0.5 }, "dense_1"),
            Layer("probs", "Dense", new JsonObject { ["units"] = 3, ["activation"] = "softmax", ["use_bias"] = true }, "dropout"));
        var weights = new List<(string, int[], float[])>
        {
            ("conv/kernel", [3, 3, 2, 3], SmallInts.Make(54, 31, -1, 1)),
            ("conv/bias", [3], [0.5f, -1, 0]),
            ("bn/gamma", [3], [1, 0.5f, 2]),
            ("bn/beta", [3], [0, 1, -1]),
            ("bn/moving_mean", [3], [1, 0, 2]),
            ("bn/moving_variance", [3], [4, 1, 0.25f]),
            ("dw/depthwise_kernel", [3, 3, 3, 1], SmallInts.Make(27, 32, -1, 1)),
            ("dense_1/kernel", [12, 4], SmallInts.Make(48, 33, -1, 1)),
            ("dense_1/bias", [4], [0, 1, 0, -1]),
            ("probs/kernel", [4, 3], SmallInts.Make(12, 34, -1, 1)),
            ("probs/bias", [3], [0.1f, 0, -0.1f]),
        };
        return Model(layers, "probs", weights);
    }

    private static JsonObject Layer(string name, string className, JsonObject config, params string?[]? inbound)
    {
        config["name"] = name;
        var links = new JsonArray();
        foreach (var source in inbound ?? [])
        {
            if (source is not null)
            {
                links.Add(new JsonArray(source, 0, 0, new JsonObject()));
            }
        }

        return new JsonObject
        {
            ["name"] = name,
            ["class_name"] = className,
            ["config"] = config,
            ["inbound_nodes"] = links.Count == 0 ? new JsonArray() : new JsonArray(links),
        };
    }

    private static (JsonObject Model, byte[] Shard) Model(JsonArray layers, string output, List<(string Name, int[] Shape, float[] Values)> weights)
    {
        var manifest = new JsonArray();
        var shard = new List<byte>();
        foreach (var (name, shape, values) in weights)
        {
            var dims = new JsonArray();
            foreach (var d in shape)
            {
                dims.Add(d);
            }

            manifest.Add(new JsonObject { ["name"] = name, ["shape"] = dims, ["dtype"] = "float32" });
            foreach (var v in values)
            {
                var bytes = new byte[4];
                BinaryPrimitives.WriteSingleLittleEndian(bytes, v);
                shard.AddRange(bytes);
            }
        }

        var model = new JsonObject
        {
            ["modelTopology"] = new JsonObject
            {
                ["keras_version"] = "2.2.4",
                ["model_config"] = new JsonObject
                {
                    ["class_name"] = "Model",
                    ["config"] = new JsonObject
                    {
                        ["name"] = "tiny",
                        ["layers"] = layers,
                        ["input_layers"] = new JsonArray(new JsonArray(layers[0]!["name"]!.GetValue<string>(), 0, 0)),
                        ["output_layers"] = new JsonArray(new JsonArray(output, 0, 0)),
                    },
                },
            },
            ["weightsManifest"] = new JsonArray(new JsonObject { ["paths"] = new JsonArray("group1-shard1of1"), ["weights"] = manifest }),
        };
        return (model, [.. shard]);
    }
}
