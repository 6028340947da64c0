using Haechi.Core.Hashing.Pdq;
using Haechi.Media.Images;
using NetVips;
using VipsImage = NetVips.Image;

namespace Haechi.Media.Robust;

/// <summary>The edits that re-posted copies go through (issue 9's edit classes).</summary>
public enum ImageEdit
{
    /// <summary>JPEG re-encoded at quality 30.</summary>
    JpegQ30,

    /// <summary>JPEG re-encoded at quality 70.</summary>
    JpegQ70,

    /// <summary>Half size.</summary>
    Half,

    /// <summary>Quarter size.</summary>
    Quarter,

    /// <summary>5 % cropped off every side.</summary>
    Crop5,

    /// <summary>10 % per side.</summary>
    Crop10,

    /// <summary>20 % per side.</summary>
    Crop20,

    /// <summary>Mirrored left to right.</summary>
    Mirror,

    /// <summary>Rotated 90° clockwise.</summary>
    Rotate90,

    /// <summary>Brighter by 40 levels.</summary>
    Brightness,

    /// <summary>Contrast × 1.5 around mid-grey.</summary>
    Contrast,

    /// <summary>Gaussian blur, sigma 2.</summary>
    Blur,

    /// <summary>Greyscale.</summary>
    Greyscale,

    /// <summary>A solid border of 8 % on every side.</summary>
    Border,

    /// <summary>Pillarboxed into a frame twice as wide as high.</summary>
    Letterbox,

    /// <summary>Shrunk onto a light canvas with margins, a status bar and lines of "text".</summary>
    Screenshot,

    /// <summary>A dark caption bar with "text" over the bottom 15 %.</summary>
    Caption,

    /// <summary>An emoji-like sticker over the centre 4 % of the area.</summary>
    Sticker,
}

/// <summary>
/// Generates edited copies of benign images for tests and the robustness bench. Every edit but
/// the JPEG ones is saved as JPEG quality 90, as a re-post would be.
/// </summary>
public static class ImageEdits
{
    /// <summary>Every edit class, in report order.</summary>
    public static IReadOnlyList<ImageEdit> All { get; } = Enum.GetValues<ImageEdit>();

    /// <summary>Lower-case name of an edit (reports, JSON).</summary>
    public static string Name(this ImageEdit edit) => edit switch
    {
        ImageEdit.JpegQ30 => "jpeg-q30",
        ImageEdit.JpegQ70 => "jpeg-q70",
        ImageEdit.Half => "half-size",
        ImageEdit.Quarter => "quarter-size",
        ImageEdit.Crop5 => "crop-5",
        ImageEdit.Crop10 => "crop-10",
        ImageEdit.Crop20 => "crop-20",
        ImageEdit.Mirror => "mirror",
        ImageEdit.Rotate90 => "rotate-90",
        ImageEdit.Brightness => "brightness",
        ImageEdit.Contrast => "contrast",
        ImageEdit.Blur => "blur",
        ImageEdit.Greyscale => "greyscale",
        ImageEdit.Border => "border",
        ImageEdit.Letterbox => "letterbox",
        ImageEdit.Screenshot => "screenshot",
        ImageEdit.Caption => "caption",
        ImageEdit.Sticker => "sticker",
        _ => throw new ArgumentOutOfRangeException(nameof(edit)),
    };

    /// <summary>Decodes image bytes to tightly packed RGB.</summary>
    public static (byte[] Rgb, int Width, int Height) DecodeRgb(byte[] bytes)
    {
        var image = ImageDecoder.Decode(bytes);
        if (image.Format == PixelFormat.Rgb24)
        {
            return (image.Pixels, image.Width, image.Height);
        }

        var rgb = new byte[image.Width * image.Height * 3];
        for (var i = 0; i < image.Pixels.Length; i++)
        {
            rgb[i * 3] = rgb[(i * 3) + 1] = rgb[(i * 3) + 2] = image.Pixels[i];
        }

        return (rgb, image.Width, image.Height);
    }

    /// <summary>Applies <paramref name="edit"/> to RGB pixels and returns the encoded copy.</summary>
    public static byte[] Apply(byte[] rgb, int width, int height, ImageEdit edit, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(rgb);
        switch (edit)
        {
            case ImageEdit.JpegQ30:
                return SyntheticImages.EncodeJpeg(rgb, width, height, 30);
            case ImageEdit.JpegQ70:
                return SyntheticImages.EncodeJpeg(rgb, width, height, 70);
            case ImageEdit.Caption:
                return Jpeg(DrawCaption((byte[])rgb.Clone(), width, height, seed), width, height);
            case ImageEdit.Sticker:
                return Jpeg(DrawSticker((byte[])rgb.Clone(), width, height), width, height);
            case ImageEdit.Screenshot:
                var (shot, sw, sh) = Screenshot(rgb, width, height, seed);
                return Jpeg(shot, sw, sh);
            default:
                using (var image = VipsImage.NewFromMemory(rgb, width, height, 3, Enums.BandFormat.Uchar))
                using (var edited = Geometric(image, edit))
                {
                    return edited.JpegsaveBuffer(q: 90);
                }
        }
    }

    private static byte[] Jpeg(byte[] rgb, int width, int height) => SyntheticImages.EncodeJpeg(rgb, width, height, 90);

    private static VipsImage Geometric(VipsImage image, ImageEdit edit)
    {
        int w = image.Width, h = image.Height;
        switch (edit)
        {
            case ImageEdit.Half:
                return image.Resize(0.5);
            case ImageEdit.Quarter:
                return image.Resize(0.25);
            case ImageEdit.Crop5:
                return CropPerSide(image, 0.05);
            case ImageEdit.Crop10:
                return CropPerSide(image, 0.10);
            case ImageEdit.Crop20:
                return CropPerSide(image, 0.20);
            case ImageEdit.Mirror:
                return image.FlipHor();
            case ImageEdit.Rotate90:
                return image.Rot90();
            case ImageEdit.Brightness:
                return image.Linear([1.0], [40.0]).Cast(Enums.BandFormat.Uchar);
            case ImageEdit.Contrast:
                return image.Linear([1.5], [-64.0]).Cast(Enums.BandFormat.Uchar);
            case ImageEdit.Blur:
                return image.Gaussblur(2.0);
            case ImageEdit.Greyscale:
                using (var grey = image.Colourspace(Enums.Interpretation.Bw))
                {
                    return grey.Colourspace(Enums.Interpretation.Srgb);
                }

            case ImageEdit.Border:
                var bx = (int)(w * 0.08);
                var by = (int)(h * 0.08);
                return image.Embed(bx, by, w + (2 * bx), h + (2 * by), extend: Enums.Extend.Background, background: [250, 250, 250]);
            case ImageEdit.Letterbox:
                var frameWidth = Math.Max(w, 2 * h);
                return image.Embed((frameWidth - w) / 2, 0, frameWidth, h, extend: Enums.Extend.Black);
            default:
                throw new ArgumentOutOfRangeException(nameof(edit));
        }
    }

    private static VipsImage CropPerSide(VipsImage image, double perSide)
    {
        var dx = (int)Math.Round(image.Width * perSide);
        var dy = (int)Math.Round(image.Height * perSide);
        return image.Crop(dx, dy, image.Width - (2 * dx), image.Height - (2 * dy));
    }

    /// <summary>A dark bar over the bottom 15 % with light glyph-like blocks.</summary>
    private static byte[] DrawCaption(byte[] rgb, int width, int height, int seed)
    {
        var top = height - (int)(height * 0.15);
        Fill(rgb, width, 0, top, width, height, 20, 20, 24);
        var glyph = Math.Max(4, (height - top) / 3);
        var y0 = top + ((height - top - glyph) / 2);
        var random = new Random(seed);
#pragma warning disable CA5394 // Deterministic test drawing.
        for (var x = width / 20; x + glyph < width * 19 / 20; x += glyph * 3 / 4)
        {
            if (random.Next(6) == 0)
            {
                continue; // a space between words
            }

            // A glyph-like outline with strokes of an eighth of the glyph height (bold caption text).
            var gw = glyph / 2;
            var stroke = Math.Max(1, glyph / 8);
            Fill(rgb, width, x, y0, x + gw, y0 + glyph, 240, 240, 240);
            Fill(rgb, width, x + stroke, y0 + stroke, x + gw - stroke, y0 + glyph - stroke, 20, 20, 24);
        }
#pragma warning restore CA5394

        return rgb;
    }

    /// <summary>A yellow disc with eyes and a mouth, 20 % of each side, at the centre.</summary>
    private static byte[] DrawSticker(byte[] rgb, int width, int height)
    {
        var side = Math.Sqrt(0.04 * width * height);
        var r = side / 2;
        double cx = width / 2.0, cy = height / 2.0;
        for (var y = (int)(cy - r); y < (int)(cy + r); y++)
        {
            for (var x = (int)(cx - r); x < (int)(cx + r); x++)
            {
                var dx = (x - cx) / r;
                var dy = (y - cy) / r;
                if ((dx * dx) + (dy * dy) > 1 || x < 0 || y < 0 || x >= width || y >= height)
                {
                    continue;
                }

                var eye = (((dx + 0.35) * (dx + 0.35)) + ((dy + 0.3) * (dy + 0.3)) < 0.02) || (((dx - 0.35) * (dx - 0.35)) + ((dy + 0.3) * (dy + 0.3)) < 0.02);
                var mouth = dy > 0.25 && dy < 0.45 && Math.Abs(dx) < 0.5;
                var i = ((y * width) + x) * 3;
                (rgb[i], rgb[i + 1], rgb[i + 2]) = eye || mouth ? ((byte)60, (byte)40, (byte)20) : ((byte)255, (byte)204, (byte)40);
            }
        }

        return rgb;
    }

    /// <summary>
    /// A phone-like capture: light canvas, a status bar, lines of grey "text" above and below the
    /// photo, which is shrunk to 70 % of the canvas width.
    /// </summary>
    private static (byte[] Rgb, int Width, int Height) Screenshot(byte[] rgb, int width, int height, int seed)
    {
        var canvasWidth = (int)(width / 0.7);
        var photoWidth = width * 7 / 10;
        var photoHeight = height * 7 / 10;
        var canvasHeight = photoHeight + (canvasWidth * 3 / 5);
        var canvas = new byte[canvasWidth * canvasHeight * 3];
        Fill(canvas, canvasWidth, 0, 0, canvasWidth, canvasHeight, 242, 242, 246);
        var bar = canvasWidth / 14;
        Fill(canvas, canvasWidth, 0, 0, canvasWidth, bar, 40, 44, 52);
        var random = new Random(seed);
        var line = Math.Max(6, canvasWidth / 40);
        var photoTop = bar + (line * 6);
#pragma warning disable CA5394 // Deterministic test drawing.
        for (var y = bar + line; y + line < canvasHeight; y += line * 2)
        {
            if (y + line > photoTop - line && y < photoTop + photoHeight + line)
            {
                continue;
            }

            var length = canvasWidth * (40 + random.Next(50)) / 100;
            Fill(canvas, canvasWidth, canvasWidth / 15, y, (canvasWidth / 15) + length, y + (line * 2 / 3), 90, 90, 100);
        }
#pragma warning restore CA5394

        using var image = VipsImage.NewFromMemory(rgb, width, height, 3, Enums.BandFormat.Uchar);
        using var small = image.Resize((double)photoWidth / width, vscale: (double)photoHeight / height);
        var photo = small.WriteToMemory<byte>();
        var left = (canvasWidth - small.Width) / 2;
        for (var y = 0; y < small.Height; y++)
        {
            photo.AsSpan(y * small.Width * 3, small.Width * 3).CopyTo(canvas.AsSpan((((photoTop + y) * canvasWidth) + left) * 3));
        }

        return (canvas, canvasWidth, canvasHeight);
    }

    private static void Fill(byte[] rgb, int width, int x0, int y0, int x1, int y1, byte r, byte g, byte b)
    {
        var height = rgb.Length / 3 / width;
        for (var y = Math.Max(0, y0); y < Math.Min(height, y1); y++)
        {
            for (var x = Math.Max(0, x0); x < Math.Min(width, x1); x++)
            {
                var i = ((y * width) + x) * 3;
                rgb[i] = r;
                rgb[i + 1] = g;
                rgb[i + 2] = b;
            }
        }
    }
}
