using Haechi.Core.Hashing;
using Haechi.Core.Video;

namespace Haechi.Core.Tests.Video;

public sealed class VpdqFormatTests
{
    private const string Line = "1,100,c0f11178372c6aaccddea259648fbfd62f434c89c9e99b249772be216c8d055c,0.033";

    [Fact]
    public void FormatLine_ReferenceLine_RoundTrips()
    {
        Assert.True(VpdqFormat.TryParseLine(Line, out var frame, out var error), error);

        Assert.Equal(1, frame.FrameNumber);
        Assert.Equal(100, frame.Quality);
        Assert.Equal(Line, VpdqFormat.FormatLine(frame));
    }

    [Theory]
    [InlineData(0, 0.0, "0.000")]
    [InlineData(2, 1.0 / 15, "0.067")]
    [InlineData(563, 563 / 30.0, "18.767")]
    public void FormatLine_Timestamp_HasThreeDecimals(int frameNumber, double timestamp, string expected)
    {
        var line = VpdqFormat.FormatLine(new VpdqFrame(frameNumber, 50, Hash256.Zero, timestamp));

        Assert.EndsWith("," + expected, line, StringComparison.Ordinal);
        Assert.Equal(4, line.Split(',').Length);
    }

    [Theory]
    [InlineData("1,100,abc,0.033")]
    [InlineData("1,101,c0f11178372c6aaccddea259648fbfd62f434c89c9e99b249772be216c8d055c,0.033")]
    [InlineData("-1,100,c0f11178372c6aaccddea259648fbfd62f434c89c9e99b249772be216c8d055c,0.033")]
    [InlineData("1,100,c0f11178372c6aaccddea259648fbfd62f434c89c9e99b249772be216c8d055c")]
    [InlineData("1,100,c0f11178372c6aaccddea259648fbfd62f434c89c9e99b249772be216c8d055c,x,y")]
    [InlineData("")]
    public void TryParseLine_Malformed_FailsWithReason(string line)
    {
        Assert.False(VpdqFormat.TryParseLine(line, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Read_CommentsAndBlankLines_Skipped()
    {
        var frames = VpdqFormat.Read(new StringReader("# video.mp4\n\n" + Line + "\n"));

        Assert.Single(frames);
    }

    [Fact]
    public void Read_BadLine_NamesLineNumber()
    {
        var ex = Assert.Throws<FormatException>(() => VpdqFormat.Read(new StringReader(Line + "\nnonsense\n")));

        Assert.StartsWith("Line 2:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_Frames_OneLineEach()
    {
        var writer = new StringWriter { NewLine = "\n" };
        VpdqFormat.Read(new StringReader(Line + "\n" + Line)).ForEach(f => VpdqFormat.Write(writer, [f]));

        Assert.Equal(Line + "\n" + Line + "\n", writer.ToString());
    }
}
