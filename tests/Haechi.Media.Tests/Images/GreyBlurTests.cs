using Haechi.Media.Images;
using Haechi.Media.Vision;

namespace Haechi.Media.Tests.Images;

/// <summary>
/// The one grey blur: every way in (encoded picture, PNG heatmap, video frame, OpenCV panel, scan
/// preview) gives a grey picture (one band: R = G = B) with the same strength, strong enough that a
/// high-contrast checkerboard loses nearly all of its edges.
/// </summary>
public sealed class GreyBlurTests
{
    private const int Width = 240, Height = 160;

    [Theory]
    [InlineData(160, 90, 160 / 30.0)]
    [InlineData(60, 60, 4.0)]
    [InlineData(2000, 3000, 100.0)]
    public void Sigma_LongSide_ThirtiethAtLeastFour(int width, int height, double expected) =>
        Assert.Equal(expected, GreyBlur.Sigma(width, height), 9);

    [Fact]
    public void EveryEntry_ColourPicture_OneGreyBand()
    {
        var rgb = SyntheticImages.DrawRgb(Width, Height, 7);
        var png = SyntheticImages.EncodePng(rgb, Width, Height);

        foreach (var output in new[] { GreyBlur.Png(png), GreyBlur.Jpeg(png, Width), GreyBlur.JpegFromRgb24(rgb, Width, Height, Width), ScanPreview.Jpeg(png, Width, reveal: false) })
        {
            var (bands, _, width, height) = Decode(output);
            Assert.Equal(1, bands);
            Assert.Equal((Width, Height), (width, height));
        }

        Assert.Equal(Width * Height, GreyBlur.Rgb24(rgb, Width, Height).Length);
    }

    [Fact]
    public void Png_TransparentPicture_FlattenedToOneGreyBand()
    {
        using var rgb = NetVips.Image.NewFromMemory(SyntheticImages.DrawRgb(64, 48, 3), 64, 48, 3, NetVips.Enums.BandFormat.Uchar);
        using var withAlpha = rgb.Bandjoin(128);

        var (bands, _, _, _) = Decode(GreyBlur.Png(withAlpha.PngsaveBuffer()));

        Assert.Equal(1, bands);
    }

    [Fact]
    public void EveryEntry_Checkerboard_LosesItsEdges()
    {
        var rgb = Checkerboard(Width, Height, 8);
        var before = EdgeEnergy(Grey(rgb), Width, Height);
        var png = SyntheticImages.EncodePng(rgb, Width, Height);

        foreach (var output in new[] { GreyBlur.Png(png), GreyBlur.Jpeg(png, Width), GreyBlur.JpegFromRgb24(rgb, Width, Height, Width) })
        {
            var (_, pixels, _, _) = Decode(output);
            Assert.True(EdgeEnergy(pixels, Width, Height) < before * 0.03, "the checkerboard's edges survive the blur");
        }

        Assert.True(EdgeEnergy(GreyBlur.Rgb24(rgb, Width, Height), Width, Height) < before * 0.03);
    }

    [Fact]
    public void EveryEntry_SamePicture_SameStrength()
    {
        var rgb = SyntheticImages.DrawRgb(Width, Height, 11);
        var png = SyntheticImages.EncodePng(rgb, Width, Height);
        var reference = GreyBlur.Rgb24(rgb, Width, Height);

        Assert.True(MaxDifference(reference, Decode(GreyBlur.Png(png)).Pixels) <= 1);
        Assert.True(MeanDifference(reference, Decode(GreyBlur.Jpeg(png, Width)).Pixels) < 2);
        Assert.True(MeanDifference(reference, Decode(GreyBlur.JpegFromRgb24(rgb, Width, Height, Width)).Pixels) < 2);
        Assert.Equal(GreyBlur.Jpeg(png, 120), ScanPreview.Jpeg(png, 120, reveal: false));
    }

    [Fact]
    public void Jpeg_MaxSide_ShrunkBeforeTheBlur()
    {
        var png = SyntheticImages.Png(Width, Height, 5);

        var (_, _, width, height) = Decode(GreyBlur.Jpeg(png, 120));

        Assert.Equal((120, 80), (width, height));
    }

    [Fact]
    public void Png_NotAPicture_MediaProcessingException()
    {
        var ex = Assert.Throws<MediaProcessingException>(() => GreyBlur.Png([1, 2, 3, 4, 5]));

        Assert.IsAssignableFrom<MediaException>(ex);
        Assert.IsAssignableFrom<MediaException>(Assert.Throws<MediaProcessingException>(() => ScanPreview.Jpeg([1, 2, 3], 100, reveal: true)));
    }

    private static byte[] Checkerboard(int width, int height, int square)
    {
        var rgb = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var on = ((x / square) + (y / square)) % 2 == 0;
                var i = ((y * width) + x) * 3;
                (rgb[i], rgb[i + 1], rgb[i + 2]) = on ? ((byte)255, (byte)255, (byte)255) : ((byte)0, (byte)0, (byte)0);
            }
        }

        return rgb;
    }

    private static byte[] Grey(byte[] rgb)
    {
        var grey = new byte[rgb.Length / 3];
        for (var i = 0; i < grey.Length; i++)
        {
            grey[i] = (byte)((rgb[i * 3] + rgb[(i * 3) + 1] + rgb[(i * 3) + 2]) / 3);
        }

        return grey;
    }

    /// <summary>Mean absolute difference between horizontal and vertical neighbours.</summary>
    private static double EdgeEnergy(byte[] grey, int width, int height)
    {
        double sum = 0;
        for (var y = 0; y < height - 1; y++)
        {
            for (var x = 0; x < width - 1; x++)
            {
                var p = grey[(y * width) + x];
                sum += Math.Abs(p - grey[(y * width) + x + 1]) + Math.Abs(p - grey[((y + 1) * width) + x]);
            }
        }

        return sum / ((width - 1) * (height - 1));
    }

    private static int MaxDifference(byte[] a, byte[] b)
    {
        Assert.Equal(a.Length, b.Length);
        var max = 0;
        for (var i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs(a[i] - b[i]));
        }

        return max;
    }

    private static double MeanDifference(byte[] a, byte[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += Math.Abs(a[i] - b[i]);
        }

        return sum / a.Length;
    }

    private static (int Bands, byte[] Pixels, int Width, int Height) Decode(byte[] encoded)
    {
        using var image = NetVips.Image.NewFromBuffer(encoded);
        return (image.Bands, image.WriteToMemory<byte>(), image.Width, image.Height);
    }
}
