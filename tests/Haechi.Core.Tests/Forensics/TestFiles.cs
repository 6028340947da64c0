using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Haechi.Core.Forensics.Jpeg;
using Haechi.Core.Forensics.Png;

namespace Haechi.Core.Tests.Forensics;

/// <summary>Builds small test files byte by byte (no decoder needed).</summary>
internal static class TestFiles
{
    /// <summary>A minimal valid 2×2 greyscale PNG (IHDR, IDAT, IEND).</summary>
    public static byte[] MinimalPng(byte colourType = 0, int width = 2, int height = 2)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), (uint)height);
        ihdr[8] = 8;
        ihdr[9] = colourType;
        var channels = colourType switch { 6 => 4, 4 => 2, 2 => 3, _ => 1 };
        var raw = new byte[height * (1 + (width * channels))];
        return
        [
            .. PngChunkReader.Signature,
            .. PngChunkWriter.Chunk("IHDR", ihdr),
            .. PngChunkWriter.Chunk("IDAT", PngChunkWriter.Deflate(raw)),
            .. PngChunkWriter.Chunk("IEND", []),
        ];
    }

    /// <summary>Hides <paramref name="text"/> in alpha LSBs, column-major, as NovelAI does.</summary>
    public static byte[] StealthAlpha(int width, int height, string text, bool compress, byte baseAlpha = 255)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        if (compress)
        {
            using var output = new MemoryStream();
            using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
            {
                gzip.Write(payload);
            }

            payload = output.ToArray();
        }

        var bits = new List<int>();
        void AddByte(byte b)
        {
            for (var i = 7; i >= 0; i--)
            {
                bits.Add((b >> i) & 1);
            }
        }

        foreach (var b in Encoding.ASCII.GetBytes(compress ? StealthPngInfo.CompressedMagic : StealthPngInfo.PlainMagic))
        {
            AddByte(b);
        }

        var bitLength = (uint)(payload.Length * 8);
        for (var i = 31; i >= 0; i--)
        {
            bits.Add((int)((bitLength >> i) & 1));
        }

        foreach (var b in payload)
        {
            AddByte(b);
        }

        var alpha = new byte[width * height];
        alpha.AsSpan().Fill(baseAlpha);
        for (var k = 0; k < bits.Count; k++)
        {
            var x = k / height;
            var y = k % height;
            alpha[(y * width) + x] = (byte)((baseAlpha & 0xFE) | bits[k]);
        }

        return alpha;
    }

    /// <summary>
    /// A JPEG skeleton: SOI, DQT with IJG tables at <paramref name="quality"/>, SOF0, DHT-less SOS
    /// with a few entropy bytes (including a stuffed 0xFF00 and a restart marker), EOI.
    /// </summary>
    public static byte[] JpegSkeleton(int quality, params byte[][] appSegments)
    {
        var bytes = new List<byte> { 0xFF, 0xD8 };
        foreach (var app in appSegments)
        {
            bytes.AddRange(app);
        }

        Span<ushort> table = stackalloc ushort[64];
        var dqt = new List<byte>();
        for (var id = 0; id < 2; id++)
        {
            JpegQualityEstimator.LadderTable(id == 0 ? JpegQualityEstimator.StandardLuma : JpegQualityEstimator.StandardChroma, quality, table);
            dqt.Add((byte)id);
            for (var k = 0; k < 64; k++)
            {
                dqt.Add((byte)table[ZigZag.ToNatural[k]]);
            }
        }

        bytes.AddRange(Segment(0xDB, [.. dqt]));
        bytes.AddRange(Segment(0xC0, [8, 0, 16, 0, 24, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]));
        bytes.AddRange(Segment(0xDA, [3, 1, 0, 2, 0x11, 3, 0x11, 0, 63, 0]));
        bytes.AddRange([0x12, 0x34, 0xFF, 0x00, 0x56, 0xFF, 0xD0, 0x78, 0x9A]);
        bytes.AddRange([0xFF, 0xD9]);
        return [.. bytes];
    }

    /// <summary>A marker segment with its length field.</summary>
    public static byte[] Segment(byte marker, byte[] payload)
    {
        var segment = new byte[4 + payload.Length];
        segment[0] = 0xFF;
        segment[1] = marker;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(payload.Length + 2));
        payload.CopyTo(segment, 4);
        return segment;
    }
}
