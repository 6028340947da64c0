using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Haechi.Core.Forensics.Png;

/// <summary>
/// Walks the chunks of a PNG file (ISO/IEC 15948): checks every CRC, decodes text chunks, and
/// stops with a stated problem at the first truncated or impossible chunk. Never inflates more
/// than <see cref="PngReadLimits.MaxInflatedBytes"/> per record, so zlib bombs cost little.
/// </summary>
public static class PngChunkReader
{
    /// <summary>The 8-byte PNG signature.</summary>
    public static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>True when <paramref name="data"/> starts with the PNG signature.</summary>
    public static bool IsPng(ReadOnlySpan<byte> data) => data.StartsWith(Signature);

    /// <summary>Walks the file.</summary>
    /// <exception cref="ForensicFormatException">The data does not start with the PNG signature.</exception>
    public static PngStructure Read(ReadOnlySpan<byte> data, PngReadLimits? limits = null)
    {
        limits ??= PngReadLimits.Default;
        if (!IsPng(data))
        {
            throw new ForensicFormatException("Not a PNG file: the 8-byte signature is missing.");
        }

        var chunks = new List<PngChunk>();
        var text = new List<PngTextEntry>();
        var problems = new List<string>();
        int width = 0, height = 0;
        byte bitDepth = 0, colourType = 0;
        var totalText = 0;
        var sawEnd = false;
        long pos = Signature.Length;
        long trailing = 0;
        while (pos < data.Length)
        {
            if (chunks.Count >= limits.MaxChunks)
            {
                problems.Add(Invariant($"More than {limits.MaxChunks} chunks; the rest were not read."));
                break;
            }

            if (data.Length - pos < 12)
            {
                problems.Add(Invariant($"Truncated chunk header at offset {pos}."));
                break;
            }

            var header = data.Slice((int)pos, 8);
            var length = BinaryPrimitives.ReadUInt32BigEndian(header);
            var typeBytes = header[4..8];
            if (!IsChunkType(typeBytes))
            {
                problems.Add(Invariant($"Invalid chunk type bytes at offset {pos + 4}; the walk stops here."));
                break;
            }

            var type = Encoding.ASCII.GetString(typeBytes);
            if (length > int.MaxValue)
            {
                problems.Add(Invariant($"Chunk {type} at offset {pos} declares {length} bytes, more than PNG allows."));
                break;
            }

            if (length > data.Length - pos - 12)
            {
                problems.Add(Invariant($"Chunk {type} at offset {pos} declares {length} bytes but only {data.Length - pos - 12} remain (truncated file)."));
                break;
            }

            var body = data.Slice((int)pos + 8, (int)length);
            var storedCrc = BinaryPrimitives.ReadUInt32BigEndian(data.Slice((int)pos + 8 + (int)length, 4));
            var crcValid = Crc32.Append(Crc32.Compute(typeBytes), body) == storedCrc;
            chunks.Add(new PngChunk(type, pos + 8, (int)length, crcValid));
            if (!crcValid)
            {
                problems.Add(Invariant($"Chunk {type} at offset {pos} has a wrong CRC (altered or damaged)."));
            }

            switch (type)
            {
                case "IHDR" when length >= 13:
                    width = (int)Math.Min(int.MaxValue, BinaryPrimitives.ReadUInt32BigEndian(body));
                    height = (int)Math.Min(int.MaxValue, BinaryPrimitives.ReadUInt32BigEndian(body[4..]));
                    bitDepth = body[8];
                    colourType = body[9];
                    break;
                case "tEXt" or "zTXt" or "iTXt" when limits.DecodeText:
                    if (totalText >= limits.MaxTotalTextCharacters)
                    {
                        problems.Add(Invariant($"Text chunk at offset {pos} skipped: the total text cap of {limits.MaxTotalTextCharacters} characters was reached."));
                        break;
                    }

                    if (DecodeText(type, body, limits, out var entry, out var problem))
                    {
                        text.Add(entry);
                        totalText += entry.Text.Length;
                    }

                    if (problem is not null)
                    {
                        problems.Add(Invariant($"Chunk {type} at offset {pos}: {problem}"));
                    }

                    break;
                case "IEND":
                    sawEnd = true;
                    break;
            }

            pos += 12 + length;
            if (sawEnd)
            {
                trailing = data.Length - pos;
                if (trailing > 0)
                {
                    problems.Add(Invariant($"{trailing} bytes follow IEND (data appended to the image)."));
                }

                break;
            }
        }

        if (!sawEnd && !problems.Exists(p => p.Contains("truncated", StringComparison.OrdinalIgnoreCase)))
        {
            problems.Add("No IEND chunk: the file is truncated or was not closed.");
        }

        if (chunks.Count == 0 || chunks[0].Type != "IHDR")
        {
            problems.Add("The first chunk is not IHDR.");
        }

        return new PngStructure(width, height, bitDepth, colourType, chunks, text, problems, trailing);
    }

    private static bool IsChunkType(ReadOnlySpan<byte> type)
    {
        foreach (var b in type)
        {
            if (b is not ((>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z')))
            {
                return false;
            }
        }

        return true;
    }

    private static bool DecodeText(string type, ReadOnlySpan<byte> body, PngReadLimits limits, out PngTextEntry entry, out string? problem)
    {
        entry = null!;
        problem = null;
        var nul = body.IndexOf((byte)0);
        if (nul is < 1 or > 79)
        {
            problem = "the keyword is missing, empty or longer than 79 bytes.";
            return false;
        }

        var keyword = Encoding.Latin1.GetString(body[..nul]);
        var rest = body[(nul + 1)..];
        string text;
        bool truncated;
        switch (type)
        {
            case "tEXt":
                (text, truncated) = Cut(Encoding.Latin1.GetString(rest), limits.MaxTextCharacters);
                break;
            case "zTXt":
                if (rest.Length < 1 || rest[0] != 0)
                {
                    problem = "unknown compression method.";
                    return false;
                }

                if (!Inflate(rest[1..], limits.MaxInflatedBytes, out var inflated, out var cut, out problem))
                {
                    return false;
                }

                (text, truncated) = Cut(Encoding.Latin1.GetString(inflated), limits.MaxTextCharacters);
                truncated |= cut;
                break;
            default: // iTXt
                if (rest.Length < 2)
                {
                    problem = "the iTXt header is truncated.";
                    return false;
                }

                var compressed = rest[0] == 1;
                rest = rest[2..];
                var languageEnd = rest.IndexOf((byte)0);
                if (languageEnd < 0)
                {
                    problem = "the iTXt language tag is not terminated.";
                    return false;
                }

                rest = rest[(languageEnd + 1)..];
                var translatedEnd = rest.IndexOf((byte)0);
                if (translatedEnd < 0)
                {
                    problem = "the iTXt translated keyword is not terminated.";
                    return false;
                }

                rest = rest[(translatedEnd + 1)..];
                var utf8 = rest;
                var inflatedCut = false;
                if (compressed)
                {
                    if (!Inflate(rest, limits.MaxInflatedBytes, out var bytes, out inflatedCut, out problem))
                    {
                        return false;
                    }

                    utf8 = bytes;
                }

                (text, truncated) = Cut(Encoding.UTF8.GetString(utf8), limits.MaxTextCharacters);
                truncated |= inflatedCut;
                break;
        }

        if (truncated)
        {
            problem = Invariant($"text longer than the cap; kept the first {text.Length} characters.");
        }

        entry = new PngTextEntry(type, keyword, text, truncated);
        return true;
    }

    private static (string Text, bool Truncated) Cut(string text, int max) =>
        text.Length > max ? (text[..max], true) : (text, false);

    /// <summary>Inflates a zlib stream, keeping at most <paramref name="maxBytes"/> bytes.</summary>
    internal static bool Inflate(ReadOnlySpan<byte> compressed, int maxBytes, out byte[] result, out bool truncated, out string? problem)
    {
        result = [];
        truncated = false;
        problem = null;
        try
        {
            using var input = new MemoryStream(compressed.ToArray(), writable: false);
            using var zlib = new ZLibStream(input, CompressionMode.Decompress);
            var buffer = new byte[Math.Min(maxBytes + 1, Math.Max(4096, compressed.Length * 4))];
            var total = 0;
            while (true)
            {
                if (total == buffer.Length)
                {
                    if (buffer.Length > maxBytes)
                    {
                        truncated = true;
                        total = maxBytes;
                        break;
                    }

                    Array.Resize(ref buffer, (int)Math.Min(maxBytes + 1L, buffer.Length * 2L));
                }

                var read = zlib.Read(buffer, total, buffer.Length - total);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }

            result = buffer.AsSpan(0, total).ToArray();
            return true;
        }
        catch (InvalidDataException)
        {
            problem = "the compressed text is not valid zlib data.";
            return false;
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
