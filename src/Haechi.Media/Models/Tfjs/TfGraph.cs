namespace Haechi.Media.Models.Tfjs;

/// <summary>
/// A TensorFlow-style graph in TF's NHWC layout: the common form that both TensorFlow.js readers
/// (graph models and Keras layers models) produce and that <see cref="Onnx.OnnxGraphConverter"/>
/// turns into ONNX. Op names and semantics are TensorFlow's.
/// </summary>
internal sealed class TfGraph
{
    public List<TfInput> Inputs { get; } = [];

    public List<TfNode> Nodes { get; } = [];

    public Dictionary<string, TfTensor> Constants { get; } = new(StringComparer.Ordinal);

    /// <summary>Graph outputs: (name exposed in ONNX, node name producing it).</summary>
    public List<(string Name, string Node)> Outputs { get; } = [];
}

/// <summary>A graph input (TF <c>Placeholder</c>); -1 marks a dynamic dimension.</summary>
internal sealed record TfInput(string Name, int[] Shape);

/// <summary>One TensorFlow op. Inputs name other nodes, constants or inputs.</summary>
internal sealed record TfNode(string Name, string Op, string[] Inputs, TfAttributes Attributes);

/// <summary>The attributes of the ops Haechi converts (TF names, NHWC order).</summary>
internal sealed class TfAttributes
{
    public static TfAttributes None { get; } = new();

    /// <summary>NHWC strides, four values.</summary>
    public int[]? Strides { get; init; }

    /// <summary>NHWC dilations, four values.</summary>
    public int[]? Dilations { get; init; }

    /// <summary>NHWC pooling window, four values.</summary>
    public int[]? KernelSize { get; init; }

    /// <summary><c>SAME</c>, <c>VALID</c> or <c>EXPLICIT</c>.</summary>
    public string? Padding { get; init; }

    /// <summary>Eight values (before/after per NHWC axis) when <see cref="Padding"/> is <c>EXPLICIT</c>.</summary>
    public int[]? ExplicitPaddings { get; init; }

    /// <summary>For fused ops: e.g. <c>BiasAdd</c>, <c>Relu</c>.</summary>
    public string[] FusedOps { get; init; } = [];

    /// <summary>Slope of <c>LeakyRelu</c>.</summary>
    public float? Alpha { get; init; }

    public bool TransposeA { get; init; }

    public bool TransposeB { get; init; }

    public bool KeepDims { get; init; }

    /// <summary>For <c>Squeeze</c>; empty squeezes every axis of size 1.</summary>
    public int[] SqueezeDims { get; init; } = [];

    /// <summary>Data format of convolutions and pools; only <c>NHWC</c> is accepted.</summary>
    public string? DataFormat { get; init; }
}

/// <summary>A constant tensor: float32 or int32 values, row-major in TF order.</summary>
internal sealed class TfTensor
{
    public TfTensor(int[] shape, float[] floats)
    {
        Shape = shape;
        Floats = floats;
    }

    public TfTensor(int[] shape, int[] ints)
    {
        Shape = shape;
        Ints = ints;
    }

    public int[] Shape { get; }

    public float[]? Floats { get; }

    public int[]? Ints { get; }

    public int Length => Floats?.Length ?? Ints!.Length;

    /// <summary>The values as integers (int32 tensors, or float tensors holding whole numbers).</summary>
    public int[] AsInts()
    {
        if (Ints is not null)
        {
            return Ints;
        }

        var result = new int[Floats!.Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = (int)Floats[i];
        }

        return result;
    }
}
