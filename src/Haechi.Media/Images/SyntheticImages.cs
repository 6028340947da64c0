using NetVips;
using VipsImage = NetVips.Image;

namespace Haechi.Media.Images;

/// <summary>
/// Draws benign, photo-like test images in code (smooth colour fields, shapes and grain, from a
/// seed) and encodes them, for tests and benchmarks that must not depend on real photos.
/// </summary>
public static class SyntheticImages
{
    /// <summary>Draws a width × height RGB image (tightly packed) from <paramref name="seed"/>.</summary>
    public static byte[] DrawRgb(int width, int height, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
#pragma warning disable CA5394 // Deterministic test pictures, not security.
        var random = new Random(seed);
        const int Waves = 4;
        Span<double> fx = stackalloc double[Waves * 3];
        Span<double> fy = stackalloc double[Waves * 3];
        Span<double> phase = stackalloc double[Waves * 3];
        for (var i = 0; i < fx.Length; i++)
        {
            fx[i] = (random.NextDouble() * 6) + 0.5;
            fy[i] = (random.NextDouble() * 6) + 0.5;
            phase[i] = random.NextDouble() * Math.Tau;
        }

        var shapes = new (double X, double Y, double R, byte Cr, byte Cg, byte Cb, bool Disc)[12];
        for (var i = 0; i < shapes.Length; i++)
        {
            shapes[i] = (random.NextDouble(), random.NextDouble(), (random.NextDouble() * 0.15) + 0.03,
                (byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256), random.Next(2) == 0);
        }

        var pixels = new byte[(long)width * height * 3];
        var noise = (uint)seed | 1u;
        for (var y = 0; y < height; y++)
        {
            var v = (double)y / height;
            for (var x = 0; x < width; x++)
            {
                var u = (double)x / width;
                var offset = (((long)y * width) + x) * 3;
                for (var c = 0; c < 3; c++)
                {
                    var value = 128.0;
                    for (var w = 0; w < Waves; w++)
                    {
                        var k = (c * Waves) + w;
                        value += 30 * Math.Sin((fx[k] * u * Math.Tau) + (fy[k] * v * Math.Tau) + phase[k]);
                    }

                    pixels[offset + c] = (byte)Math.Clamp(value, 0, 255);
                }

                foreach (var s in shapes)
                {
                    var dx = u - s.X;
                    var dy = v - s.Y;
                    var inside = s.Disc ? (dx * dx) + (dy * dy) < s.R * s.R : Math.Abs(dx) < s.R && Math.Abs(dy) < s.R * 0.6;
                    if (inside)
                    {
                        pixels[offset] = s.Cr;
                        pixels[offset + 1] = s.Cg;
                        pixels[offset + 2] = s.Cb;
                    }
                }

                // Film-like grain from a xorshift stream: deterministic for the seed.
                noise ^= noise << 13;
                noise ^= noise >> 17;
                noise ^= noise << 5;
                var grain = (int)(noise % 9) - 4;
                for (var c = 0; c < 3; c++)
                {
                    pixels[offset + c] = (byte)Math.Clamp(pixels[offset + c] + grain, 0, 255);
                }
            }
        }
#pragma warning restore CA5394

        return pixels;
    }

    /// <summary>Encodes RGB pixels as a baseline JPEG.</summary>
    public static byte[] EncodeJpeg(byte[] rgb, int width, int height, int quality = 90)
    {
        using var image = VipsImage.NewFromMemory(rgb, width, height, 3, Enums.BandFormat.Uchar);
        return image.JpegsaveBuffer(q: quality);
    }

    /// <summary>Encodes RGB pixels as PNG.</summary>
    public static byte[] EncodePng(byte[] rgb, int width, int height)
    {
        using var image = VipsImage.NewFromMemory(rgb, width, height, 3, Enums.BandFormat.Uchar);
        return image.PngsaveBuffer(compression: 1);
    }

    /// <summary>Draws and encodes a JPEG in one call.</summary>
    public static byte[] Jpeg(int width, int height, int seed, int quality = 90) => EncodeJpeg(DrawRgb(width, height, seed), width, height, quality);

    /// <summary>Draws and encodes a PNG in one call.</summary>
    public static byte[] Png(int width, int height, int seed) => EncodePng(DrawRgb(width, height, seed), width, height);
    /// <summary>
    /// A benign 256×256 splice for forensic tests: an elliptical region (90×100 at 70,60) pasted from
    /// another JPEG-compressed texture shifted by (3,5) pixels, so its 8×8 JPEG grid is misaligned with
    /// the background's; saved as PNG so no later JPEG save hides it.
    /// </summary>
    public static byte[] GridSplicePng(int seed)
    {
        const int Size = 256, W = 90, H = 100, Px = 70, Py = 60, Sx = 3, Sy = 5;
        var background = CompressedTexture(seed, Size, 85);
        var donor = CompressedTexture(seed + 500, Size, 80);
        for (var y = 0; y < H; y++)
        {
            for (var x = 0; x < W; x++)
            {
                var dx = ((x + 0.5) / W) - 0.5;
                var dy = ((y + 0.5) / H) - 0.5;
                if ((dx * dx) + (dy * dy) <= 0.25)
                {
                    donor.AsSpan((((Py + y + Sy) * Size) + Px + x + Sx) * 3, 3).CopyTo(background.AsSpan((((Py + y) * Size) + Px + x) * 3, 3));
                }
            }
        }

        return EncodePng(background, Size, Size);
    }

    /// <summary>A textured RGB square (waves and seeded grain) saved as JPEG at <paramref name="quality"/> and decoded back.</summary>
    private static byte[] CompressedTexture(int seed, int size, int quality)
    {
#pragma warning disable CA5394 // Deterministic test pictures, not security.
        var random = new Random(seed);
        var rgb = new byte[size * size * 3];
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                var value = 120 + (50 * Math.Sin((x + (seed * 13)) / 9.0)) + (40 * Math.Cos((y - (seed * 7)) / 13.0));
                for (var c = 0; c < 3; c++)
                {
                    rgb[(((y * size) + x) * 3) + c] = (byte)Math.Clamp(value + (c * 15) + random.Next(-20, 21), 0, 255);
                }
            }
        }
#pragma warning restore CA5394

        using var decoded = VipsImage.NewFromBuffer(EncodeJpeg(rgb, size, size, quality));
        return decoded.WriteToMemory<byte>();
    }
}
