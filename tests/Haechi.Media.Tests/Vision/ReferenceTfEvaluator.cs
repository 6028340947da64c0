using Haechi.Media.Models.Tfjs;

namespace Haechi.Media.Tests.Vision;

/// <summary>A plain tensor in TF's row-major layout (NHWC for images).</summary>
internal sealed record RefTensor(int[] Shape, float[] Data)
{
    public int this[int axis] => Shape[axis];
}

/// <summary>
/// Evaluates a <see cref="TfGraph"/> the slow, obvious way, in NHWC, straight from TensorFlow's
/// definitions of each op: the reference that converted ONNX models are compared with.
/// </summary>
internal static class ReferenceTfEvaluator
{
    public static Dictionary<string, RefTensor> Evaluate(TfGraph graph, RefTensor input)
    {
        var nodes = graph.Nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);
        var values = new Dictionary<string, RefTensor>(StringComparer.Ordinal) { [graph.Inputs[0].Name] = input };
        RefTensor Get(string name)
        {
            if (values.TryGetValue(name, out var v))
            {
                return v;
            }

            if (graph.Constants.TryGetValue(name, out var c))
            {
                return new RefTensor(c.Shape, c.Floats ?? Array.ConvertAll(c.Ints!, i => (float)i));
            }

            var node = nodes[name];
            var inputs = node.Inputs.Select(Get).ToArray();
            v = Op(node, inputs);
            values[name] = v;
            return v;
        }

        var result = new Dictionary<string, RefTensor>(StringComparer.Ordinal);
        foreach (var (name, node) in graph.Outputs)
        {
            result[name] = Get(node);
        }

        return result;
    }

    private static RefTensor Op(TfNode node, RefTensor[] x)
    {
        var a = node.Attributes;
        switch (node.Op)
        {
            case "Identity":
                return x[0];
            case "Conv2D" or "_FusedConv2D":
                return Fused(node, Conv(x[0], x[1], a, depthwise: false), x);
            case "DepthwiseConv2dNative" or "FusedDepthwiseConv2dNative":
                return Fused(node, Conv(x[0], x[1], a, depthwise: true), x);
            case "MaxPool" or "AvgPool":
                return Pool(x[0], a, node.Op == "MaxPool");
            case "Pad":
                return Pad(x[0], x[1]);
            case "Reshape":
                {
                    var shape = x[1].Data.Select(v => (int)v).ToArray();
                    var known = shape.Where(d => d > 0).Aggregate(1, (p, d) => p * d);
                    return new RefTensor(shape.Select(d => d < 0 ? x[0].Data.Length / known : d).ToArray(), x[0].Data);
                }

            case "Squeeze":
                return new RefTensor(x[0].Shape.Where((_, i) => !a.SqueezeDims.Contains(i)).ToArray(), x[0].Data);
            case "Flatten":
                return new RefTensor([x[0][0], x[0].Data.Length / x[0][0]], x[0].Data);
            case "Mean" or "Sum" or "Max":
                return Reduce(x[0], x[1].Data.Select(v => (int)v).ToArray(), a.KeepDims, node.Op);
            case "ConcatV2":
                return Concat(x[..^1], (int)x[^1].Data[0]);
            case "MatMul" or "_FusedMatMul":
                return Fused(node, MatMul(x[0], x[1], a.TransposeA, a.TransposeB), x);
            case "Add" or "AddV2" or "BiasAdd":
                return Broadcast(x[0], x[1], (p, q) => p + q);
            case "Sub":
                return Broadcast(x[0], x[1], (p, q) => p - q);
            case "Mul":
                return Broadcast(x[0], x[1], (p, q) => p * q);
            case "RealDiv":
                return Broadcast(x[0], x[1], (p, q) => p / q);
            case "Maximum":
                return Broadcast(x[0], x[1], MathF.Max);
            case "Minimum":
                return Broadcast(x[0], x[1], MathF.Min);
            case "Softmax":
                return Softmax(x[0]);
            default:
                return Map(x[0], Activation(node.Op, a.Alpha));
        }
    }

    private static Func<float, float> Activation(string op, float? alpha) => op switch
    {
        "Relu" => v => MathF.Max(v, 0),
        "Relu6" => v => MathF.Min(MathF.Max(v, 0), 6),
        "LeakyRelu" => v => v < 0 ? v * (alpha ?? 0.2f) : v,
        "Sigmoid" => v => 1 / (1 + MathF.Exp(-v)),
        "Tanh" => MathF.Tanh,
        "Abs" => MathF.Abs,
        "Square" => v => v * v,
        "Rsqrt" => v => 1 / MathF.Sqrt(v),
        "Elu" => v => v < 0 ? MathF.Exp(v) - 1 : v,
        _ => throw new InvalidOperationException("no reference for " + op),
    };

    private static RefTensor Fused(TfNode node, RefTensor value, RefTensor[] x)
    {
        var next = 2;
        foreach (var op in node.Attributes.FusedOps)
        {
            if (op == "BiasAdd")
            {
                value = Broadcast(value, x[next++], (p, q) => p + q);
            }
            else if (op == "Prelu")
            {
                value = Broadcast(value, x[next++], (v, s) => v < 0 ? v * s : v);
            }
            else
            {
                value = Map(value, Activation(op, node.Attributes.Alpha));
            }
        }

        return value;
    }

    private static RefTensor Map(RefTensor t, Func<float, float> f) => new(t.Shape, t.Data.Select(f).ToArray());

    private static (int Out, int Before) Same(int size, int k, int stride, int dilation, string? padding, int before = 0, int after = 0)
    {
        var effective = ((k - 1) * dilation) + 1;
        if (padding == "EXPLICIT")
        {
            return (((size + before + after - effective) / stride) + 1, before);
        }

        if (padding == "SAME")
        {
            var output = (size + stride - 1) / stride;
            var total = Math.Max(((output - 1) * stride) + effective - size, 0);
            return (output, total / 2);
        }

        return (((size - effective) / stride) + 1, 0);
    }

    private static RefTensor Conv(RefTensor input, RefTensor filter, TfAttributes a, bool depthwise)
    {
        int n = input[0], h = input[1], w = input[2], c = input[3];
        int kh = filter[0], kw = filter[1], fc = filter[3];
        int sh = a.Strides?[1] ?? 1, sw = a.Strides?[2] ?? 1, dh = a.Dilations?[1] ?? 1, dw = a.Dilations?[2] ?? 1;
        var p = a.ExplicitPaddings ?? new int[8];
        var (oh, top) = Same(h, kh, sh, dh, a.Padding, p[2], p[3]);
        var (ow, left) = Same(w, kw, sw, dw, a.Padding, p[4], p[5]);
        var oc = depthwise ? c * fc : fc;
        var result = new float[n * oh * ow * oc];
        for (var b = 0; b < n; b++)
        {
            for (var y = 0; y < oh; y++)
            {
                for (var x = 0; x < ow; x++)
                {
                    for (var o = 0; o < oc; o++)
                    {
                        var sum = 0f;
                        for (var i = 0; i < kh; i++)
                        {
                            for (var j = 0; j < kw; j++)
                            {
                                var iy = (y * sh) + (i * dh) - top;
                                var ix = (x * sw) + (j * dw) - left;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= w)
                                {
                                    continue;
                                }

                                if (depthwise)
                                {
                                    var ch = o / fc;
                                    sum += input.Data[(((b * h) + iy) * w + ix) * c + ch] * filter.Data[(((i * kw) + j) * c + ch) * fc + (o % fc)];
                                }
                                else
                                {
                                    for (var ch = 0; ch < c; ch++)
                                    {
                                        sum += input.Data[(((b * h) + iy) * w + ix) * c + ch] * filter.Data[(((i * kw) + j) * c + ch) * fc + o];
                                    }
                                }
                            }
                        }

                        result[(((b * oh) + y) * ow + x) * oc + o] = sum;
                    }
                }
            }
        }

        return new RefTensor([n, oh, ow, oc], result);
    }

    private static RefTensor Pool(RefTensor input, TfAttributes a, bool max)
    {
        int n = input[0], h = input[1], w = input[2], c = input[3];
        int kh = a.KernelSize![1], kw = a.KernelSize[2], sh = a.Strides![1], sw = a.Strides[2];
        var (oh, top) = Same(h, kh, sh, 1, a.Padding);
        var (ow, left) = Same(w, kw, sw, 1, a.Padding);
        var result = new float[n * oh * ow * c];
        for (var b = 0; b < n; b++)
        {
            for (var y = 0; y < oh; y++)
            {
                for (var x = 0; x < ow; x++)
                {
                    for (var ch = 0; ch < c; ch++)
                    {
                        var acc = max ? float.NegativeInfinity : 0f;
                        var count = 0;
                        for (var i = 0; i < kh; i++)
                        {
                            for (var j = 0; j < kw; j++)
                            {
                                int iy = (y * sh) + i - top, ix = (x * sw) + j - left;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= w)
                                {
                                    continue;
                                }

                                var v = input.Data[(((b * h) + iy) * w + ix) * c + ch];
                                acc = max ? MathF.Max(acc, v) : acc + v;
                                count++;
                            }
                        }

                        result[(((b * oh) + y) * ow + x) * c + ch] = max ? acc : acc / count;
                    }
                }
            }
        }

        return new RefTensor([n, oh, ow, c], result);
    }

    private static RefTensor Pad(RefTensor input, RefTensor paddings)
    {
        var p = paddings.Data.Select(v => (int)v).ToArray();
        var rank = input.Shape.Length;
        var shape = input.Shape.Select((d, i) => d + p[2 * i] + p[(2 * i) + 1]).ToArray();
        var result = new float[shape.Aggregate(1, (m, d) => m * d)];
        var index = new int[rank];
        for (var k = 0; k < input.Data.Length; k++)
        {
            var rem = k;
            for (var i = rank - 1; i >= 0; i--)
            {
                index[i] = rem % input.Shape[i];
                rem /= input.Shape[i];
            }

            var o = 0;
            for (var i = 0; i < rank; i++)
            {
                o = (o * shape[i]) + index[i] + p[2 * i];
            }

            result[o] = input.Data[k];
        }

        return new RefTensor(shape, result);
    }

    private static RefTensor Reduce(RefTensor input, int[] axes, bool keep, string op)
    {
        var rank = input.Shape.Length;
        var reduced = axes.Select(x => x < 0 ? x + rank : x).ToHashSet();
        var outShape = input.Shape.Select((d, i) => reduced.Contains(i) ? 1 : d).ToArray();
        var size = outShape.Aggregate(1, (m, d) => m * d);
        var acc = Enumerable.Repeat(op == "Max" ? float.NegativeInfinity : 0f, size).ToArray();
        var counts = new int[size];
        var index = new int[rank];
        for (var k = 0; k < input.Data.Length; k++)
        {
            var rem = k;
            for (var i = rank - 1; i >= 0; i--)
            {
                index[i] = rem % input.Shape[i];
                rem /= input.Shape[i];
            }

            var o = 0;
            for (var i = 0; i < rank; i++)
            {
                o = (o * outShape[i]) + (reduced.Contains(i) ? 0 : index[i]);
            }

            acc[o] = op == "Max" ? MathF.Max(acc[o], input.Data[k]) : acc[o] + input.Data[k];
            counts[o]++;
        }

        if (op == "Mean")
        {
            for (var i = 0; i < size; i++)
            {
                acc[i] /= counts[i];
            }
        }

        return new RefTensor(keep ? outShape : input.Shape.Where((_, i) => !reduced.Contains(i)).ToArray(), acc);
    }

    private static RefTensor Concat(RefTensor[] parts, int axis)
    {
        var rank = parts[0].Shape.Length;
        axis = axis < 0 ? axis + rank : axis;
        var outer = parts[0].Shape[..axis].Aggregate(1, (m, d) => m * d);
        var result = new List<float>();
        for (var o = 0; o < outer; o++)
        {
            foreach (var part in parts)
            {
                var inner = part.Data.Length / outer;
                result.AddRange(part.Data.AsSpan(o * inner, inner).ToArray());
            }
        }

        var shape = (int[])parts[0].Shape.Clone();
        shape[axis] = parts.Sum(p => p.Shape[axis]);
        return new RefTensor(shape, [.. result]);
    }

    private static RefTensor MatMul(RefTensor a, RefTensor b, bool ta, bool tb)
    {
        int m = ta ? a[1] : a[0], k = ta ? a[0] : a[1], n = tb ? b[0] : b[1];
        var result = new float[m * n];
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var sum = 0f;
                for (var q = 0; q < k; q++)
                {
                    sum += (ta ? a.Data[(q * m) + i] : a.Data[(i * k) + q]) * (tb ? b.Data[(j * k) + q] : b.Data[(q * n) + j]);
                }

                result[(i * n) + j] = sum;
            }
        }

        return new RefTensor([m, n], result);
    }

    private static RefTensor Broadcast(RefTensor a, RefTensor b, Func<float, float, float> f)
    {
        var rank = Math.Max(a.Shape.Length, b.Shape.Length);
        int[] Pad(int[] s) => [.. Enumerable.Repeat(1, rank - s.Length), .. s];
        var sa = Pad(a.Shape);
        var sb = Pad(b.Shape);
        var shape = sa.Zip(sb, Math.Max).ToArray();
        var result = new float[shape.Aggregate(1, (m, d) => m * d)];
        var index = new int[rank];
        for (var k = 0; k < result.Length; k++)
        {
            var rem = k;
            for (var i = rank - 1; i >= 0; i--)
            {
                index[i] = rem % shape[i];
                rem /= shape[i];
            }

            int ia = 0, ib = 0;
            for (var i = 0; i < rank; i++)
            {
                ia = (ia * sa[i]) + (sa[i] == 1 ? 0 : index[i]);
                ib = (ib * sb[i]) + (sb[i] == 1 ? 0 : index[i]);
            }

            result[k] = f(a.Data[ia], b.Data[ib]);
        }

        return new RefTensor(shape, result);
    }

    private static RefTensor Softmax(RefTensor t)
    {
        var c = t.Shape[^1];
        var result = new float[t.Data.Length];
        for (var o = 0; o < t.Data.Length; o += c)
        {
            var max = t.Data.AsSpan(o, c).ToArray().Max();
            var sum = 0f;
            for (var i = 0; i < c; i++)
            {
                result[o + i] = MathF.Exp(t.Data[o + i] - max);
                sum += result[o + i];
            }

            for (var i = 0; i < c; i++)
            {
                result[o + i] /= sum;
            }
        }

        return new RefTensor(t.Shape, result);
    }
}
