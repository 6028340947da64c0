using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Haechi.Core.Forensics.Jpeg;

/// <summary>
/// Walks the marker segments of a JPEG file (ITU-T T.81 Annex B): frame header, quantisation
/// tables, APPn identifiers, comments, scans (entropy-coded data is skipped, not decoded) and
/// bytes after EOI. Stops with a stated problem at the first impossible segment.
/// </summary>
public static class JpegMarkerReader
{
    /// <summary>Segments walked before giving up.</summary>
    public const int MaxSegments = 20_000;

    /// <summary>True when <paramref name="data"/> starts with SOI.</summary>
    public static bool IsJpeg(ReadOnlySpan<byte> data) => data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF;

    /// <summary>Walks the file.</summary>
    /// <exception cref="ForensicFormatException">The data does not start with SOI.</exception>
    public static JpegStructure Read(ReadOnlySpan<byte> data)
    {
        if (!IsJpeg(data))
        {
            throw new ForensicFormatException("Not a JPEG file: it does not start with the SOI marker.");
        }

        var segments = new List<JpegSegment> { new(0xD8, 0, 0, null) };
        var tables = new Dictionary<int, JpegQuantTable>();
        var components = new List<JpegComponent>();
        var comments = new List<string>();
        var problems = new List<string>();
        byte frameMarker = 0;
        int width = 0, height = 0, scans = 0;
        long trailing = 0;
        var sawEnd = false;
        var pos = 2;
        while (pos < data.Length)
        {
            if (segments.Count >= MaxSegments)
            {
                problems.Add(Invariant($"More than {MaxSegments} segments; the rest were not read."));
                break;
            }

            if (data[pos] != 0xFF)
            {
                problems.Add(Invariant($"Expected a marker at offset {pos}; found data instead."));
                break;
            }

            // Fill bytes (0xFF repeated) may precede a marker.
            var markerPos = pos;
            while (pos < data.Length && data[pos] == 0xFF)
            {
                pos++;
            }

            if (pos >= data.Length)
            {
                problems.Add("The file ends inside a marker.");
                break;
            }

            var marker = data[pos++];
            if (marker == 0xD9)
            {
                segments.Add(new JpegSegment(marker, markerPos, 0, null));
                sawEnd = true;
                trailing = data.Length - pos;
                break;
            }

            if (marker is (>= 0xD0 and <= 0xD7) or 0x01)
            {
                segments.Add(new JpegSegment(marker, markerPos, 0, null));
                continue;
            }

            if (data.Length - pos < 2)
            {
                problems.Add(Invariant($"Segment {JpegMarkers.Name(marker)} at offset {markerPos} is truncated."));
                break;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(data[pos..]);
            if (length < 2 || length > data.Length - pos)
            {
                problems.Add(Invariant($"Segment {JpegMarkers.Name(marker)} at offset {markerPos} declares {length} bytes but only {data.Length - pos} remain (truncated or corrupt)."));
                break;
            }

            var payload = data.Slice(pos + 2, length - 2);
            string? identifier = null;
            switch (marker)
            {
                case >= 0xE0 and <= 0xEF:
                    identifier = Identifier(payload);
                    break;
                case 0xDB:
                    ReadQuantTables(payload, tables, markerPos, problems);
                    break;
                case >= 0xC0 and <= 0xCF when marker is not (0xC4 or 0xC8 or 0xCC):
                    if (frameMarker != 0)
                    {
                        problems.Add(Invariant($"A second frame header at offset {markerPos}."));
                    }

                    frameMarker = marker;
                    ReadFrame(payload, components, ref width, ref height, markerPos, problems);
                    break;
                case 0xFE:
                    comments.Add(TextExcerpt.Of(Encoding.Latin1.GetString(payload)));
                    break;
            }

            segments.Add(new JpegSegment(marker, markerPos, length - 2, identifier));
            pos += length;
            if (marker == 0xDA)
            {
                scans++;
                pos = SkipEntropyCoded(data, pos);
            }
        }

        if (!sawEnd && !problems.Exists(p => p.Contains("truncated", StringComparison.Ordinal)))
        {
            problems.Add("No EOI marker: the file is truncated.");
        }

        if (trailing > 0)
        {
            problems.Add(Invariant($"{trailing} bytes follow EOI (data appended to the image)."));
        }

        if (frameMarker == 0)
        {
            problems.Add("No frame header (SOFn).");
        }

        var tableList = new List<JpegQuantTable>(tables.Values);
        tableList.Sort(static (a, b) => a.Id.CompareTo(b.Id));
        return new JpegStructure(segments, tableList, components, frameMarker, width, height, scans, comments, problems, trailing);
    }

    /// <summary>Offset of the next marker that is not RSTn or a stuffed 0xFF00.</summary>
    private static int SkipEntropyCoded(ReadOnlySpan<byte> data, int pos)
    {
        while (true)
        {
            var next = data[pos..].IndexOf((byte)0xFF);
            if (next < 0)
            {
                return data.Length;
            }

            pos += next;
            if (pos + 1 >= data.Length)
            {
                return data.Length;
            }

            var following = data[pos + 1];
            if (following == 0x00 || following is >= 0xD0 and <= 0xD7 || following == 0xFF)
            {
                pos += following == 0xFF ? 1 : 2;
                continue;
            }

            return pos;
        }
    }

    private static string? Identifier(ReadOnlySpan<byte> payload)
    {
        var end = 0;
        while (end < payload.Length && end < 32 && payload[end] is >= 0x20 and < 0x7F)
        {
            end++;
        }

        return end == 0 ? null : Encoding.ASCII.GetString(payload[..end]);
    }

    private static void ReadQuantTables(ReadOnlySpan<byte> payload, Dictionary<int, JpegQuantTable> tables, int offset, List<string> problems)
    {
        while (payload.Length > 0)
        {
            var precision16 = payload[0] >> 4 != 0;
            var id = payload[0] & 0x0F;
            var size = precision16 ? 128 : 64;
            if (id > 3 || payload.Length < 1 + size)
            {
                problems.Add(Invariant($"DQT at offset {offset} is malformed."));
                return;
            }

            var natural = new ushort[64];
            for (var k = 0; k < 64; k++)
            {
                var value = precision16 ? BinaryPrimitives.ReadUInt16BigEndian(payload[(1 + (2 * k))..]) : payload[1 + k];
                natural[ZigZag.ToNatural[k]] = value;
                if (value == 0)
                {
                    problems.Add(Invariant($"DQT at offset {offset} holds a zero step (invalid)."));
                }
            }

            tables[id] = new JpegQuantTable(id, precision16, natural);
            payload = payload[(1 + size)..];
        }
    }

    private static void ReadFrame(ReadOnlySpan<byte> payload, List<JpegComponent> components, ref int width, ref int height, int offset, List<string> problems)
    {
        if (payload.Length < 6)
        {
            problems.Add(Invariant($"Frame header at offset {offset} is truncated."));
            return;
        }

        height = BinaryPrimitives.ReadUInt16BigEndian(payload[1..]);
        width = BinaryPrimitives.ReadUInt16BigEndian(payload[3..]);
        var count = payload[5];
        if (payload.Length < 6 + (3 * count))
        {
            problems.Add(Invariant($"Frame header at offset {offset} lists more components than it holds."));
            return;
        }

        components.Clear();
        for (var i = 0; i < count; i++)
        {
            var c = payload.Slice(6 + (3 * i), 3);
            components.Add(new JpegComponent(c[0], c[1] >> 4, c[1] & 0x0F, c[2]));
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The zig-zag scan order of 8×8 DCT coefficients.</summary>
public static class ZigZag
{
    /// <summary>Natural (row-major) index of the k-th coefficient in zig-zag order.</summary>
    public static ReadOnlySpan<byte> ToNatural =>
    [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
        12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
        58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
    ];
}
