using System.Globalization;
using Google.Protobuf;
using Haechi.Media.Models.Tfjs;

namespace Haechi.Media.Models.Onnx;

/// <summary>
/// Turns a <see cref="TfGraph"/> (TF ops, NHWC) into an ONNX model (opset 18) that ONNX Runtime
/// runs. Inputs and outputs keep TF's NHWC shapes; inside, 4-D tensors flow in ONNX's NCHW
/// layout: one Transpose after each image input, and one back before any op whose meaning
/// depends on the layout (Reshape, Softmax, MatMul...) or before an output. Constants that broadcast
/// against NCHW tensors are permuted at conversion time. TF "SAME" padding is ONNX SAME_UPPER.
/// Unknown ops are refused with the op's name.
/// </summary>
internal sealed class OnnxGraphConverter
{
    /// <summary>The TF ops this converter understands (graph models and the Keras layers reader).</summary>
    public static IReadOnlySet<string> SupportedOps { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "_FusedConv2D", "Conv2D", "DepthwiseConv2dNative", "FusedDepthwiseConv2dNative", "MaxPool", "AvgPool", "Pad",
        "Reshape", "Squeeze", "Flatten", "Mean", "Sum", "Max", "ConcatV2", "_FusedMatMul", "MatMul", "Add", "AddV2", "BiasAdd",
        "Sub", "Mul", "Maximum", "Minimum", "RealDiv", "Abs", "Square", "Rsqrt", "Relu", "Relu6", "LeakyRelu", "Sigmoid",
        "Tanh", "Softmax", "Identity",
    };

    private const int Opset = 18;
    private const long IrVersion = 8;
    private static readonly int[] ToNchw = [0, 3, 1, 2];
    private static readonly int[] ToNhwc = [0, 2, 3, 1];

    private readonly TfGraph _graph;
    private readonly GraphProto _onnx = new();
    private readonly Dictionary<string, Value> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TfNode> _nodes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    // Output names the caller asked for: internal values never take them.
    private readonly HashSet<string> _reserved = new(StringComparer.Ordinal);

    private OnnxGraphConverter(TfGraph graph)
    {
        _graph = graph;
        foreach (var node in graph.Nodes)
        {
            _nodes[node.Name] = node;
        }
    }

    /// <summary>Converts <paramref name="graph"/>; <paramref name="metadata"/> goes into the model's metadata_props.</summary>
    public static ModelProto Convert(TfGraph graph, string graphName, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var converter = new OnnxGraphConverter(graph);
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "haechi",
            ProducerVersion = "1",
            Graph = converter.Build(graphName),
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = Opset });
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        return model;
    }

    /// <summary>Converts and serialises to ONNX bytes.</summary>
    public static byte[] ConvertToBytes(TfGraph graph, string graphName, IReadOnlyDictionary<string, string>? metadata = null) =>
        Convert(graph, graphName, metadata).ToByteArray();

    private GraphProto Build(string graphName)
    {
        _onnx.Name = graphName;
        if (_graph.Outputs.Count == 0)
        {
            throw new ModelConversionException("The model declares no outputs.");
        }

        foreach (var (name, _) in _graph.Outputs)
        {
            if (!_reserved.Add(name))
            {
                throw new ModelConversionException($"Output '{name}' is declared twice.");
            }
        }

        foreach (var input in _graph.Inputs)
        {
            _names.Add(input.Name);
            _onnx.Input.Add(ValueInfo(input.Name, input.Shape));
            var value = new Value(input.Name, input.Shape.Length, Layout.Tf, null);
            _values[input.Name] = value;
        }

        foreach (var (name, node) in _graph.Outputs)
        {
            var value = Require(node);
            var tf = value.Rank == 4 ? EnsureNhwc(value) : value;
            var outputName = name;
            if (_names.Contains(outputName))
            {
                throw new ModelConversionException($"Output '{name}' has the name of a graph input.");
            }

            _reserved.Remove(outputName);
            Emit("Identity", [tf.Name], outputName);
            _onnx.Output.Add(new ValueInfoProto
            {
                Name = outputName,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
            });
        }

        return _onnx;
    }

    // ----- values -----

    private enum Layout
    {
        /// <summary>The ONNX tensor has TF's shape and order.</summary>
        Tf,

        /// <summary>A 4-D TF NHWC tensor stored transposed as NCHW.</summary>
        Nchw,
    }

    private sealed record Value(string Name, int Rank, Layout Layout, TfTensor? Constant)
    {
        public Value? Nchw { get; set; }

        public Value? Nhwc { get; set; }
    }

    private Value Require(string name)
    {
        if (_values.TryGetValue(name, out var value))
        {
            return value;
        }

        if (_graph.Constants.TryGetValue(name, out var constant))
        {
            value = new Value(name, constant.Shape.Length, Layout.Tf, constant);
            _values[name] = value;
            return value;
        }

        if (!_nodes.TryGetValue(name, out var node))
        {
            throw new ModelConversionException($"The graph refers to '{name}', which no node, input or weight defines.");
        }

        // Depth-first: convert the inputs, then the node. Models are shallow enough (a few hundred
        // nodes in a chain) for recursion.
        value = ConvertNode(node);
        _values[name] = value;
        return value;
    }

    private static Value ConstantValue(Value value, string what)
    {
        if (value.Constant is null)
        {
            throw new ModelConversionException($"The {what} of this op must be a constant; '{value.Name}' is computed.");
        }

        return value;
    }

    /// <summary>The initializer for a constant value, emitted on first use.</summary>
    private string Materialise(Value value)
    {
        if (value.Constant is { } constant && _names.Add(value.Name))
        {
            _onnx.Initializer.Add(constant.Floats is not null
                ? FloatTensor(value.Name, constant.Shape, constant.Floats)
                : IntTensor(value.Name, constant.Shape, constant.Ints!));
        }

        return value.Name;
    }

    private Value EnsureNhwc(Value value)
    {
        if (value.Layout == Layout.Tf)
        {
            Materialise(value);
            return value;
        }

        if (value.Nhwc is null)
        {
            var name = Unique(value.Name + ":nhwc");
            name = Emit("Transpose", [value.Name], name, Ints("perm", ToNhwc));
            value.Nhwc = new Value(name, 4, Layout.Tf, null);
        }

        return value.Nhwc;
    }

    private Value EnsureNchw(Value value)
    {
        if (value.Layout == Layout.Nchw)
        {
            return value;
        }

        if (value.Rank != 4)
        {
            throw new ModelConversionException($"'{value.Name}' must be a 4-D NHWC tensor here; it has rank {value.Rank}.");
        }

        if (value.Nchw is null)
        {
            if (value.Constant is { } constant)
            {
                var name = Unique(value.Name + ":nchw");
                var permuted = PermuteConstant(constant, constant.Shape, ToNchw);
                _names.Add(name);
                _onnx.Initializer.Add(FloatTensor(name, permuted.Shape, permuted.Floats!));
                value.Nchw = new Value(name, 4, Layout.Nchw, null);
            }
            else
            {
                var name = Unique(value.Name + ":nchw");
                name = Emit("Transpose", [value.Name], name, Ints("perm", ToNchw));
                value.Nchw = new Value(name, 4, Layout.Nchw, null);
            }
        }

        return value.Nchw;
    }

    // ----- ops -----

    private Value ConvertNode(TfNode node)
    {
        if (!SupportedOps.Contains(node.Op))
        {
            throw new ModelConversionException($"Op '{node.Op}' (node '{node.Name}') is not supported by Haechi's TensorFlow.js converter.");
        }

        var a = node.Attributes;
        switch (node.Op)
        {
            case "Identity":
                return Require(node.Inputs[0]);
            case "Conv2D" or "_FusedConv2D":
                return Convolution(node, depthwise: false);
            case "DepthwiseConv2dNative" or "FusedDepthwiseConv2dNative":
                return Convolution(node, depthwise: true);
            case "MaxPool" or "AvgPool":
                return Pool(node);
            case "Pad":
                return Pad(node);
            case "Reshape":
                {
                    var input = EnsureNhwc(Require(node.Inputs[0]));
                    var shape = ConstantValue(Require(node.Inputs[1]), "shape").Constant!.AsInts();
                    if (Array.IndexOf(shape, 0) >= 0)
                    {
                        throw new ModelConversionException($"Reshape '{node.Name}' has a zero-sized dimension.");
                    }

                    var shapeName = Int64Initializer(node.Name + ":shape", [shape.Length], shape);
                    return Output(Emit("Reshape", [input.Name, shapeName], node.Name), shape.Length);
                }

            case "Squeeze":
                {
                    var input = EnsureNhwc(Require(node.Inputs[0]));
                    if (a.SqueezeDims.Length == 0)
                    {
                        throw new ModelConversionException($"Squeeze '{node.Name}' without axes is not supported (the output rank would be unknown).");
                    }

                    var axes = Int64Initializer(node.Name + ":axes", [a.SqueezeDims.Length], a.SqueezeDims);
                    return Output(Emit("Squeeze", [input.Name, axes], node.Name), input.Rank - a.SqueezeDims.Length);
                }

            case "Flatten":
                {
                    var input = EnsureNhwc(Require(node.Inputs[0]));
                    return Output(Emit("Flatten", [input.Name], node.Name, Int("axis", 1)), 2);
                }

            case "Mean" or "Sum" or "Max":
                return Reduce(node);
            case "ConcatV2":
                return Concat(node);
            case "MatMul" or "_FusedMatMul":
                return MatMul(node);
            case "Maximum" when TryClip(node) is { } clip:
                return clip;
            case "Add" or "AddV2" or "BiasAdd" or "Sub" or "Mul" or "Maximum" or "Minimum" or "RealDiv":
                return Binary(node);
            case "Softmax":
                {
                    var input = EnsureNhwc(Require(node.Inputs[0]));
                    return Output(Emit("Softmax", [input.Name], node.Name, Int("axis", -1)), input.Rank);
                }

            default:
                return Unary(node);
        }
    }

    private static Value Output(string name, int rank) => new(name, rank, Layout.Tf, null);

    private Value Convolution(TfNode node, bool depthwise)
    {
        var a = node.Attributes;
        RequireNhwc(node);
        var input = EnsureNchw(Require(node.Inputs[0]));
        var filter = ConstantValue(Require(node.Inputs[1]), "filter").Constant!;
        if (filter.Shape.Length != 4 || filter.Floats is null)
        {
            throw new ModelConversionException($"The filter of '{node.Name}' is not a 4-D float tensor.");
        }

        var (kh, kw, cin, cout) = (filter.Shape[0], filter.Shape[1], filter.Shape[2], filter.Shape[3]);
        float[] weights;
        int[] shape;
        if (depthwise)
        {
            // TF [kh, kw, in, multiplier] → ONNX [in·multiplier, 1, kh, kw]; output channel c·m + j.
            shape = [cin * cout, 1, kh, kw];
            weights = new float[filter.Length];
            for (var y = 0; y < kh; y++)
            {
                for (var x = 0; x < kw; x++)
                {
                    for (var c = 0; c < cin; c++)
                    {
                        for (var m = 0; m < cout; m++)
                        {
                            weights[((((c * cout) + m) * kh) + y) * kw + x] = filter.Floats[(((((y * kw) + x) * cin) + c) * cout) + m];
                        }
                    }
                }
            }
        }
        else
        {
            // TF HWIO → ONNX OIHW.
            var permuted = PermuteConstant(filter, filter.Shape, [3, 2, 0, 1]);
            shape = permuted.Shape;
            weights = permuted.Floats!;
        }

        var weightName = Unique(node.Name + ":W");
        _names.Add(weightName);
        _onnx.Initializer.Add(FloatTensor(weightName, shape, weights));
        var inputs = new List<string> { input.Name, weightName };
        var fused = new Queue<string>(a.FusedOps);
        var extra = 2;
        if (fused.Count > 0 && fused.Peek() == "BiasAdd")
        {
            fused.Dequeue();
            var bias = ConstantValue(Require(node.Inputs[extra++]), "bias");
            inputs.Add(Materialise(bias));
        }

        var attributes = new List<AttributeProto>
        {
            Ints("kernel_shape", [kh, kw]),
            Ints("strides", Spatial(a.Strides, node)),
            Ints("dilations", Spatial(a.Dilations, node)),
            Int("group", depthwise ? cin : 1),
        };
        attributes.AddRange(PaddingAttributes(node));
        var convName = fused.Count == 0 ? node.Name : Unique(node.Name + ":conv");
        convName = Emit("Conv", inputs, convName, [.. attributes]);
        var result = new Value(convName, 4, Layout.Nchw, null);
        return FusedActivations(node, fused, result, extra);
    }

    private Value FusedActivations(TfNode node, Queue<string> fused, Value value, int nextInput)
    {
        while (fused.Count > 0)
        {
            var op = fused.Dequeue();
            var name = fused.Count == 0 ? node.Name : Unique(node.Name + ":" + op);
            switch (op)
            {
                case "Relu":
                    name = Emit("Relu", [value.Name], name);
                    break;
                case "Relu6":
                    name = Emit("Clip", [value.Name, ScalarFloat(0), ScalarFloat(6)], name);
                    break;
                case "LeakyRelu":
                    name = Emit("LeakyRelu", [value.Name], name, Float("alpha", node.Attributes.Alpha ?? 0.2f));
                    break;
                case "Elu":
                    name = Emit("Elu", [value.Name], name);
                    break;
                case "Sigmoid":
                    name = Emit("Sigmoid", [value.Name], name);
                    break;
                case "Tanh":
                    name = Emit("Tanh", [value.Name], name);
                    break;
                case "Prelu":
                    {
                        var alpha = ConstantValue(Require(node.Inputs[nextInput++]), "PReLU slope").Constant!;
                        var slope = BroadcastConstant(node.Name + ":alpha", alpha, value.Layout, value.Rank);
                        name = Emit("PRelu", [value.Name, slope], name);
                        break;
                    }

                default:
                    throw new ModelConversionException($"Fused op '{op}' in '{node.Name}' is not supported.");
            }

            value = new Value(name, value.Rank, value.Layout, null);
        }

        return value;
    }

    private Value Pool(TfNode node)
    {
        var a = node.Attributes;
        RequireNhwc(node);
        var input = EnsureNchw(Require(node.Inputs[0]));
        var attributes = new List<AttributeProto>
        {
            Ints("kernel_shape", Spatial(a.KernelSize, node)),
            Ints("strides", Spatial(a.Strides, node)),
        };
        attributes.AddRange(PaddingAttributes(node));
        // TF's average pool divides by the number of real (unpadded) pixels: count_include_pad = 0.
        var name = Emit(node.Op == "MaxPool" ? "MaxPool" : "AveragePool", [input.Name], node.Name, [.. attributes]);
        return new Value(name, 4, Layout.Nchw, null);
    }

    private Value Pad(TfNode node)
    {
        var input = Require(node.Inputs[0]);
        var paddings = ConstantValue(Require(node.Inputs[1]), "paddings").Constant!.AsInts();
        var rank = paddings.Length / 2;
        var source = input.Rank == 4 && input.Layout == Layout.Nchw ? input : EnsureNhwc(input);
        var pads = new int[rank * 2];
        for (var axis = 0; axis < rank; axis++)
        {
            // ONNX pads: all the "before" values, then all the "after" values, in the tensor's order.
            var onnxAxis = source.Layout == Layout.Nchw ? Array.IndexOf(ToNchw, axis) : axis;
            pads[onnxAxis] = paddings[axis * 2];
            pads[rank + onnxAxis] = paddings[(axis * 2) + 1];
        }

        var padsName = Int64Initializer(node.Name + ":pads", [pads.Length], pads);
        var name = Emit("Pad", [source.Name, padsName], node.Name, Text("mode", "constant"));
        return new Value(name, source.Rank, source.Layout, null);
    }

    private Value Reduce(TfNode node)
    {
        var input = Require(node.Inputs[0]);
        var axes = ConstantValue(Require(node.Inputs[1]), "reduction axes").Constant!.AsInts();
        var keep = node.Attributes.KeepDims;
        var normalised = new int[axes.Length];
        for (var i = 0; i < axes.Length; i++)
        {
            normalised[i] = axes[i] < 0 ? axes[i] + input.Rank : axes[i];
        }

        var source = input;
        var layout = Layout.Tf;
        if (input.Layout == Layout.Nchw)
        {
            var mapped = new int[normalised.Length];
            for (var i = 0; i < mapped.Length; i++)
            {
                mapped[i] = Array.IndexOf(ToNchw, normalised[i]);
            }

            if (keep)
            {
                normalised = mapped;
                layout = Layout.Nchw;
            }
            else if (KeptOrderMatches(normalised))
            {
                normalised = mapped;
            }
            else
            {
                source = EnsureNhwc(input);
            }
        }
        else
        {
            source = EnsureNhwc(input);
        }

        var axesName = Int64Initializer(node.Name + ":axes", [normalised.Length], normalised);
        var op = node.Op switch { "Mean" => "ReduceMean", "Sum" => "ReduceSum", _ => "ReduceMax" };
        var name = Emit(op, [source.Name, axesName], node.Name, Int("keepdims", keep ? 1 : 0));
        return new Value(name, keep ? input.Rank : input.Rank - axes.Length, layout, null);

        // Without keepdims the result is in TF order only if the kept NHWC axes come out in the same
        // order from the NCHW tensor: true unless both C and a spatial axis survive.
        static bool KeptOrderMatches(int[] reducedNhwc)
        {
            var keepsChannel = Array.IndexOf(reducedNhwc, 3) < 0;
            var keepsSpatial = Array.IndexOf(reducedNhwc, 1) < 0 || Array.IndexOf(reducedNhwc, 2) < 0;
            return !(keepsChannel && keepsSpatial);
        }
    }

    private Value Concat(TfNode node)
    {
        var count = node.Inputs.Length - 1;
        var axis = ConstantValue(Require(node.Inputs[count]), "axis").Constant!.AsInts()[0];
        var inputs = new Value[count];
        var allNchw = true;
        for (var i = 0; i < count; i++)
        {
            inputs[i] = Require(node.Inputs[i]);
            allNchw &= inputs[i].Layout == Layout.Nchw || (inputs[i].Constant is not null && inputs[i].Rank == 4);
        }

        var rank = inputs[0].Rank;
        var normalisedAxis = axis < 0 ? axis + rank : axis;
        var names = new List<string>(count);
        if (allNchw && rank == 4)
        {
            foreach (var input in inputs)
            {
                names.Add(EnsureNchw(input).Name);
            }

            var name = Emit("Concat", names, node.Name, Int("axis", Array.IndexOf(ToNchw, normalisedAxis)));
            return new Value(name, 4, Layout.Nchw, null);
        }

        foreach (var input in inputs)
        {
            names.Add(EnsureNhwc(input).Name);
        }

        return Output(Emit("Concat", names, node.Name, Int("axis", normalisedAxis)), rank);
    }

    private Value MatMul(TfNode node)
    {
        var a = node.Attributes;
        var left = EnsureNhwc(Require(node.Inputs[0]));
        var right = EnsureNhwc(Require(node.Inputs[1]));
        if (left.Rank != 2 || right.Rank != 2)
        {
            throw new ModelConversionException($"MatMul '{node.Name}' has operands of rank {left.Rank} and {right.Rank}; only 2-D is supported.");
        }

        var inputs = new List<string> { left.Name, right.Name };
        var fused = new Queue<string>(a.FusedOps);
        var extra = 2;
        if (fused.Count > 0 && fused.Peek() == "BiasAdd")
        {
            fused.Dequeue();
            inputs.Add(Materialise(ConstantValue(Require(node.Inputs[extra++]), "bias")));
        }

        var gemmName = fused.Count == 0 ? node.Name : Unique(node.Name + ":gemm");
        gemmName = Emit("Gemm", inputs, gemmName, Int("transA", a.TransposeA ? 1 : 0), Int("transB", a.TransposeB ? 1 : 0));
        return FusedActivations(node, fused, new Value(gemmName, 2, Layout.Tf, null), extra);
    }

    private Value Binary(TfNode node)
    {
        var op = node.Op switch
        {
            "Add" or "AddV2" or "BiasAdd" => "Add",
            "Sub" => "Sub",
            "Mul" => "Mul",
            "RealDiv" => "Div",
            "Maximum" => "Max",
            _ => "Min",
        };
        var left = Require(node.Inputs[0]);
        var right = Require(node.Inputs[1]);
        var nchw = left.Layout == Layout.Nchw || right.Layout == Layout.Nchw;
        string leftName, rightName;
        var rank = Math.Max(left.Rank, right.Rank);
        if (nchw && CanJoinNchw(left) && CanJoinNchw(right))
        {
            leftName = NchwOperand(node, left, "a");
            rightName = NchwOperand(node, right, "b");
            return new Value(Emit(op, [leftName, rightName], node.Name), 4, Layout.Nchw, null);
        }

        leftName = EnsureNhwc(left).Name;
        rightName = EnsureNhwc(right).Name;
        return Output(Emit(op, [leftName, rightName], node.Name), rank);

        static bool CanJoinNchw(Value value) => value.Layout == Layout.Nchw || value.Rank == 4 || value.Constant is not null || value.Rank == 0;
    }

    /// <summary>
    /// Keras' clip_by_value exported as Maximum(Minimum(x, hi), lo) with scalar bounds, often after a
    /// Relu: one ONNX Clip instead of three ops, so ONNX Runtime can fuse it into the convolution
    /// before it (and keep its blocked NCHWc layout across layers). Null when the pattern does not hold.
    /// </summary>
    private Value? TryClip(TfNode node)
    {
        if (!TryScalar(node.Inputs[1], out var lo)
            || !_nodes.TryGetValue(node.Inputs[0], out var minimum)
            || minimum.Op != "Minimum"
            || !TryScalar(minimum.Inputs[1], out var hi)
            || lo > hi)
        {
            return null;
        }

        var sourceName = minimum.Inputs[0];
        // Clip(Relu(x), lo, hi) = Clip(x, lo, hi) when lo ≥ 0.
        if (lo >= 0 && _nodes.TryGetValue(sourceName, out var relu) && relu.Op == "Relu")
        {
            sourceName = relu.Inputs[0];
        }

        var source = Require(sourceName);
        if (source.Constant is not null)
        {
            return null;
        }

        var name = Emit("Clip", [source.Name, ScalarFloat(lo), ScalarFloat(hi)], node.Name);
        return new Value(name, source.Rank, source.Layout, null);

        bool TryScalar(string input, out float value)
        {
            value = 0;
            if (!_graph.Constants.TryGetValue(input, out var constant) || constant.Length != 1)
            {
                return false;
            }

            value = constant.Floats?[0] ?? constant.Ints![0];
            return true;
        }
    }

    private string NchwOperand(TfNode node, Value value, string suffix)
    {
        if (value.Layout == Layout.Nchw)
        {
            return value.Name;
        }

        if (value.Constant is { } constant)
        {
            return BroadcastConstant(node.Name + ":" + suffix, constant, Layout.Nchw, 4);
        }

        return value.Rank == 0 ? value.Name : EnsureNchw(value).Name;
    }

    /// <summary>A constant that TF broadcasts against an NHWC tensor, reshaped so it broadcasts the same way against NCHW.</summary>
    private string BroadcastConstant(string name, TfTensor constant, Layout layout, int rank)
    {
        if (constant.Floats is null)
        {
            throw new ModelConversionException($"'{name}' is an integer constant in a float op.");
        }

        if (layout != Layout.Nchw || constant.Length == 1)
        {
            var plainName = Unique(name);
            _names.Add(plainName);
            _onnx.Initializer.Add(FloatTensor(plainName, constant.Length == 1 && layout == Layout.Nchw ? [] : constant.Shape, constant.Floats));
            return plainName;
        }

        if (constant.Shape.Length > rank)
        {
            throw new ModelConversionException($"Constant '{name}' has more dimensions than the tensor it combines with.");
        }

        // Right-align against NHWC (numpy broadcasting), then move C in front of H and W.
        var padded = new int[4];
        var offset = 4 - constant.Shape.Length;
        for (var i = 0; i < 4; i++)
        {
            padded[i] = i < offset ? 1 : constant.Shape[i - offset];
        }

        var permuted = PermuteConstant(constant, padded, ToNchw);
        var uniqueName = Unique(name);
        _names.Add(uniqueName);
        _onnx.Initializer.Add(FloatTensor(uniqueName, permuted.Shape, permuted.Floats!));
        return uniqueName;
    }

    private Value Unary(TfNode node)
    {
        var input = Require(node.Inputs[0]);
        var source = input.Layout == Layout.Nchw ? input : EnsureNhwc(input);
        string name;
        switch (node.Op)
        {
            case "Relu" or "Sigmoid" or "Tanh" or "Abs":
                name = Emit(node.Op, [source.Name], node.Name);
                break;
            case "Relu6":
                name = Emit("Clip", [source.Name, ScalarFloat(0), ScalarFloat(6)], node.Name);
                break;
            case "LeakyRelu":
                name = Emit("LeakyRelu", [source.Name], node.Name, Float("alpha", node.Attributes.Alpha ?? 0.2f));
                break;
            case "Square":
                name = Emit("Mul", [source.Name, source.Name], node.Name);
                break;
            case "Rsqrt":
                var root = Emit("Sqrt", [source.Name], Unique(node.Name + ":sqrt"));
                name = Emit("Reciprocal", [root], node.Name);
                break;
            default:
                throw new ModelConversionException($"Op '{node.Op}' (node '{node.Name}') is not supported by Haechi's TensorFlow.js converter.");
        }

        return new Value(name, source.Rank, source.Layout, null);
    }

    // ----- helpers -----

    private static void RequireNhwc(TfNode node)
    {
        var format = node.Attributes.DataFormat;
        if (format is not null && format != "NHWC")
        {
            throw new ModelConversionException($"'{node.Name}' uses data format {format}; only NHWC is supported.");
        }
    }

    private static int[] Spatial(int[]? nhwc, TfNode node)
    {
        if (nhwc is null || nhwc.Length == 0)
        {
            return [1, 1];
        }

        if (nhwc.Length != 4)
        {
            throw new ModelConversionException($"'{node.Name}' has {nhwc.Length} strides/dilations/window values; expected 4.");
        }

        return [nhwc[1], nhwc[2]];
    }

    private static IEnumerable<AttributeProto> PaddingAttributes(TfNode node)
    {
        var a = node.Attributes;
        switch (a.Padding)
        {
            case "SAME":
                yield return Text("auto_pad", "SAME_UPPER");
                break;
            case null or "VALID":
                yield return Text("auto_pad", "VALID");
                break;
            case "EXPLICIT" when a.ExplicitPaddings is { Length: 8 } p:
                yield return Ints("pads", [p[2], p[4], p[3], p[5]]);
                break;
            default:
                throw new ModelConversionException($"'{node.Name}' has padding '{a.Padding}', which is not supported.");
        }
    }

    private static TfTensor PermuteConstant(TfTensor constant, int[] shape, int[] perm)
    {
        var source = constant.Floats ?? throw new ModelConversionException("Only float constants can be permuted.");
        var rank = shape.Length;
        var outShape = new int[rank];
        for (var i = 0; i < rank; i++)
        {
            outShape[i] = shape[perm[i]];
        }

        var inStrides = new int[rank];
        var stride = 1;
        for (var i = rank - 1; i >= 0; i--)
        {
            inStrides[i] = stride;
            stride *= shape[i];
        }

        var result = new float[source.Length];
        var index = new int[rank];
        for (var o = 0; o < result.Length; o++)
        {
            var offset = 0;
            for (var i = 0; i < rank; i++)
            {
                offset += index[i] * inStrides[perm[i]];
            }

            result[o] = source[offset];
            for (var i = rank - 1; i >= 0; i--)
            {
                if (++index[i] < outShape[i])
                {
                    break;
                }

                index[i] = 0;
            }
        }

        return new TfTensor(outShape, result);
    }

    private string Unique(string name)
    {
        var candidate = name;
        for (var i = 1; _names.Contains(candidate) || _reserved.Contains(candidate) || _values.ContainsKey(candidate) || _nodes.ContainsKey(candidate) || _graph.Constants.ContainsKey(candidate); i++)
        {
            candidate = string.Create(CultureInfo.InvariantCulture, $"{name}_{i}");
        }

        return candidate;
    }

    private string Emit(string op, IEnumerable<string> inputs, string output, params AttributeProto[] attributes)
    {
        if (_reserved.Contains(output) || _names.Contains(output))
        {
            output = Unique(output);
        }

        _names.Add(output);
        var node = new NodeProto { OpType = op, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        _onnx.Node.Add(node);
        return output;
    }

    private string ScalarFloat(float value)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"const:{value:R}");
        if (_names.Add(name))
        {
            _onnx.Initializer.Add(FloatTensor(name, [], [value]));
        }

        return name;
    }

    private string Int64Initializer(string name, int[] shape, int[] values)
    {
        var unique = Unique(name);
        _names.Add(unique);
        var tensor = new TensorProto { Name = unique, DataType = (int)TensorProto.Types.DataType.Int64 };
        foreach (var d in shape)
        {
            tensor.Dims.Add(d);
        }

        foreach (var v in values)
        {
            tensor.Int64Data.Add(v);
        }

        _onnx.Initializer.Add(tensor);
        return unique;
    }

    private static TensorProto FloatTensor(string name, int[] shape, float[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        foreach (var d in shape)
        {
            tensor.Dims.Add(d);
        }

        var bytes = new byte[values.Length * sizeof(float)];
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).CopyTo(bytes);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX raw_data is little-endian.");
        }

        tensor.RawData = ByteString.CopyFrom(bytes);
        return tensor;
    }

    private static TensorProto IntTensor(string name, int[] shape, int[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int32 };
        foreach (var d in shape)
        {
            tensor.Dims.Add(d);
        }

        tensor.Int32Data.AddRange(values);
        return tensor;
    }

    private static ValueInfoProto ValueInfo(string name, int[] shape)
    {
        var tensorShape = new TensorShapeProto();
        for (var i = 0; i < shape.Length; i++)
        {
            tensorShape.Dim.Add(shape[i] >= 0
                ? new TensorShapeProto.Types.Dimension { DimValue = shape[i] }
                : new TensorShapeProto.Types.Dimension { DimParam = i == 0 ? "N" : string.Create(CultureInfo.InvariantCulture, $"d{i}") });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = tensorShape } },
        };
    }

    private static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    private static AttributeProto Text(string name, string value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    private static AttributeProto Ints(string name, int[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        foreach (var v in values)
        {
            attribute.Ints.Add(v);
        }

        return attribute;
    }
}
