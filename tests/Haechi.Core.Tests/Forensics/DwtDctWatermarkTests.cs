using Haechi.Core.Forensics.Watermarks;

namespace Haechi.Core.Tests.Forensics;

public sealed class DwtDctWatermarkTests
{
    [Fact]
    public void BitsOf_Bytes_MostSignificantFirstAndRoundTrips()
    {
        var bits = DwtDctWatermark.BitsOf([0b1010_0001, 0xff]);
        Assert.Equal(new byte[] { 1, 0, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1 }, bits);
        Assert.Equal(new byte[] { 0b1010_0001, 0xff }, DwtDctWatermark.BytesOf(bits));
    }

    [Fact]
    public void KnownWatermarks_PublishedLengths()
    {
        Assert.Equal(136, KnownWatermarks.All.Single(k => k.Name == "StableDiffusionV1").Bits.Count);
        Assert.Equal(32, KnownWatermarks.All.Single(k => k.Name == "SDV2").Bits.Count);
        var sdxl = KnownWatermarks.All.Single(k => k.Name == "SDXL").Bits;
        Assert.Equal("101100111110110010010000011110111011000110011110", string.Concat(sdxl));
    }

    [Fact]
    public void Fold_AveragesPerPosition_MeanTimes255Over127()
    {
        // Position 0 sees 1,1,0 (mean 0.67 → 1); position 1 sees 0,1,0 (0.33 → 0); position 2 sees 1,0 (0.5 → 1, as 127.5 > 127).
        byte[] blocks = [1, 0, 1, 1, 1, 0, 0, 0];
        Assert.Equal(new byte[] { 1, 0, 1 }, DwtDctWatermark.Fold(blocks, 3));
        Assert.Empty(DwtDctWatermark.Fold(blocks, 9));
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(5, 10)]
    [InlineData(8, 10)]
    [InlineData(10, 10)]
    [InlineData(100, 136)]
    public void Log10FalseMatchProbability_MatchesExactBinomialTail(int k, int n)
    {
        var tail = 0.0;
        for (var i = k; i <= n; i++)
        {
            tail += Choose(n, i);
        }

        var expected = Math.Log10(tail) - (n * Math.Log10(2));
        Assert.Equal(expected, DwtDctWatermark.Log10FalseMatchProbability(k, n), 9);
    }

    [Fact]
    public void Log10FalseMatchProbability_AllOf136_IsBelow10ToMinus40()
    {
        Assert.Equal(-136 * Math.Log10(2), DwtDctWatermark.Log10FalseMatchProbability(136, 136), 9);
        Assert.True(DwtDctWatermark.Log10FalseMatchProbability(136, 136) < -40);
    }

    [Fact]
    public void ReadBlockBits_UniformGrey_AllZeroAndTooSmallIsEmpty()
    {
        // U = 128 everywhere: every Haar coefficient is 256, and 256 mod 36 = 4 reads as 0.
        var grey = new byte[256 * 256 * 3];
        Array.Fill(grey, (byte)90);
        var bits = DwtDctWatermark.ReadBlockBits(grey, 256, 256, WatermarkChannelOrder.Bgr);
        Assert.Equal(32 * 32, bits.Length);
        Assert.All(bits, b => Assert.Equal(0, b));
        Assert.Empty(DwtDctWatermark.ReadBlockBits(new byte[255 * 256 * 3], 255, 256, WatermarkChannelOrder.Bgr));
    }

    [Theory]
    [InlineData(0, -0.30103)]
    [InlineData(1.959963985, -1.60206)]
    [InlineData(-1.959963985, -0.01099)]
    [InlineData(6, -9.00586)]
    [InlineData(20, -88.5601)]
    public void Log10NormalUpperTail_MatchesTables(double z, double expected)
    {
        Assert.Equal(expected, WatermarkSearch.Log10NormalUpperTail(z), 3);
    }

    [Fact]
    public void BlockContrast_IndependentOfPayload_NearZeroAndCarrying_Large()
    {
        byte[] payload = [1, 0, 1, 1, 0, 0, 1, 0];
        var carrying = new byte[800];
        var unrelated = new byte[800];
        for (var k = 0; k < carrying.Length; k++)
        {
            carrying[k] = (byte)(k % 10 == 0 ? 1 - payload[k % 8] : payload[k % 8]);
            unrelated[k] = (byte)((uint)(k * 2654435761u) >> 31);
        }

        Assert.True(WatermarkSearch.BlockContrast(carrying, payload) > 15);
        Assert.InRange(WatermarkSearch.BlockContrast(unrelated, payload), -3, 3);
    }

    private static double Choose(int n, int k)
    {
        var result = 1.0;
        for (var i = 1; i <= k; i++)
        {
            result = result * (n - k + i) / i;
        }

        return result;
    }
}
