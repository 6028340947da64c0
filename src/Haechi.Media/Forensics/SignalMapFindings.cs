using System.Globalization;
using Haechi.Core.Forensics;
using Haechi.Core.Forensics.Maps;
using Haechi.Media.Images;
using NetVips;
using VipsImage = NetVips.Image;

namespace Haechi.Media.Forensics;

/// <summary>Noise-level and error-level maps as supporting views: coarse heatmaps (at most 64 cells a side) with findings that describe them.</summary>
internal static class SignalMapFindings
{
    /// <summary>Most cells per side: coarse enough that the map does not reproduce the picture.</summary>
    public const int MaxCells = 64;

    /// <summary>JPEG quality of the ELA re-compression.</summary>
    public const int ElaQuality = 90;

    private const int CellPixels = 6;
    private const int LegendHeight = 10;

    public static void Add(DecodedImage image, List<ForensicFinding> findings, List<ForensicMap> maps)
    {
        if (image.Width < 64 || image.Height < 64)
        {
            return;
        }

        var channels = image.Format == Core.Hashing.Pdq.PixelFormat.Grey8 ? 1 : 3;
        var luma = channels == 1 ? image.Pixels : Luma(image.Pixels, image.Width * image.Height);
        var noiseCell = SignalMap.CellSizeFor(image.Width, image.Height, 32, MaxCells);
        var noise = NoiseLevelMap.Compute(luma, image.Width, image.Height, noiseCell);
        var noiseMedian = noise.Median();
        var (noiseOutliers, noiseCells) = Outliers(noise, noiseMedian, 2.5f, 0.5f);
        maps.Add(new ForensicMap("noise-map", "Noise level per area", Render(noise, 0, Math.Max(1, noiseMedian * 3)), 0, Math.Max(1, noiseMedian * 3), "estimated noise σ (grey levels)", noise));
        findings.Add(new ForensicFinding(
            "noise-map",
            EvidenceBand.NoEvidenceFound,
            Invariant($"Supporting view: median noise σ {noiseMedian:F2} grey levels over {noiseCells} areas of {noiseCell}×{noiseCell} pixels; {noiseOutliers} area(s) differ from it by more than 2.5× (see the map: a pasted or generated region often stands out as a block of another colour)."),
            "A view for a reviewer, not a test, so it never raises the band: flat, dark, saturated or blurred areas read low and textured areas read high in untouched photos too; noise added or removed over the whole picture hides differences.",
            [new("cell", Invariant($"{noiseCell} pixels")), new("areas differing > 2.5× from the median", Invariant($"{noiseOutliers} of {noiseCells}"))]));

        var elaCell = SignalMap.CellSizeFor(image.Width, image.Height, 16, MaxCells);
        using var source = VipsImage.NewFromMemory(image.Pixels, image.Width, image.Height, channels, Enums.BandFormat.Uchar);
        var recompressed = ImageDecoder.Decode(source.JpegsaveBuffer(q: ElaQuality, subsampleMode: Enums.ForeignSubsample.Off), ImageDecodeOptions.Default with { MinWorkingSide = 0, Orientation = OrientationMode.Ignore });
        if (recompressed.Width != image.Width || recompressed.Height != image.Height || recompressed.Pixels.Length != image.Pixels.Length)
        {
            return;
        }

        var ela = ErrorLevelMap.Compute(image.Pixels, recompressed.Pixels, image.Width, image.Height, channels, elaCell);
        var elaMedian = ela.Median();
        var (elaOutliers, elaCells) = Outliers(ela, elaMedian, 3f, 0.5f);
        var high = Math.Max(2, elaMedian * 4);
        maps.Add(new ForensicMap("error-level", "Error level (re-saved at JPEG quality 90)", Render(ela, 0, high), 0, high, "mean change per pixel (grey levels)", ela));
        findings.Add(new ForensicFinding(
            "error-level",
            EvidenceBand.NoEvidenceFound,
            Invariant($"Supporting view: re-saving at JPEG quality {ElaQuality} changes pixels by {elaMedian:F2} grey levels (median over {elaCells} areas of {elaCell}×{elaCell}); {elaOutliers} area(s) change more than 3× that."),
            "A view for a reviewer, not a test, so it never raises the band: edges, fine texture and saturated colours change more in untouched pictures too, and a final save at low quality evens the map out. Compare similar surfaces, not edges with flat areas.",
            [new("cell", Invariant($"{elaCell} pixels")), new("areas changing > 3× the median", Invariant($"{elaOutliers} of {elaCells}"))]));
    }

    /// <summary>Cells whose value is more than <paramref name="factor"/> times off the median either way (values below <paramref name="floor"/> count as the floor).</summary>
    private static (int Outliers, int Cells) Outliers(SignalMap map, float median, float factor, float floor)
    {
        var reference = Math.Max(floor, median);
        int outliers = 0, cells = 0;
        foreach (var v in map.Values)
        {
            if (float.IsNaN(v))
            {
                continue;
            }

            cells++;
            var value = Math.Max(floor, v);
            if (value > reference * factor || value * factor < reference)
            {
                outliers++;
            }
        }

        return (outliers, cells);
    }

    /// <summary>Cells enlarged to <see cref="CellPixels"/> pixels, coloured low (dark blue) to high (yellow), NaN grey, with a colour bar underneath.</summary>
    internal static byte[] Render(SignalMap map, double low, double high, IReadOnlyList<(int X, int Y, int Width, int Height)>? outlines = null)
    {
        var width = map.Columns * CellPixels;
        var mapHeight = map.Rows * CellPixels;
        var height = mapHeight + 4 + LegendHeight;
        var rgb = new byte[width * height * 3];
        Array.Fill(rgb, (byte)255);
        for (var y = 0; y < mapHeight; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var v = map.Values[((y / CellPixels) * map.Columns) + (x / CellPixels)];
                var (r, g, b) = float.IsNaN(v) ? ((byte)160, (byte)160, (byte)160) : Colour((v - low) / (high - low));
                var p = ((y * width) + x) * 3;
                rgb[p] = r;
                rgb[p + 1] = g;
                rgb[p + 2] = b;
            }
        }

        for (var y = mapHeight + 4; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var (r, g, b) = Colour((double)x / Math.Max(1, width - 1));
                var p = ((y * width) + x) * 3;
                rgb[p] = r;
                rgb[p + 1] = g;
                rgb[p + 2] = b;
            }
        }

        // Outlines (picture pixels → map pixels), e.g. detected face boxes: 3 px red between 1 px black lines, visible on every colour of the ramp.
        foreach (var (ox, oy, ow, oh) in outlines ?? [])
        {
            var scale = (double)CellPixels / map.CellSize;
            int x0 = (int)(ox * scale), y0 = (int)(oy * scale), x1 = (int)((ox + ow) * scale), y1 = (int)((oy + oh) * scale);
            for (var inset = -2; inset <= 2; inset++)
            {
                var (r, g, b) = Math.Abs(inset) == 2 ? ((byte)0, (byte)0, (byte)0) : ((byte)255, (byte)30, (byte)30);
                Frame(rgb, width, mapHeight, x0 - inset, y0 - inset, x1 + inset, y1 + inset, r, g, b);
            }
        }

        using var image = VipsImage.NewFromMemory(rgb, width, height, 3, Enums.BandFormat.Uchar);
        return image.PngsaveBuffer(compression: 6);
    }

    private static void Frame(byte[] rgb, int width, int height, int x0, int y0, int x1, int y1, byte r, byte g, byte b)
    {
        for (var x = x0; x <= x1; x++)
        {
            Paint(rgb, width, height, x, y0, r, g, b);
            Paint(rgb, width, height, x, y1, r, g, b);
        }

        for (var y = y0; y <= y1; y++)
        {
            Paint(rgb, width, height, x0, y, r, g, b);
            Paint(rgb, width, height, x1, y, r, g, b);
        }
    }

    private static void Paint(byte[] rgb, int width, int height, int x, int y, byte r, byte g, byte b)
    {
        if (x < 0 || y < 0 || x >= width || y >= height)
        {
            return;
        }

        var p = ((y * width) + x) * 3;
        rgb[p] = r;
        rgb[p + 1] = g;
        rgb[p + 2] = b;
    }

    /// <summary>A perceptually ordered ramp (dark blue → teal → green → yellow), similar to viridis.</summary>
    private static (byte R, byte G, byte B) Colour(double t)
    {
        t = double.IsNaN(t) ? 0 : Math.Clamp(t, 0, 1);
        var scaled = t * 4;
        var i = Math.Min(3, (int)scaled);
        var f = scaled - i;
        return (Mix(i, 0, f), Mix(i, 1, f), Mix(i, 2, f));
    }

    private static byte Mix(int stop, int channel, double fraction)
    {
        ReadOnlySpan<double> stops = [68, 1, 84, 59, 82, 139, 33, 145, 140, 94, 201, 98, 253, 231, 37];
        var from = stops[(stop * 3) + channel];
        return (byte)Math.Round(from + ((stops[((stop + 1) * 3) + channel] - from) * fraction));
    }

    internal static byte[] Luma(byte[] rgb, int count)
    {
        var luma = new byte[count];
        for (var i = 0; i < count; i++)
        {
            luma[i] = (byte)(((299 * rgb[3 * i]) + (587 * rgb[(3 * i) + 1]) + (114 * rgb[(3 * i) + 2]) + 500) / 1000);
        }

        return luma;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
