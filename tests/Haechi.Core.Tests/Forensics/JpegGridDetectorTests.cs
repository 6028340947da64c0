using Haechi.Core.Forensics.Jpeg;

namespace Haechi.Core.Tests.Forensics;

public sealed class JpegGridDetectorTests
{
    /// <summary>Textured grey test picture: smooth waves plus seeded noise.</summary>
    internal static byte[] Texture(int width, int height, int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[width * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var value = 128 + (40 * Math.Sin((x + seed) / 7.0)) + (30 * Math.Cos((y - seed) / 11.0)) + random.Next(-25, 26);
                pixels[(y * width) + x] = (byte)Math.Clamp(Math.Round(value), 0, 255);
            }
        }

        return pixels;
    }

    /// <summary>JPEG-like compression of a grey plane: quantise the DCT of every 8×8 block on the grid at (ox, oy) with the IJG luma table.</summary>
    internal static byte[] Compress(byte[] pixels, int width, int height, int quality, int ox = 0, int oy = 0)
    {
        Span<ushort> table = stackalloc ushort[64];
        JpegQualityEstimator.LadderTable(JpegQualityEstimator.StandardLuma, quality, table);
        var output = (byte[])pixels.Clone();
        var basis = new double[64];
        for (var u = 0; u < 8; u++)
        {
            for (var i = 0; i < 8; i++)
            {
                basis[(u * 8) + i] = (u == 0 ? Math.Sqrt(0.125) : 0.5) * Math.Cos((2 * i + 1) * u * Math.PI / 16);
            }
        }

        var block = new double[64];
        var coefficients = new double[64];
        for (var by = oy; by + 8 <= height; by += 8)
        {
            for (var bx = ox; bx + 8 <= width; bx += 8)
            {
                for (var j = 0; j < 8; j++)
                {
                    for (var i = 0; i < 8; i++)
                    {
                        block[(j * 8) + i] = pixels[((by + j) * width) + bx + i] - 128.0;
                    }
                }

                for (var v = 0; v < 8; v++)
                {
                    for (var u = 0; u < 8; u++)
                    {
                        var sum = 0.0;
                        for (var j = 0; j < 8; j++)
                        {
                            for (var i = 0; i < 8; i++)
                            {
                                sum += basis[(v * 8) + j] * basis[(u * 8) + i] * block[(j * 8) + i];
                            }
                        }

                        var q = table[(v * 8) + u];
                        coefficients[(v * 8) + u] = Math.Round(sum / q) * q;
                    }
                }

                for (var j = 0; j < 8; j++)
                {
                    for (var i = 0; i < 8; i++)
                    {
                        var sum = 0.0;
                        for (var v = 0; v < 8; v++)
                        {
                            for (var u = 0; u < 8; u++)
                            {
                                sum += basis[(v * 8) + j] * basis[(u * 8) + i] * coefficients[(v * 8) + u];
                            }
                        }

                        output[((by + j) * width) + bx + i] = (byte)Math.Clamp(Math.Round(sum + 128), 0, 255);
                    }
                }
            }
        }

        return output;
    }

    [Fact]
    public void Detect_CompressedOnGridZero_FindsMainGridAndNoRegion()
    {
        var image = Compress(Texture(128, 128, 1), 128, 128, 75);
        var result = JpegGridDetector.Detect(image, 128, 128);
        Assert.True(result.HasMainGrid);
        Assert.Equal((0, 0), (result.MainGridX, result.MainGridY));
        Assert.Empty(result.Regions);
    }

    [Fact]
    public void Detect_CroppedAfterCompression_FindsShiftedGrid()
    {
        var image = Compress(Texture(128, 128, 2), 128, 128, 80, ox: 3, oy: 5);
        var result = JpegGridDetector.Detect(image, 128, 128);
        Assert.True(result.HasMainGrid);
        Assert.Equal((3, 5), (result.MainGridX, result.MainGridY));
    }

    [Fact]
    public void Detect_NeverCompressed_NoMeaningfulGrid()
    {
        var result = JpegGridDetector.Detect(Texture(128, 128, 3), 128, 128);
        Assert.False(result.HasMainGrid);
        Assert.Empty(result.Regions);
    }

    [Fact]
    public void Detect_PatchFromShiftedJpeg_LocalisesPatchAndItsGrid()
    {
        const int W = 192, H = 160, PatchX = 64, PatchY = 48, Side = 64, ShiftX = 3, ShiftY = 2;
        var background = Compress(Texture(W, H, 4), W, H, 85);
        var donor = Compress(Texture(W, H, 5), W, H, 85);
        for (var y = 0; y < Side; y++)
        {
            for (var x = 0; x < Side; x++)
            {
                background[((PatchY + y) * W) + PatchX + x] = donor[((PatchY + y + ShiftY) * W) + PatchX + x + ShiftX];
            }
        }

        var result = JpegGridDetector.Detect(background, W, H);
        Assert.Equal((0, 0), (result.MainGridX, result.MainGridY));
        var region = Assert.Single(result.Regions);
        Assert.Equal((8 - ShiftX, 8 - ShiftY), (region.GridX, region.GridY));
        Assert.InRange(region.X, PatchX - JpegGridDetector.Stride, PatchX + JpegGridDetector.Stride);
        Assert.InRange(region.Y, PatchY - JpegGridDetector.Stride, PatchY + JpegGridDetector.Stride);
        Assert.True(region.Log10Nfa < 0);
    }

    [Theory]
    [InlineData(10, 3, 0.2)]
    [InlineData(100, 10, 1.0 / 64)]
    [InlineData(30, 1, 0.5)]
    public void Log10BinomialTail_SmallCases_MatchExactSum(int n, int k, double p)
    {
        var exact = 0.0;
        for (var i = k; i <= n; i++)
        {
            exact += Math.Exp(JpegGridDetector.LogGamma(n + 1) - JpegGridDetector.LogGamma(i + 1) - JpegGridDetector.LogGamma(n - i + 1)) * Math.Pow(p, i) * Math.Pow(1 - p, n - i);
        }

        Assert.Equal(Math.Log10(exact), JpegGridDetector.Log10BinomialTail(n, k, p), 9);
        Assert.Equal(0, JpegGridDetector.Log10BinomialTail(n, 0, p));
    }

    [Fact]
    public void LogGamma_Factorials_AreExact()
    {
        Assert.Equal(Math.Log(120), JpegGridDetector.LogGamma(6), 12);
        Assert.Equal(Math.Log(3628800), JpegGridDetector.LogGamma(11), 11);
    }
}

public sealed class DoubleQuantizationDetectorTests
{
    private static ushort[] Table(int quality)
    {
        var table = new ushort[64];
        JpegQualityEstimator.LadderTable(JpegQualityEstimator.StandardLuma, quality, table);
        return table;
    }

    [Theory]
    [InlineData(50, 90)]
    [InlineData(60, 85)]
    public void Analyze_CoarseThenFine_DetectsAndEstimatesPrimaryQuality(int first, int last)
    {
        const int W = 256, H = 256;
        var image = JpegGridDetectorTests.Compress(JpegGridDetectorTests.Compress(JpegGridDetectorTests.Texture(W, H, 7), W, H, first), W, H, last);
        var result = DoubleQuantizationDetector.Analyze(image, W, H, Table(last));
        Assert.True(result.Detected, string.Join("; ", result.Evidence));
        Assert.True(result.PrimaryQuality is null || Math.Abs(result.PrimaryQuality.Value - first) <= 10, "primary " + result.PrimaryQuality);
    }

    [Theory]
    [InlineData(75)]
    [InlineData(90)]
    public void Analyze_SingleCompression_NotDetected(int quality)
    {
        const int W = 256, H = 256;
        var image = JpegGridDetectorTests.Compress(JpegGridDetectorTests.Texture(W, H, 8), W, H, quality);
        var result = DoubleQuantizationDetector.Analyze(image, W, H, Table(quality));
        Assert.False(result.Detected, string.Join("; ", result.Evidence));
    }
}
