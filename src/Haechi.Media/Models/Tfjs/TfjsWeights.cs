using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Haechi.Media.Models.Tfjs;

/// <summary>
/// Reads the weights of a TensorFlow.js model: the <c>weightsManifest</c> groups, each a list of
/// weights stored back to back in the concatenation of the group's shard files. Quantised weights
/// are dequantised to float32: uint8/uint16 as <c>q·scale + min</c>, float16 as IEEE half.
/// </summary>
internal static class TfjsWeights
{
    /// <summary>Reads every weight in <paramref name="manifest"/>; <paramref name="readShard"/> returns a shard's bytes by its manifest path.</summary>
    public static Dictionary<string, TfTensor> Read(JsonArray manifest, Func<string, byte[]> readShard)
    {
        var weights = new Dictionary<string, TfTensor>(StringComparer.Ordinal);
        foreach (var group in manifest)
        {
            var paths = group?["paths"]?.AsArray() ?? throw new ModelConversionException("A weights group has no paths.");
            using var buffer = new MemoryStream();
            foreach (var path in paths)
            {
                var bytes = readShard(path!.GetValue<string>());
                buffer.Write(bytes);
            }

            var data = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
            var offset = 0;
            foreach (var entry in group!["weights"]?.AsArray() ?? [])
            {
                var name = entry!["name"]!.GetValue<string>();
                var shape = ReadShape(entry["shape"]);
                var dtype = entry["dtype"]?.GetValue<string>() ?? "float32";
                var count = 1;
                foreach (var d in shape)
                {
                    count = checked(count * d);
                }

                var quantization = entry["quantization"];
                TfTensor tensor;
                if (quantization is not null)
                {
                    var qtype = quantization["dtype"]!.GetValue<string>();
                    var size = qtype switch
                    {
                        "uint8" => 1,
                        "uint16" or "float16" => 2,
                        _ => throw new ModelConversionException($"Weight '{name}' uses quantisation '{qtype}', which Haechi does not read."),
                    };
                    var slice = Take(data, ref offset, count * size, name);
                    var values = new float[count];
                    if (qtype == "float16")
                    {
                        for (var i = 0; i < count; i++)
                        {
                            values[i] = (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(slice[(i * 2)..]));
                        }
                    }
                    else
                    {
                        var scale = quantization["scale"]!.Number();
                        var min = quantization["min"]!.Number();
                        for (var i = 0; i < count; i++)
                        {
                            var q = size == 1 ? slice[i] : BinaryPrimitives.ReadUInt16LittleEndian(slice[(i * 2)..]);
                            values[i] = (float)((q * scale) + min);
                        }
                    }

                    tensor = dtype == "int32" ? new TfTensor(shape, Array.ConvertAll(values, v => (int)MathF.Round(v))) : new TfTensor(shape, values);
                }
                else
                {
                    var slice = Take(data, ref offset, count * 4, name);
                    switch (dtype)
                    {
                        case "float32":
                            var floats = new float[count];
                            for (var i = 0; i < count; i++)
                            {
                                floats[i] = BinaryPrimitives.ReadSingleLittleEndian(slice[(i * 4)..]);
                            }

                            tensor = new TfTensor(shape, floats);
                            break;
                        case "int32":
                            var ints = new int[count];
                            for (var i = 0; i < count; i++)
                            {
                                ints[i] = BinaryPrimitives.ReadInt32LittleEndian(slice[(i * 4)..]);
                            }

                            tensor = new TfTensor(shape, ints);
                            break;
                        default:
                            throw new ModelConversionException($"Weight '{name}' has dtype '{dtype}', which Haechi does not read.");
                    }
                }

                weights[name] = tensor;
            }

            if (offset != data.Length)
            {
                throw new ModelConversionException(string.Create(CultureInfo.InvariantCulture, $"The weight shards hold {data.Length} bytes but the manifest describes {offset}."));
            }
        }

        return weights;
    }

    internal static int[] ReadShape(JsonNode? node)
    {
        if (node is not JsonArray array)
        {
            return [];
        }

        var shape = new int[array.Count];
        for (var i = 0; i < shape.Length; i++)
        {
            shape[i] = array[i] is null ? -1 : array[i].Integer();
        }

        return shape;
    }

    private static ReadOnlySpan<byte> Take(Span<byte> data, ref int offset, int length, string name)
    {
        if (offset + length > data.Length)
        {
            throw new ModelConversionException($"The weight shards end before weight '{name}'.");
        }

        var slice = data.Slice(offset, length);
        offset += length;
        return slice;
    }
}
