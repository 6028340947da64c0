namespace Haechi.Core.Forensics.Png;

/// <summary>One chunk as found in the file.</summary>
/// <param name="Type">Four-letter chunk type (e.g. <c>IHDR</c>, <c>tEXt</c>, <c>caBX</c>).</param>
/// <param name="DataOffset">Offset of the chunk data in the file.</param>
/// <param name="Length">Length of the chunk data.</param>
/// <param name="CrcValid">Whether the stored CRC matches type and data.</param>
public sealed record PngChunk(string Type, long DataOffset, int Length, bool CrcValid);

/// <summary>One text record (tEXt, zTXt or iTXt).</summary>
/// <param name="Chunk">The chunk type it came from.</param>
/// <param name="Keyword">The keyword (e.g. <c>parameters</c>, <c>prompt</c>).</param>
/// <param name="Text">The text, cut at the size cap when <paramref name="Truncated"/>.</param>
/// <param name="Truncated">True when the text was longer than the cap.</param>
public sealed record PngTextEntry(string Chunk, string Keyword, string Text, bool Truncated);

/// <summary>What the chunk walker found in a PNG file.</summary>
public sealed class PngStructure
{
    internal PngStructure(
        int width,
        int height,
        byte bitDepth,
        byte colourType,
        IReadOnlyList<PngChunk> chunks,
        IReadOnlyList<PngTextEntry> text,
        IReadOnlyList<string> problems,
        long trailingBytes)
    {
        Width = width;
        Height = height;
        BitDepth = bitDepth;
        ColourType = colourType;
        Chunks = chunks;
        Text = text;
        Problems = problems;
        TrailingBytes = trailingBytes;
    }

    /// <summary>Width from IHDR (0 when IHDR is missing).</summary>
    public int Width { get; }

    /// <summary>Height from IHDR.</summary>
    public int Height { get; }

    /// <summary>Bit depth from IHDR.</summary>
    public byte BitDepth { get; }

    /// <summary>Colour type from IHDR (4 = grey + alpha, 6 = RGBA).</summary>
    public byte ColourType { get; }

    /// <summary>True when the colour type carries an alpha channel.</summary>
    public bool HasAlphaChannel => ColourType is 4 or 6;

    /// <summary>Chunks in file order (up to the chunk cap).</summary>
    public IReadOnlyList<PngChunk> Chunks { get; }

    /// <summary>Decoded text records in file order.</summary>
    public IReadOnlyList<PngTextEntry> Text { get; }

    /// <summary>Structural problems found (bad CRCs, truncation, caps hit), one sentence each.</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>Bytes after IEND (data appended to the image).</summary>
    public long TrailingBytes { get; }
}

/// <summary>Caps that keep the walker bounded on hostile files.</summary>
/// <param name="MaxChunks">Chunks walked before giving up.</param>
/// <param name="MaxTextCharacters">Characters kept per text record (longer text is cut and flagged).</param>
/// <param name="MaxInflatedBytes">Bytes inflated per compressed text record.</param>
/// <param name="MaxTotalTextCharacters">Characters kept over all text records.</param>
/// <param name="DecodeText">False to list chunks only, without decoding or inflating text.</param>
public sealed record PngReadLimits(int MaxChunks = 10_000, int MaxTextCharacters = 256 * 1024, int MaxInflatedBytes = 1024 * 1024, int MaxTotalTextCharacters = 2 * 1024 * 1024, bool DecodeText = true)
{
    /// <summary>Defaults suited to analysis of one file.</summary>
    public static PngReadLimits Default { get; } = new();
}
