using System.Globalization;
using Haechi.Core.Forensics;
using Haechi.Core.Forensics.Jpeg;
using Haechi.Core.Forensics.Maps;
using Haechi.Media.Images;

namespace Haechi.Media.Forensics;

/// <summary>Runs the ZERO-style grid detector on a file's stored pixels and explains the result.</summary>
internal static class JpegGridFinding
{
    /// <summary>Largest side analysed; bigger images are analysed in a central crop aligned to 8 pixels.</summary>
    public const int MaxSide = 2048;

    /// <summary>Largest picture decoded at full resolution for the grid and double-compression checks.</summary>
    public const long MaxPixels = 50_000_000;

    private const string Method = "jpeg-grid";

    private const string Limits =
        "Needs a JPEG history: never-compressed or strongly resized pictures show no grid. A region pasted on the same grid alignment, " +
        "or a final save at lower JPEG quality, can hide a splice; flat areas cast no votes. Detections are controlled to fewer than one false alarm per image on average.";

    /// <summary>The stored-orientation, full-resolution pixels (at most <see cref="MaxPixels"/>), or the reason they are unavailable.</summary>
    public static DecodedImage? DecodeFull(byte[] bytes, ImageDecodeOptions options, out string? problem)
    {
        problem = null;
        try
        {
            return ImageDecoder.Decode(bytes, options with { MinWorkingSide = 0, Orientation = OrientationMode.Ignore, MaxPixels = Math.Min(options.MaxPixels, MaxPixels) });
        }
        catch (ImageDecodeException ex)
        {
            problem = ex.Message;
            return null;
        }
    }

    /// <summary>Luminance for the grid detector (central crop of at most <see cref="MaxSide"/>, offsets multiples of 8), or the reason it is unavailable.</summary>
    public static (byte[] Luma, int Width, int Height, int OffsetX, int OffsetY)? LumaOf(DecodedImage? image, ref string? problem)
    {
        if (image is null)
        {
            return null;
        }

        if (image.Width < 32 || image.Height < 32)
        {
            problem = "the picture is too small.";
            return null;
        }

        return Luma(image);
    }

    /// <summary>
    /// The finding; when <paramref name="maps"/> is given and the picture has a JPEG grid, also the vote
    /// map (per cell, the share of voting pixels that vote for another grid than the main one).
    /// </summary>
    public static ForensicFinding Create((byte[] Luma, int Width, int Height, int OffsetX, int OffsetY)? decoded, string? problem, List<ForensicMap>? maps = null)
    {
        if (decoded is not { } plane)
        {
            return new ForensicFinding(Method, EvidenceBand.Inconclusive, "JPEG grid analysis did not run: " + problem, Limits);
        }

        var (luma, width, height, offsetX, offsetY) = plane;
        var result = JpegGridDetector.Detect(luma, width, height);
        var details = new List<KeyValuePair<string, string>>
        {
            new("analysed area", Invariant($"{width}×{height} at ({offsetX}, {offsetY})")),
            new("main grid", Invariant($"origin ({result.MainGridX}, {result.MainGridY}), log10 NFA {result.MainLog10Nfa:F1}")),
            new("voting pixels", Invariant($"{result.Voters} of {width * height}")),
        };
        foreach (var region in result.Regions.Take(10))
        {
            details.Add(new("region", Invariant($"x {region.X + offsetX}, y {region.Y + offsetY}, {region.Width}×{region.Height}: grid ({region.GridX}, {region.GridY}), log10 NFA {region.Log10Nfa:F1}")));
        }

        if (result.HasMainGrid && maps is not null)
        {
            maps.Add(VoteMap(result));
        }

        if (!result.HasMainGrid)
        {
            return new ForensicFinding(Method, EvidenceBand.NoEvidenceFound, "No JPEG compression grid is visible: the picture shows no JPEG history (never JPEG-compressed, or resized since).", Limits, details);
        }

        if (result.Regions.Count > 0)
        {
            var strongest = result.Regions[0];
            var band = strongest.Log10Nfa < -2 ? EvidenceBand.StrongEvidenceOfManipulation : EvidenceBand.Inconclusive;
            var where = Invariant($"at x {strongest.X + offsetX}, y {strongest.Y + offsetY} ({strongest.Width}×{strongest.Height} pixels)");
            var summary = band == EvidenceBand.StrongEvidenceOfManipulation
                ? Invariant($"{result.Regions.Count} region(s) follow a different JPEG grid than the rest of the picture; the strongest, {where}, is typical of content pasted from another JPEG.")
                : Invariant($"A region {where} weakly follows a different JPEG grid than the rest of the picture; it is close to what chance alone produces (about {Math.Pow(10, strongest.Log10Nfa):0.##} such regions expected by chance per image) and may be a false alarm.");
            return new ForensicFinding(Method, band, summary, Limits, details);
        }

        if (result.MainGridX != 0 || result.MainGridY != 0)
        {
            return new ForensicFinding(
                Method,
                EvidenceBand.Inconclusive,
                Invariant($"The JPEG grid is shifted to origin ({result.MainGridX}, {result.MainGridY}): the picture was cropped after an earlier JPEG compression. No region with a different grid."),
                Limits,
                details);
        }

        return new ForensicFinding(Method, EvidenceBand.NoEvidenceFound, "One JPEG grid covers the whole picture; no region follows a different grid.", Limits, details);
    }

    /// <summary>
    /// Cells of the analysed area coloured by the share of their voting pixels that vote for another
    /// grid than the main one (0 = all agree, 1 = all disagree; grey = fewer than 16 voters, e.g. flat
    /// areas), with the detected regions outlined.
    /// </summary>
    internal static ForensicMap VoteMap(JpegGridResult result)
    {
        var (width, height) = (result.MaskWidth, result.MaskHeight);
        var cell = SignalMap.CellSizeFor(width, height, 16, 64);
        var (columns, rows) = ((width + cell - 1) / cell, (height + cell - 1) / cell);
        var voters = new int[columns * rows];
        var others = new int[columns * rows];
        var mask = result.Mask as byte[] ?? [.. result.Mask];
        for (var y = 0; y < height; y++)
        {
            var row = mask.AsSpan(y * width, width);
            var cellRow = (y / cell) * columns;
            for (var x = 0; x < row.Length; x++)
            {
                var vote = row[x];
                if (vote != 0)
                {
                    voters[cellRow + (x / cell)]++;
                    if (vote != 255)
                    {
                        others[cellRow + (x / cell)]++;
                    }
                }
            }
        }

        var values = new float[columns * rows];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = voters[i] < 16 ? float.NaN : others[i] / (float)voters[i];
        }

        var map = new SignalMap(values, columns, rows, cell);
        var outlines = new List<(int X, int Y, int Width, int Height)>(result.Regions.Count);
        foreach (var region in result.Regions)
        {
            outlines.Add((region.X, region.Y, region.Width, region.Height));
        }

        return new ForensicMap(Method, "Pixels voting for another JPEG grid (analysed area)", SignalMapFindings.Render(map, 0, 1, outlines), 0, 1, "share of voting pixels", map);
    }

    private static (byte[] Luma, int Width, int Height, int OffsetX, int OffsetY) Luma(DecodedImage image)
    {
        var width = Math.Min(image.Width, MaxSide);
        var height = Math.Min(image.Height, MaxSide);
        var offsetX = ((image.Width - width) / 2) & ~7;
        var offsetY = ((image.Height - height) / 2) & ~7;
        var luma = new byte[width * height];
        var pixels = image.Pixels;
        var channels = image.Format == Core.Hashing.Pdq.PixelFormat.Grey8 ? 1 : 3;
        for (var y = 0; y < height; y++)
        {
            var source = (((y + offsetY) * image.Width) + offsetX) * channels;
            var target = y * width;
            for (var x = 0; x < width; x++)
            {
                if (channels == 1)
                {
                    luma[target + x] = pixels[source + x];
                }
                else
                {
                    var p = source + (3 * x);
                    luma[target + x] = (byte)(((299 * pixels[p]) + (587 * pixels[p + 1]) + (114 * pixels[p + 2]) + 500) / 1000);
                }
            }
        }

        return (luma, width, height, offsetX, offsetY);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
