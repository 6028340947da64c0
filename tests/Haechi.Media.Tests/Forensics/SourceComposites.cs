using NetVips;

namespace Haechi.Media.Tests.Forensics;

/// <summary>A photo decoded to RGB with its largest face box (in its own pixels).</summary>
internal sealed record Photo(int Index, byte[] Pixels, int Width, int Height, (float X, float Y, float W, float H) Face);

/// <summary>Generated composites for source matching: pasted faces, replaced bodies, synthetic backgrounds.</summary>
internal static class SourceComposites
{
    /// <summary>The donor's face (its box enlarged ×1.3) scaled onto the target's face box, blended with a feathered ellipse.</summary>
    public static byte[] PasteFace(Photo donor, Photo target)
    {
        var output = (byte[])target.Pixels.Clone();
        var (dx, dy, dw, dh) = Enlarge(donor.Face, 1.3f);
        var (tx, ty, tw, th) = Enlarge(target.Face, 1.3f);
        for (var y = (int)ty; y < (int)(ty + th); y++)
        {
            for (var x = (int)tx; x < (int)(tx + tw); x++)
            {
                if (x < 0 || y < 0 || x >= target.Width || y >= target.Height)
                {
                    continue;
                }

                var u = (x - tx) / tw;
                var v = (y - ty) / th;
                var r = MathF.Sqrt(((u - 0.5f) * (u - 0.5f) * 4) + ((v - 0.5f) * (v - 0.5f) * 4));
                var alpha = Math.Clamp((1 - r) / 0.2f, 0, 1);
                if (alpha <= 0)
                {
                    continue;
                }

                var sx = Math.Clamp((int)(dx + (u * dw)), 0, donor.Width - 1);
                var sy = Math.Clamp((int)(dy + (v * dh)), 0, donor.Height - 1);
                for (var c = 0; c < 3; c++)
                {
                    var p = (((y * target.Width) + x) * 3) + c;
                    output[p] = (byte)((alpha * donor.Pixels[(((sy * donor.Width) + sx) * 3) + c]) + ((1 - alpha) * output[p]));
                }
            }
        }

        return output;
    }

    /// <summary>From 0.4 face heights under the chin to the bottom, 3 face widths across: smooth synthetic "skin" with noise.</summary>
    public static byte[] ReplaceBody(Photo photo)
    {
        var output = (byte[])photo.Pixels.Clone();
        var (fx, fy, fw, fh) = photo.Face;
        var y0 = (int)(fy + (fh * 1.4f));
        var x0 = Math.Max(0, (int)(fx + (fw / 2) - (1.5f * fw)));
        var x1 = Math.Min(photo.Width, (int)(fx + (fw / 2) + (1.5f * fw)));
        var random = new Random(photo.Index);
        for (var y = Math.Max(0, y0); y < photo.Height; y++)
        {
            for (var x = x0; x < x1; x++)
            {
                var p = ((y * photo.Width) + x) * 3;
                var shade = 150 + (40 * MathF.Sin(x / 37f) * MathF.Cos(y / 53f)) + random.Next(-6, 7);
                output[p] = (byte)Math.Clamp(shade + 60, 0, 255);
                output[p + 1] = (byte)Math.Clamp(shade, 0, 255);
                output[p + 2] = (byte)Math.Clamp(shade - 30, 0, 255);
            }
        }

        return output;
    }

    public static (float X, float Y, float W, float H) Enlarge((float X, float Y, float W, float H) box, float factor) =>
        (box.X + (box.W / 2) - (box.W * factor / 2), box.Y + (box.H / 2) - (box.H * factor / 2), box.W * factor, box.H * factor);

    /// <summary>A seeded synthetic picture: overlapping discs and stripes on a gradient, with mild noise.</summary>
    public static (byte[] Pixels, int Width, int Height) Synthetic(int width, int height, int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[width * height * 3];
        var discs = Enumerable.Range(0, 12).Select(_ => (X: random.Next(width), Y: random.Next(height), R: random.Next(30, 160), C: (random.Next(256), random.Next(256), random.Next(256)))).ToArray();
        var angle = random.NextDouble() * Math.PI;
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var stripe = Math.Sin(((x * Math.Cos(angle)) + (y * Math.Sin(angle))) / 23.0) > 0 ? 40 : 0;
                int r = (x * 200 / width) + stripe, g = (y * 200 / height) + stripe, b = 120;
                foreach (var d in discs)
                {
                    if (((x - d.X) * (x - d.X)) + ((y - d.Y) * (y - d.Y)) < d.R * d.R)
                    {
                        (r, g, b) = d.C;
                    }
                }

                var p = ((y * width) + x) * 3;
                var n = random.Next(-4, 5);
                pixels[p] = (byte)Math.Clamp(r + n, 0, 255);
                pixels[p + 1] = (byte)Math.Clamp(g + n, 0, 255);
                pixels[p + 2] = (byte)Math.Clamp(b + n, 0, 255);
            }
        }

        return (pixels, width, height);
    }

    public static byte[] Encode(byte[] rgb, int width, int height, string format, int quality)
    {
        using var image = NetVips.Image.NewFromMemory(rgb, width, height, 3, Enums.BandFormat.Uchar);
        return format == "png" ? image.PngsaveBuffer() : image.JpegsaveBuffer(q: quality);
    }

    public static byte[] Resized(byte[] rgb, int width, int height, double scale, string format, int quality)
    {
        using var image = NetVips.Image.NewFromMemory(rgb, width, height, 3, Enums.BandFormat.Uchar);
        using var resized = image.Resize(scale);
        return format == "png" ? resized.PngsaveBuffer() : resized.JpegsaveBuffer(q: quality);
    }
}
