using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Haechi.Core.Forensics;
using Haechi.Core.Forensics.Png;

namespace Haechi.Core.Tests.Forensics;

public sealed class PngChunkReaderTests
{
    [Fact]
    public void Crc32_KnownVector_MatchesReference()
    {
        // The standard check value of CRC-32/ISO-HDLC.
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
    }

    [Fact]
    public void Read_MinimalPng_ListsChunksWithoutProblems()
    {
        var structure = PngChunkReader.Read(TestFiles.MinimalPng());
        Assert.Equal(["IHDR", "IDAT", "IEND"], structure.Chunks.Select(c => c.Type));
        Assert.All(structure.Chunks, c => Assert.True(c.CrcValid));
        Assert.Empty(structure.Problems);
        Assert.Equal(2, structure.Width);
        Assert.False(structure.HasAlphaChannel);
    }

    [Fact]
    public void Read_AllThreeTextKinds_DecodesKeywordsAndText()
    {
        var png = PngChunkWriter.InsertAfterHeader(
            TestFiles.MinimalPng(),
            PngChunkWriter.Text("parameters", "a cat\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1"),
            PngChunkWriter.CompressedText("workflow", "{\"nodes\":[]}"),
            PngChunkWriter.InternationalText("prompt", "{\"3\":{\"class_type\":\"KSampler\"}} 한글", compress: true),
            PngChunkWriter.InternationalText("Comment", "plain"));
        var structure = PngChunkReader.Read(png);
        Assert.Empty(structure.Problems);
        Assert.Equal(["parameters", "workflow", "prompt", "Comment"], structure.Text.Select(t => t.Keyword));
        Assert.Equal("{\"nodes\":[]}", structure.Text[1].Text);
        Assert.EndsWith("한글", structure.Text[2].Text, StringComparison.Ordinal);
        Assert.Equal("iTXt", structure.Text[3].Chunk);
    }

    [Fact]
    public void Read_NotPng_ThrowsFormatError()
    {
        var error = Assert.Throws<ForensicFormatException>(() => PngChunkReader.Read("GIF89a....."u8));
        Assert.Contains("signature", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_AlteredText_ReportsWrongCrc()
    {
        var png = PngChunkWriter.InsertAfterHeader(TestFiles.MinimalPng(), PngChunkWriter.Text("Software", "Camera 1.0"));
        var at = png.AsSpan().IndexOf("Camera"u8);
        png[at] = (byte)'K';
        var structure = PngChunkReader.Read(png);
        Assert.False(structure.Chunks[1].CrcValid);
        Assert.Contains(structure.Problems, p => p.Contains("wrong CRC", StringComparison.Ordinal));
        Assert.Equal("Kamera 1.0", structure.Text[0].Text);
    }

    [Fact]
    public void Read_Truncated_StopsWithProblem()
    {
        var png = TestFiles.MinimalPng();
        var structure = PngChunkReader.Read(png.AsSpan(0, png.Length - 20));
        Assert.Contains(structure.Problems, p => p.Contains("truncated", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Read_ChunkLengthBeyondFile_StopsWithProblem()
    {
        var png = TestFiles.MinimalPng();
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(8), 0x7FFF_FFF0);
        var structure = PngChunkReader.Read(png);
        Assert.Empty(structure.Chunks);
        Assert.Contains(structure.Problems, p => p.Contains("declares", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_ZlibBombInText_InflatesOnlyUpToCap()
    {
        var huge = new string('A', 64 * 1024 * 1024);
        var png = PngChunkWriter.InsertAfterHeader(TestFiles.MinimalPng(), PngChunkWriter.CompressedText("Comment", huge));
        Assert.True(png.Length < 200_000);
        var timer = Stopwatch.StartNew();
        var structure = PngChunkReader.Read(png, new PngReadLimits(MaxInflatedBytes: 1 << 20, MaxTextCharacters: 1000));
        Assert.True(timer.Elapsed < TimeSpan.FromSeconds(2));
        Assert.True(structure.Text[0].Truncated);
        Assert.Equal(1000, structure.Text[0].Text.Length);
    }

    [Fact]
    public void Read_ManyChunks_StopsAtChunkCap()
    {
        var chunks = Enumerable.Range(0, 50).Select(_ => PngChunkWriter.Chunk("abCd", [1, 2])).ToArray();
        var png = PngChunkWriter.InsertAfterHeader(TestFiles.MinimalPng(), chunks);
        var structure = PngChunkReader.Read(png, new PngReadLimits(MaxChunks: 10));
        Assert.Equal(10, structure.Chunks.Count);
        Assert.Contains(structure.Problems, p => p.Contains("More than 10 chunks", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_BadZlibAndMissingKeyword_ReportsProblemsAndContinues()
    {
        var badZ = PngChunkWriter.Chunk("zTXt", [.. "Comment"u8, 0, 0, 1, 2, 3, 4]);
        var noKeyword = PngChunkWriter.Chunk("tEXt", [0, .. "text"u8]);
        var png = PngChunkWriter.InsertAfterHeader(TestFiles.MinimalPng(), badZ, noKeyword, PngChunkWriter.Text("Title", "ok"));
        var structure = PngChunkReader.Read(png);
        Assert.Single(structure.Text);
        Assert.Contains(structure.Problems, p => p.Contains("zlib", StringComparison.Ordinal));
        Assert.Contains(structure.Problems, p => p.Contains("keyword", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_DataAfterIend_CountsTrailingBytes()
    {
        var appended = Encoding.ASCII.GetBytes("PK\u0003\u0004 hidden archive");
        byte[] png = [.. TestFiles.MinimalPng(), .. appended];
        var structure = PngChunkReader.Read(png);
        Assert.Equal(appended.Length, structure.TrailingBytes);
        Assert.Contains(structure.Problems, p => p.Contains("follow IEND", StringComparison.Ordinal));
    }
}
