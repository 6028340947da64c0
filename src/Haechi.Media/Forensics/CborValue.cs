using System.Formats.Cbor;
using Haechi.Core.Forensics;

namespace Haechi.Media.Forensics;

/// <summary>
/// Decodes CBOR (RFC 8949) into plain values: <c>Dictionary&lt;string, object?&gt;</c> for maps
/// with text keys (other keys are stringified), <c>List&lt;object?&gt;</c>, <c>byte[]</c>,
/// <c>string</c>, <c>long</c>, <c>double</c>, <c>bool</c>, null. Tags are unwrapped. Depth and
/// item counts are capped so hostile claims fail fast.
/// </summary>
internal static class CborValue
{
    private const int MaxDepth = 32;
    private const int MaxItems = 100_000;

    public static object? Decode(ReadOnlyMemory<byte> data)
    {
        try
        {
            var reader = new CborReader(data, CborConformanceMode.Lax, allowMultipleRootLevelValues: false);
            var items = 0;
            var value = Read(reader, 0, ref items);
            if (reader.BytesRemaining != 0)
            {
                throw new ForensicFormatException("Extra bytes after the CBOR value.");
            }

            return value;
        }
        catch (Exception ex) when (ex is CborContentException or InvalidOperationException or OverflowException or FormatException)
        {
            throw new ForensicFormatException("Malformed CBOR: " + ex.Message, ex);
        }
    }

    private static object? Read(CborReader reader, int depth, ref int items)
    {
        if (depth > MaxDepth || ++items > MaxItems)
        {
            throw new ForensicFormatException("CBOR nested too deep or too many items.");
        }

        switch (reader.PeekState())
        {
            case CborReaderState.StartMap:
                {
                    var count = reader.ReadStartMap();
                    var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                    while (reader.PeekState() != CborReaderState.EndMap)
                    {
                        var key = Read(reader, depth + 1, ref items);
                        var keyText = key switch
                        {
                            string s => s,
                            long l => l.ToString(System.Globalization.CultureInfo.InvariantCulture),
                            _ => "?",
                        };
                        map[keyText] = Read(reader, depth + 1, ref items);
                    }

                    reader.ReadEndMap();
                    _ = count;
                    return map;
                }

            case CborReaderState.StartArray:
                {
                    reader.ReadStartArray();
                    var list = new List<object?>();
                    while (reader.PeekState() != CborReaderState.EndArray)
                    {
                        list.Add(Read(reader, depth + 1, ref items));
                    }

                    reader.ReadEndArray();
                    return list;
                }

            case CborReaderState.Tag:
                reader.ReadTag();
                return Read(reader, depth + 1, ref items);
            case CborReaderState.ByteString:
            case CborReaderState.StartIndefiniteLengthByteString:
                return reader.ReadByteString();
            case CborReaderState.TextString:
            case CborReaderState.StartIndefiniteLengthTextString:
                return reader.ReadTextString();
            case CborReaderState.UnsignedInteger:
            case CborReaderState.NegativeInteger:
                return reader.ReadInt64();
            case CborReaderState.Boolean:
                return reader.ReadBoolean();
            case CborReaderState.Null:
                reader.ReadNull();
                return null;
            case CborReaderState.HalfPrecisionFloat:
            case CborReaderState.SinglePrecisionFloat:
            case CborReaderState.DoublePrecisionFloat:
                return reader.ReadDouble();
            default:
                reader.SkipValue();
                return null;
        }
    }
}
