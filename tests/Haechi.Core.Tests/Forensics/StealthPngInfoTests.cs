using Haechi.Core.Forensics;
using Haechi.Core.Forensics.Png;

namespace Haechi.Core.Tests.Forensics;

public sealed class StealthPngInfoTests
{
    private const string Settings = "{\"Description\":\"x\",\"Software\":\"NovelAI\",\"Comment\":\"{\\\"steps\\\": 28}\"}";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_EmbeddedPayload_ReturnsText(bool compress)
    {
        var alpha = TestFiles.StealthAlpha(64, 48, Settings, compress);
        var payload = StealthPngInfo.Read(alpha, 64, 48);
        Assert.NotNull(payload);
        Assert.Equal(compress ? StealthPngInfo.CompressedMagic : StealthPngInfo.PlainMagic, payload.Magic);
        Assert.Equal(Settings, payload.Text);
        Assert.False(payload.Truncated);
    }

    [Fact]
    public void Read_RowMajorEmbedding_IsNotMistakenForPayload()
    {
        // The same bits laid out row by row (the wrong order) must not decode.
        var columnMajor = TestFiles.StealthAlpha(40, 40, Settings, compress: false);
        var transposed = new byte[columnMajor.Length];
        for (var y = 0; y < 40; y++)
        {
            for (var x = 0; x < 40; x++)
            {
                transposed[(x * 40) + y] = columnMajor[(y * 40) + x];
            }
        }

        Assert.NotNull(StealthPngInfo.Read(columnMajor, 40, 40));
        Assert.Null(StealthPngInfo.Read(transposed, 40, 40));
    }

    [Fact]
    public void Read_OpaqueAlpha_ReturnsNull()
    {
        var alpha = Enumerable.Repeat((byte)255, 100 * 100).ToArray();
        Assert.Null(StealthPngInfo.Read(alpha, 100, 100));
    }

    [Fact]
    public void Read_LengthBeyondImage_ThrowsFormatError()
    {
        var alpha = TestFiles.StealthAlpha(20, 20, "abc", compress: false);
        // Set the top length bit (bit 120, column-major at x = 6, y = 0).
        alpha[6] |= 1;
        Assert.Throws<ForensicFormatException>(() => StealthPngInfo.Read(alpha, 20, 20));
    }

    [Fact]
    public void Read_CorruptGzip_ThrowsFormatError()
    {
        var alpha = TestFiles.StealthAlpha(40, 40, new string('z', 50), compress: true);
        // Break the gzip magic (payload bits 152..167).
        for (var k = 152; k < 168; k++)
        {
            alpha[((k % 40) * 40) + (k / 40)] ^= 1;
        }

        Assert.Throws<ForensicFormatException>(() => StealthPngInfo.Read(alpha, 40, 40));
    }
}
