using Haechi.Media.Models;
using Haechi.Media.Models.Onnx;
using Haechi.Media.Models.Tfjs;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Haechi.Media.Tests.Vision;

/// <summary>
/// Tiny TensorFlow.js graph models built here, converted to ONNX, run in ONNX Runtime and compared
/// with <see cref="ReferenceTfEvaluator"/>. Inputs and weights are small integers, so every op made
/// of sums and products must match bit for bit; ops with exp/sqrt/division match within 1e-6.
/// </summary>
public sealed class TfjsConverterTests
{
    /// <summary>The graph-model ops that issue 4 lists; each must be covered by a case below.</summary>
    private static readonly string[] ListedGraphOps =
    [
        "_FusedConv2D", "Conv2D", "DepthwiseConv2dNative", "FusedDepthwiseConv2dNative", "MaxPool", "AvgPool", "Pad", "Reshape",
        "Squeeze", "Mean", "Sum", "Max", "ConcatV2", "_FusedMatMul", "MatMul", "Add", "AddV2", "Sub", "Mul", "Maximum", "Minimum",
        "RealDiv", "Abs", "Square", "Rsqrt", "Relu", "Relu6", "Sigmoid", "Softmax", "Identity",
    ];

    private static readonly string[] ListedFusedOps = ["BiasAdd", "Relu", "Relu6", "Prelu", "LeakyRelu"];

    private static readonly Dictionary<string, (Func<TinyGraphModel> Build, bool Exact)> Cases = new(StringComparer.Ordinal)
    {
        ["conv-same-stride2-bias-relu"] = (() => new TinyGraphModel("x", 1, 5, 5, 2)
            .Const("w", [3, 3, 2, 3], SmallInts.Make(54, 1)).Const("b", [3], [1, -2, 0.5f])
            .Node("conv", "_FusedConv2D", ["x", "w", "b"], Attr.Conv(2, "SAME", "BiasAdd", "Relu")).Output("conv"), true),
        ["conv-valid-dilated-relu6"] = (() => new TinyGraphModel("x", 1, 7, 6, 2)
            .Const("w", [2, 3, 2, 2], SmallInts.Make(24, 2)).Const("b", [2], [3, -1])
            .Node("conv", "_FusedConv2D", ["x", "w", "b"], Attr.Of(
                ("strides", Attr.Ints(1, 1, 1, 1)), ("dilations", Attr.Ints(1, 2, 2, 1)), ("padding", Attr.Str("VALID")),
                ("fused_ops", Attr.Strs("BiasAdd", "Relu6")))).Output("conv"), true),
        ["conv-prelu"] = (() => new TinyGraphModel("x", 1, 4, 4, 3)
            .Const("w", [1, 1, 3, 2], SmallInts.Make(6, 3)).Const("b", [2], [0, 1]).Const("alpha", [2], [0.25f, 0.5f])
            .Node("conv", "_FusedConv2D", ["x", "w", "b", "alpha"], Attr.Conv(1, "SAME", "BiasAdd", "Prelu")).Output("conv"), true),
        ["conv-leakyrelu"] = (() =>
        {
            var attributes = Attr.Conv(1, "SAME", "BiasAdd", "LeakyRelu");
            attributes["leakyrelu_alpha"] = Attr.Float(0.125f);
            return new TinyGraphModel("x", 1, 4, 3, 2)
                .Const("w", [2, 2, 2, 3], SmallInts.Make(24, 4)).Const("b", [3], [0, -1, 1])
                .Node("conv", "_FusedConv2D", ["x", "w", "b"], attributes).Output("conv");
        }, true),
        ["conv2d-plain-explicit-padding"] = (() => new TinyGraphModel("x", 1, 4, 4, 1)
            .Const("w", [3, 3, 1, 2], SmallInts.Make(18, 5))
            .Node("conv", "Conv2D", ["x", "w"], Attr.Of(
                ("strides", Attr.Ints(1, 1, 1, 1)), ("padding", Attr.Str("EXPLICIT")), ("explicit_paddings", Attr.Ints(0, 0, 1, 0, 2, 1, 0, 0))))
            .Output("conv"), true),
        ["depthwise-multiplier2"] = (() => new TinyGraphModel("x", 1, 5, 4, 3)
            .Const("w", [3, 3, 3, 2], SmallInts.Make(54, 6))
            .Node("dw", "DepthwiseConv2dNative", ["x", "w"], Attr.Conv(2, "SAME")).Output("dw"), true),
        ["fused-depthwise-bias-relu6"] = (() => new TinyGraphModel("x", 1, 6, 6, 2)
            .Const("w", [3, 3, 2, 1], SmallInts.Make(18, 7)).Const("b", [2], [2, -3])
            .Node("dw", "FusedDepthwiseConv2dNative", ["x", "w", "b"], Attr.Conv(1, "SAME", "BiasAdd", "Relu6")).Output("dw"), true),
        ["pools"] = (() => new TinyGraphModel("x", 1, 7, 5, 2)
            .Node("max", "MaxPool", ["x"], Attr.Pool(3, 2, "SAME"))
            .Node("avg", "AvgPool", ["x"], Attr.Pool(2, 2, "SAME"))
            .Node("avgv", "AvgPool", ["x"], Attr.Pool(2, 1, "VALID"))
            .Output("max").Output("avg").Output("avgv"), false),
        ["pad-reshape-order"] = (() => new TinyGraphModel("x", 1, 3, 2, 2)
            .Const("w", [1, 1, 2, 3], SmallInts.Make(6, 8)).Const("p", [4, 2], [0, 0, 1, 0, 0, 2, 0, 0], int32: true).Const("s", [3], [1, -1, 3], int32: true)
            .Node("conv", "Conv2D", ["x", "w"], Attr.Conv(1, "VALID"))
            .Node("pad", "Pad", ["conv", "p"])
            .Node("flat", "Reshape", ["pad", "s"]).Output("flat"), true),
        ["elementwise"] = (() => new TinyGraphModel("x", 1, 3, 3, 2)
            .Const("w", [1, 1, 2, 2], [1, 2, -1, 1]).Const("c", [2], [2, -0.5f]).Const("k", [], [4]).Const("m", [1, 1, 1, 2], [1, -1])
            .Node("conv", "Conv2D", ["x", "w"], Attr.Conv(1, "SAME"))
            .Node("add", "Add", ["conv", "c"]).Node("addv2", "AddV2", ["add", "x"]).Node("sub", "Sub", ["addv2", "k"])
            .Node("mul", "Mul", ["sub", "c"]).Node("mx", "Maximum", ["mul", "m"]).Node("mn", "Minimum", ["mx", "k"])
            .Node("abs", "Abs", ["sub"]).Node("sq", "Square", ["abs"]).Node("relu", "Relu", ["sub"]).Node("relu6", "Relu6", ["sq"])
            .Node("id", "Identity", ["relu6"]).Node("sum2", "AddV2", ["id", "relu"]).Node("all", "AddV2", ["sum2", "mn"])
            .Output("all"), true),
        ["division-and-transcendental"] = (() => new TinyGraphModel("x", 1, 2, 3, 2)
            .Const("w", [1, 1, 2, 2], [1, 0, 1, 1]).Const("c", [2], [3, 7])
            .Node("conv", "Conv2D", ["x", "w"], Attr.Conv(1, "SAME"))
            .Node("sq", "Square", ["conv"]).Node("one", "AddV2", ["sq", "c"]).Node("rs", "Rsqrt", ["one"])
            .Node("div", "RealDiv", ["conv", "one"]).Node("sig", "Sigmoid", ["div"]).Node("out", "Mul", ["sig", "rs"])
            .Output("out"), false),
        ["reductions-squeeze"] = (() => new TinyGraphModel("x", 1, 3, 4, 2)
            .Const("w", [1, 1, 2, 3], SmallInts.Make(6, 9)).Const("hw", [2], [1, 2], int32: true).Const("c", [1], [3], int32: true).Const("h", [1], [1], int32: true)
            .Node("conv", "Conv2D", ["x", "w"], Attr.Conv(1, "SAME"))
            .Node("mean", "Mean", ["conv", "hw"], Attr.Of(("keep_dims", Attr.Bool(false))))
            .Node("sum", "Sum", ["conv", "h"], Attr.Of(("keep_dims", Attr.Bool(false))))
            .Node("max", "Max", ["conv", "c"], Attr.Of(("keep_dims", Attr.Bool(true))))
            .Node("sqz", "Squeeze", ["max"], Attr.Of(("squeeze_dims", Attr.Ints(3))))
            .Output("mean").Output("sum").Output("sqz"), false),
        ["concat-softmax"] = (() => new TinyGraphModel("x", 1, 2, 2, 2)
            .Const("w1", [1, 1, 2, 2], SmallInts.Make(4, 10)).Const("w2", [1, 1, 2, 1], SmallInts.Make(2, 11)).Const("axis", [], [3], int32: true)
            .Node("a", "Conv2D", ["x", "w1"], Attr.Conv(1, "SAME")).Node("b", "Conv2D", ["x", "w2"], Attr.Conv(1, "SAME"))
            .Node("cat", "ConcatV2", ["a", "b", "axis"]).Node("soft", "Softmax", ["cat"])
            .Output("cat").Output("soft"), false),
        ["relu-min-max-as-clip"] = (() => new TinyGraphModel("x", 1, 3, 3, 2)
            .Const("w", [1, 1, 2, 2], [1, 2, -1, 1]).Const("six", [], [6]).Const("zero", [], [0]).Const("two", [], [2]).Const("minus1", [], [-1])
            .Node("conv", "Conv2D", ["x", "w"], Attr.Conv(1, "SAME"))
            .Node("relu", "Relu", ["conv"]).Node("min", "Minimum", ["relu", "six"]).Node("clip", "Maximum", ["min", "zero"])
            .Node("min2", "Minimum", ["conv", "two"]).Node("clip2", "Maximum", ["min2", "minus1"])
            .Node("relu3", "Relu", ["conv"]).Node("min3", "Minimum", ["relu3", "two"]).Node("clip3", "Maximum", ["min3", "minus1"])
            .Output("clip").Output("clip2").Output("clip3"), true),
        ["matmul"] = (() => new TinyGraphModel("x", 2, 3)
            .Const("k", [3, 4], SmallInts.Make(12, 12)).Const("b", [4], [1, 0, -1, 2]).Const("kt", [2, 4], SmallInts.Make(8, 13))
            .Node("fc", "_FusedMatMul", ["x", "k", "b"], Attr.Of(("fused_ops", Attr.Strs("BiasAdd", "Relu")), ("transpose_a", Attr.Bool(false)), ("transpose_b", Attr.Bool(false))))
            .Node("mm", "MatMul", ["fc", "kt"], Attr.Of(("transpose_b", Attr.Bool(true))))
            .Output("mm"), true),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Convert_TinyGraphModel_MatchesReference(string name)
    {
        var (build, exact) = Cases[name];
        var model = build();
        var graph = TfjsGraphModelReader.Read(model.Json(), _ => model.Shard());
        var input = new RefTensor(model.InputShape, SmallInts.Make(SmallInts.Count(model.InputShape), seed: name.Length));
        var expected = ReferenceTfEvaluator.Evaluate(graph, input);
        var actual = OnnxRunner.Run(OnnxGraphConverter.ConvertToBytes(graph, name), model.Input, input);

        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (output, want) in expected)
        {
            var got = actual[output];
            Assert.Equal(want.Shape, got.Shape);
            for (var i = 0; i < want.Data.Length; i++)
            {
                if (exact)
                {
                    Assert.Equal(want.Data[i], got.Data[i]);
                }
                else
                {
                    Assert.True(Math.Abs(want.Data[i] - got.Data[i]) <= 1e-6 * Math.Max(1, Math.Abs(want.Data[i])), $"{output}[{i}]: expected {want.Data[i]}, got {got.Data[i]}");
                }
            }
        }
    }

    [Fact]
    public void Cases_CoverEveryListedOp_True()
    {
        var ops = new HashSet<string>(StringComparer.Ordinal);
        var fused = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (build, _) in Cases.Values)
        {
            var model = build();
            ops.UnionWith(model.Ops);
            foreach (var node in TfjsGraphModelReader.Read(model.Json(), _ => model.Shard()).Nodes)
            {
                fused.UnionWith(node.Attributes.FusedOps);
            }
        }

        Assert.Empty(ListedGraphOps.Except(ops));
        Assert.Empty(ListedFusedOps.Except(fused));
        Assert.Empty(ListedGraphOps.Except(TfjsConverter.SupportedOps));
    }

    [Fact]
    public void Convert_ClipByValuePattern_OneClipNoMinMax()
    {
        var model = Cases["relu-min-max-as-clip"].Build();
        var graph = TfjsGraphModelReader.Read(model.Json(), _ => model.Shard());

        var ops = OnnxGraphConverter.Convert(graph, "clip").Graph.Node.Select(n => n.OpType).ToList();

        Assert.Equal(3, ops.Count(o => o == "Clip"));
        Assert.DoesNotContain("Min", ops);
        Assert.DoesNotContain("Max", ops);
        Assert.Equal(1, ops.Count(o => o == "Relu")); // kept only where the lower bound is negative
    }

    [Fact]
    public void Convert_UnknownOp_ThrowsNamingTheOp()
    {
        var model = new TinyGraphModel("x", 1, 2, 2, 1).Node("e", "Erf", ["x"]).Output("e");
        var graph = TfjsGraphModelReader.Read(model.Json(), _ => model.Shard());

        var error = Assert.Throws<ModelConversionException>(() => OnnxGraphConverter.ConvertToBytes(graph, "bad"));
        Assert.Contains("'Erf'", error.Message, StringComparison.Ordinal);
        Assert.Contains("not supported", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Convert_UnknownFusedOp_Throws()
    {
        var model = new TinyGraphModel("x", 1, 2, 2, 1).Const("w", [1, 1, 1, 1], [1]).Const("b", [1], [0])
            .Node("c", "_FusedConv2D", ["x", "w", "b"], Attr.Conv(1, "SAME", "BiasAdd", "Gelu")).Output("c");
        var graph = TfjsGraphModelReader.Read(model.Json(), _ => model.Shard());

        var error = Assert.Throws<ModelConversionException>(() => OnnxGraphConverter.ConvertToBytes(graph, "bad"));
        Assert.Contains("Gelu", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadWeights_QuantisedUint8AndFloat16_Dequantised()
    {
        var model = new TinyGraphModel("x", 1, 1, 1, 1)
            .Const("q8", [4], [0, 1, 6, 255], quantisation: "uint8")
            .Const("h", [3], [0.5f, -2.25f, 1024f], quantisation: "float16")
            .Node("a", "AddV2", ["x", "q8"]).Node("b", "AddV2", ["x", "h"]).Output("a").Output("b");

        var graph = TfjsGraphModelReader.Read(model.Json(), _ => model.Shard());

        Assert.Equal([-3f, -2.5f, 0f, 124.5f], graph.Constants["q8"].Floats!);
        Assert.Equal([0.5f, -2.25f, 1024f], graph.Constants["h"].Floats!);
    }

    [Fact]
    public void ReadWeights_ShardShorterThanManifest_Throws()
    {
        var model = new TinyGraphModel("x", 1, 1, 1, 1).Const("w", [8], new float[8]).Node("a", "AddV2", ["x", "w"]).Output("a");
        var shard = model.Shard()[..10];

        Assert.Throws<ModelConversionException>(() => TfjsGraphModelReader.Read(model.Json(), _ => shard));
    }

    [Fact]
    public void ConvertGraphModel_FromFiles_RenamesOutputs()
    {
        var directory = Path.Combine(Path.GetTempPath(), "haechi-tfjs-" + Guid.NewGuid().ToString("N"));
        try
        {
            var model = new TinyGraphModel("x", 1, 2, 2, 1).Node("r", "Relu", ["x"]).Output("r");
            var path = model.WriteTo(directory);

            var bytes = TfjsConverter.ConvertGraphModel(path, new Dictionary<string, string> { ["scores"] = "r" });

            using var session = new InferenceSession(bytes);
            Assert.Equal(["scores"], session.OutputMetadata.Keys);
            Assert.Equal(["x"], session.InputMetadata.Keys);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}

/// <summary>Runs converted ONNX bytes in ONNX Runtime on one NHWC input.</summary>
internal static class OnnxRunner
{
    public static Dictionary<string, RefTensor> Run(byte[] model, string inputName, RefTensor input)
    {
        using var session = new InferenceSession(model);
        var tensor = new DenseTensor<float>(input.Data, input.Shape);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(inputName, tensor)]);
        var outputs = new Dictionary<string, RefTensor>(StringComparer.Ordinal);
        foreach (var result in results)
        {
            var t = result.AsTensor<float>();
            outputs[result.Name] = new RefTensor(t.Dimensions.ToArray(), t.ToArray());
        }

        return outputs;
    }
}
