using Haechi.Core.Hashing;
using Haechi.Core.Hashing.Pdq;
using Haechi.Core.Video;

namespace Haechi.Core.Tests.Video;

public sealed class FrameBordersTests
{
    /// <summary>An RGB picture with detail everywhere (seeded noise over gradients).</summary>
    private static byte[] Picture(int width, int height, int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = ((y * width) + x) * 3;
                var v = (int)(128 + (90 * Math.Sin(x / 7.0) * Math.Cos(y / 11.0)));
                pixels[i] = (byte)Math.Clamp(v + random.Next(-20, 20), 0, 255);
                pixels[i + 1] = (byte)Math.Clamp(255 - v, 0, 255);
                pixels[i + 2] = (byte)random.Next(256);
            }
        }

        return pixels;
    }

    /// <summary>Places the picture inside a canvas filled with <paramref name="bar"/> (plus a little noise).</summary>
    private static byte[] Letterbox(byte[] picture, int width, int height, int left, int top, int canvasWidth, int canvasHeight, byte bar)
    {
        var random = new Random(3);
        var canvas = new byte[canvasWidth * canvasHeight * 3];
        for (var i = 0; i < canvas.Length; i++)
        {
            canvas[i] = (byte)Math.Clamp(bar + random.Next(-3, 4), 0, 255);
        }

        for (var y = 0; y < height; y++)
        {
            picture.AsSpan(y * width * 3, width * 3).CopyTo(canvas.AsSpan((((top + y) * canvasWidth) + left) * 3));
        }

        return canvas;
    }

    [Fact]
    public void FindContent_NoBars_WholeFrame()
    {
        var region = FrameBorders.FindContent(Picture(64, 48, 1), 64, 48, PixelFormat.Rgb24);

        Assert.Equal(new FrameRegion(0, 0, 64, 48), region);
    }

    [Theory]
    [InlineData(0, 20, 0)]
    [InlineData(30, 0, 16)]
    [InlineData(12, 9, 128)]
    public void FindContent_Bars_FindsPicture(int left, int top, byte bar)
    {
        var canvas = Letterbox(Picture(100, 60, 2), 100, 60, left, top, 100 + (2 * left), 60 + (2 * top), bar);

        var region = FrameBorders.FindContent(canvas, 100 + (2 * left), 60 + (2 * top), PixelFormat.Rgb24);

        Assert.Equal(new FrameRegion(left, top, 100, 60), region);
    }

    [Fact]
    public void FindContent_NestedBarsOfTwoColours_TrimsBoth()
    {
        var grey = Letterbox(Picture(80, 40, 4), 80, 40, 0, 10, 80, 60, 128);
        var black = Letterbox(grey, 80, 60, 10, 10, 100, 80, 0);

        Assert.Equal(new FrameRegion(10, 20, 80, 40), FrameBorders.FindContent(black, 100, 80, PixelFormat.Rgb24));
    }

    [Fact]
    public void FindContent_FlatFrame_WholeFrame()
    {
        var flat = new byte[32 * 32 * 3];

        Assert.Equal(new FrameRegion(0, 0, 32, 32), FrameBorders.FindContent(flat, 32, 32, PixelFormat.Rgb24));
    }

    [Fact]
    public void FrameHasher_TrimmingLetterboxedFrame_HashesLikeThePicture()
    {
        var picture = Picture(120, 90, 5);
        var canvas = Letterbox(picture, 120, 90, 20, 30, 160, 150, 0);

        var plain = new VpdqFrameHasher().Hash(picture, 120, 90, PixelFormat.Rgb24, 0, 30);
        var untrimmed = new VpdqFrameHasher().Hash(canvas, 160, 150, PixelFormat.Rgb24, 0, 30);
        var trimmed = new VpdqFrameHasher(trimBorders: true).Hash(canvas, 160, 150, PixelFormat.Rgb24, 0, 30);

        Assert.Equal(plain.Hash, trimmed.Hash);
        Assert.True(Hash256.Distance(plain.Hash, untrimmed.Hash) > 31);
    }

    [Fact]
    public void FrameHasher_TinyFrame_QualityZeroAndZeroHash()
    {
        var frame = new VpdqFrameHasher().Hash(new byte[4 * 4 * 3], 4, 4, PixelFormat.Rgb24, 7, 30);

        Assert.Equal(new VpdqFrame(7, 0, Hash256.Zero, 7 / 30.0), frame);
    }
}
