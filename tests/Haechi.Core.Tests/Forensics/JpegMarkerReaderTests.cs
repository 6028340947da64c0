using System.Text;
using Haechi.Core.Forensics;
using Haechi.Core.Forensics.Jpeg;

namespace Haechi.Core.Tests.Forensics;

public sealed class JpegMarkerReaderTests
{
    [Fact]
    public void Read_Skeleton_ListsSegmentsTablesAndFrame()
    {
        var jpeg = TestFiles.JpegSkeleton(75, TestFiles.Segment(0xEE, [.. "Adobe"u8, 0, 100, 0, 0, 0, 0, 1]));
        var structure = JpegMarkerReader.Read(jpeg);
        Assert.Equal(["SOI", "APP14", "DQT", "SOF0", "SOS", "EOI"], structure.Segments.Select(s => s.Name));
        Assert.Equal("Adobe", structure.Segments[1].Identifier);
        Assert.Equal(24, structure.Width);
        Assert.Equal(16, structure.Height);
        Assert.Equal(3, structure.Components.Count);
        Assert.Equal(2, structure.QuantTables.Count);
        Assert.Empty(structure.Problems);
        Assert.False(structure.IsProgressive);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(50)]
    [InlineData(75)]
    [InlineData(90)]
    [InlineData(100)]
    public void Estimate_IjgTables_FindsExactQuality(int quality)
    {
        var structure = JpegMarkerReader.Read(TestFiles.JpegSkeleton(quality));
        var estimate = JpegQualityEstimator.Estimate(structure.LumaTable!.Values, structure.ChromaTable!.Values);
        Assert.True(estimate.ExactMatch);
        Assert.Equal(quality, estimate.Quality);
    }

    [Fact]
    public void Estimate_ForeignTable_IsNotExact()
    {
        var luma = Enumerable.Range(0, 64).Select(i => (ushort)(2 + (i / 3))).ToArray();
        var estimate = JpegQualityEstimator.Estimate(luma, null);
        Assert.False(estimate.ExactMatch);
        Assert.True(estimate.MeanAbsoluteError > 0);
    }

    [Fact]
    public void LadderTable_Quality50_IsAnnexKTable()
    {
        Span<ushort> table = stackalloc ushort[64];
        JpegQualityEstimator.LadderTable(JpegQualityEstimator.StandardLuma, 50, table);
        Assert.Equal(16, table[0]);
        Assert.Equal(99, table[63]);
    }

    [Fact]
    public void Read_NotJpeg_ThrowsFormatError()
    {
        Assert.Throws<ForensicFormatException>(() => JpegMarkerReader.Read("\x89PNG"u8));
    }

    [Fact]
    public void Read_TruncatedSegment_ReportsProblem()
    {
        var jpeg = TestFiles.JpegSkeleton(80);
        var structure = JpegMarkerReader.Read(jpeg.AsSpan(0, 60));
        Assert.Contains(structure.Problems, p => p.Contains("truncated", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_TrailingData_IsCounted()
    {
        byte[] jpeg = [.. TestFiles.JpegSkeleton(80), .. Encoding.ASCII.GetBytes("appended")];
        var structure = JpegMarkerReader.Read(jpeg);
        Assert.Equal(8, structure.TrailingBytes);
    }

    [Fact]
    public void Read_CommentAndManySegments_BoundedAndExcerpted()
    {
        var comment = TestFiles.Segment(0xFE, Encoding.ASCII.GetBytes(new string('c', 5000)));
        var many = Enumerable.Range(0, 30_000).Select(_ => TestFiles.Segment(0xE5, [1])).Prepend(comment).ToArray();
        var structure = JpegMarkerReader.Read(TestFiles.JpegSkeleton(80, many));
        Assert.Equal(TextExcerpt.DefaultLength + 1, structure.Comments[0].Length);
        Assert.Contains(structure.Problems, p => p.Contains("More than", StringComparison.Ordinal));
    }
}
