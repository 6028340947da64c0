using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Haechi.Core.Forensics.Png;

/// <summary>Builds PNG chunks (with correct CRCs) and inserts them into an existing PNG.</summary>
public static class PngChunkWriter
{
    /// <summary>One complete chunk: length, type, data, CRC.</summary>
    public static byte[] Chunk(string type, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (type.Length != 4)
        {
            ThrowHelper.ThrowArgument(nameof(type), "A chunk type has four letters.");
        }

        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)data.Length);
        Encoding.ASCII.GetBytes(type, chunk.AsSpan(4, 4));
        data.CopyTo(chunk.AsSpan(8));
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32.Compute(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    /// <summary>A <c>tEXt</c> chunk (Latin-1).</summary>
    public static byte[] Text(string keyword, string text)
    {
        ArgumentNullException.ThrowIfNull(keyword);
        ArgumentNullException.ThrowIfNull(text);
        return Chunk("tEXt", [.. Encoding.Latin1.GetBytes(keyword), 0, .. Encoding.Latin1.GetBytes(text)]);
    }

    /// <summary>A <c>zTXt</c> chunk (Latin-1, zlib).</summary>
    public static byte[] CompressedText(string keyword, string text)
    {
        ArgumentNullException.ThrowIfNull(keyword);
        ArgumentNullException.ThrowIfNull(text);
        return Chunk("zTXt", [.. Encoding.Latin1.GetBytes(keyword), 0, 0, .. Deflate(Encoding.Latin1.GetBytes(text))]);
    }

    /// <summary>An <c>iTXt</c> chunk (UTF-8, optionally zlib).</summary>
    public static byte[] InternationalText(string keyword, string text, bool compress = false)
    {
        ArgumentNullException.ThrowIfNull(keyword);
        ArgumentNullException.ThrowIfNull(text);
        var utf8 = Encoding.UTF8.GetBytes(text);
        return Chunk("iTXt", [.. Encoding.Latin1.GetBytes(keyword), 0, (byte)(compress ? 1 : 0), 0, 0, 0, .. compress ? Deflate(utf8) : utf8]);
    }

    /// <summary>Inserts <paramref name="chunks"/> right after the IHDR chunk of <paramref name="png"/>.</summary>
    public static byte[] InsertAfterHeader(ReadOnlySpan<byte> png, params ReadOnlySpan<byte[]> chunks)
    {
        if (!PngChunkReader.IsPng(png) || png.Length < 33)
        {
            throw new ForensicFormatException("Not a PNG file with an IHDR chunk.");
        }

        var at = 8 + 12 + (int)BinaryPrimitives.ReadUInt32BigEndian(png[8..]);
        var output = new List<byte>(png.Length + 1024);
        output.AddRange(png[..at]);
        foreach (var chunk in chunks)
        {
            output.AddRange(chunk);
        }

        output.AddRange(png[at..]);
        return [.. output];
    }

    /// <summary>zlib-compresses <paramref name="data"/>.</summary>
    public static byte[] Deflate(ReadOnlySpan<byte> data)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(data);
        }

        return output.ToArray();
    }
}
