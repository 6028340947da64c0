using System.Diagnostics;
using Haechi.Core.Forensics;
using Haechi.Media.Forensics;
using Haechi.Media.Images;

namespace Haechi.Media.Tests.Forensics;

/// <summary>
/// Measured: JPEG-grid localisation on generated splices (an elliptical "face" region pasted from
/// another JPEG at a misaligned offset, saved losslessly) and false alarms on untouched images.
/// </summary>
public sealed class JpegGridSpliceTests
{
    private const int Size = 256;
    private const int Count = 20;
    private static readonly ImageDecodeOptions Raw = ImageDecodeOptions.Default with { MinWorkingSide = 0, Orientation = OrientationMode.Ignore };

    /// <summary>Textured RGB picture (waves + seeded noise) encoded by libvips at <paramref name="quality"/> and decoded back.</summary>
    private static byte[] DecodedJpeg(int seed, int quality)
    {
        var random = new Random(seed);
        var rgb = new byte[Size * Size * 3];
        for (var y = 0; y < Size; y++)
        {
            for (var x = 0; x < Size; x++)
            {
                var baseValue = 120 + (50 * Math.Sin((x + (seed * 13)) / 9.0)) + (40 * Math.Cos((y - (seed * 7)) / 13.0));
                for (var c = 0; c < 3; c++)
                {
                    rgb[(((y * Size) + x) * 3) + c] = (byte)Math.Clamp(baseValue + (c * 15) + random.Next(-20, 21), 0, 255);
                }
            }
        }

        return ImageDecoder.Decode(SyntheticImages.EncodeJpeg(rgb, Size, Size, quality), Raw).Pixels;
    }

    private static (byte[] Png, int X, int Y, int W, int H) Splice(int seed)
    {
        var random = new Random(1000 + seed);
        var background = DecodedJpeg(seed, random.Next(75, 96));
        var donor = DecodedJpeg(seed + 500, random.Next(75, 96));
        int w = random.Next(64, 97), h = random.Next(72, 105);
        int px = random.Next(16, Size - w - 16), py = random.Next(16, Size - h - 16);
        int sx, sy;
        do
        {
            sx = random.Next(0, 16);
            sy = random.Next(0, 16);
        }
        while (sx % 8 == 0 && sy % 8 == 0);

        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                var dx = ((x + 0.5) / w) - 0.5;
                var dy = ((y + 0.5) / h) - 0.5;
                if ((dx * dx) + (dy * dy) > 0.25)
                {
                    continue; // outside the ellipse: keep the background
                }

                var target = (((py + y) * Size) + px + x) * 3;
                var source = (((Math.Min(Size - 1, py + y + sy) * Size) + Math.Min(Size - 1, px + x + sx)) * 3);
                background.AsSpan(source, 3).CopyTo(background.AsSpan(target, 3));
            }
        }

        return (SyntheticImages.EncodePng(background, Size, Size), px, py, w, h);
    }

    private static ForensicFinding Grid(byte[] file) => Assert.Single(new ForensicAnalyzer().Analyze(file).Findings, f => f.Method == "jpeg-grid");

    [Fact]
    public void Analyze_GeneratedSplices_LocalisesAtLeastNinetyPercent()
    {
        var hits = 0;
        var timer = Stopwatch.StartNew();
        for (var i = 0; i < Count; i++)
        {
            var (png, x, y, w, h) = Splice(i);
            var finding = Grid(png);
            var regions = finding.Details.Where(d => d.Key == "region").Select(d => d.Value).ToList();
            if (finding.Band == EvidenceBand.StrongEvidenceOfManipulation && regions.Any(r => Overlaps(r, x, y, w, h)))
            {
                hits++;
            }
        }

        var rate = (double)hits / Count;
        TestContext.Current.SendDiagnosticMessage($"jpeg-grid splices: {hits}/{Count} localised ({rate:P0}), {timer.Elapsed.TotalMilliseconds / Count:F0} ms per {Size}x{Size} image");
        Assert.True(rate >= 0.9, $"{hits}/{Count}");
    }

    [Fact]
    public void Analyze_Splice_VoteMapHighInsideThePastedRegionLowOutside()
    {
        var (png, x, y, w, h) = Splice(0);
        var report = new ForensicAnalyzer().Analyze(png);
        var map = Assert.Single(report.Maps, m => m.Method == "jpeg-grid");
        using (var rendered = NetVips.Image.NewFromBuffer(map.Png))
        {
            Assert.True(rendered.Width > 10 && rendered.Height > 10);
        }

        var values = map.Values;
        double inside = 0, outside = 0;
        int insideCount = 0, outsideCount = 0;
        for (var row = 0; row < values.Rows; row++)
        {
            for (var column = 0; column < values.Columns; column++)
            {
                var v = values.Values[(row * values.Columns) + column];
                if (float.IsNaN(v))
                {
                    continue;
                }

                // Cells inside the middle of the pasted ellipse, or wholly outside its box (the analysed area starts at 0, 0 here).
                int cx = column * values.CellSize, cy = row * values.CellSize, cs = values.CellSize;
                if (cx >= x + (w / 5) && cy >= y + (h / 5) && cx + cs <= x + w - (w / 5) && cy + cs <= y + h - (h / 5))
                {
                    inside += v;
                    insideCount++;
                }
                else if (cx + cs <= x || cy + cs <= y || cx >= x + w || cy >= y + h)
                {
                    outside += v;
                    outsideCount++;
                }
            }
        }

        Assert.True(insideCount > 0 && outsideCount > 0);
        Assert.True(inside / insideCount > 0.5, $"inside {inside / insideCount:F2}");
        Assert.True(outside / outsideCount < 0.2, $"outside {outside / outsideCount:F2}");
    }

    [Fact]
    public void Analyze_UntouchedImages_NoFalseAlarms()
    {
        var alarms = 0;
        for (var i = 0; i < Count; i++)
        {
            var decoded = DecodedJpeg(100 + i, 75 + i);
            var png = SyntheticImages.EncodePng(decoded, Size, Size);
            var jpeg = SyntheticImages.EncodeJpeg(decoded, Size, Size, 90);
            foreach (var file in new[] { png, jpeg })
            {
                if (Grid(file).Band != EvidenceBand.NoEvidenceFound)
                {
                    alarms++;
                }
            }
        }

        TestContext.Current.SendDiagnosticMessage($"jpeg-grid untouched: {alarms}/{2 * Count} false alarms");
        Assert.True(alarms <= 1, $"{alarms}/{2 * Count}");
    }

    [Fact]
    public void Analyze_NeverCompressedPng_NoGridNoEvidence()
    {
        var finding = Grid(SyntheticImages.Png(128, 128, 9));
        Assert.Equal(EvidenceBand.NoEvidenceFound, finding.Band);
    }

    /// <summary>Parses "x X, y Y, WxH: …" and checks the box intersects the pasted rectangle.</summary>
    private static bool Overlaps(string region, int x, int y, int w, int h)
    {
        var parts = region.Split([' ', ',', '×', ':'], StringSplitOptions.RemoveEmptyEntries);
        var rx = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        var ry = int.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture);
        var rw = int.Parse(parts[4], System.Globalization.CultureInfo.InvariantCulture);
        var rh = int.Parse(parts[5], System.Globalization.CultureInfo.InvariantCulture);
        return rx < x + w && x < rx + rw && ry < y + h && y < ry + rh;
    }
}

public sealed class DoubleCompressionTests
{
    private static readonly ImageDecodeOptions Raw = ImageDecodeOptions.Default with { MinWorkingSide = 0, Orientation = OrientationMode.Ignore };

    private static byte[] Texture(int seed)
    {
        var random = new Random(seed);
        var rgb = new byte[256 * 256 * 3];
        for (var i = 0; i < rgb.Length; i++)
        {
            var x = i / 3 % 256;
            var y = i / 3 / 256;
            rgb[i] = (byte)Math.Clamp(120 + (50 * Math.Sin((x + seed) / 9.0)) + (40 * Math.Cos(y / 13.0)) + random.Next(-20, 21), 0, 255);
        }

        return rgb;
    }

    private static ForensicFinding Finding(byte[] jpeg) => Assert.Single(new ForensicAnalyzer().Analyze(jpeg).Findings, f => f.Method == "jpeg-double-compression");

    [Fact]
    public void Analyze_LibvipsRecompressionLadder_DetectsCoarseThenFineAndNotSingle()
    {
        var detected = 0;
        var falseAlarms = 0;
        var cases = 0;
        foreach (var (first, last) in new[] { (50, 90), (60, 90), (70, 95), (50, 80), (40, 75) })
        {
            for (var seed = 0; seed < 2; seed++)
            {
                var rgb = Texture((seed * 31) + first);
                var once = ImageDecoder.Decode(SyntheticImages.EncodeJpeg(rgb, 256, 256, first), Raw).Pixels;
                var twice = SyntheticImages.EncodeJpeg(once, 256, 256, last);
                var single = SyntheticImages.EncodeJpeg(rgb, 256, 256, last);
                cases++;
                detected += Finding(twice).Band == EvidenceBand.Inconclusive ? 1 : 0;
                falseAlarms += Finding(single).Band != EvidenceBand.NoEvidenceFound ? 1 : 0;
            }
        }

        TestContext.Current.SendDiagnosticMessage($"double compression: {detected}/{cases} detected, {falseAlarms}/{cases} false alarms on single compression");
        Assert.True(detected >= cases * 8 / 10, $"{detected}/{cases}");
        Assert.True(falseAlarms <= 1, $"{falseAlarms}/{cases}");
    }

    [Fact]
    public void Analyze_SamplePhotoLikeImages_NoDoubleCompressionFalseAlarm()
    {
        // Regression: `haechi sample` pictures (shapes and waves) once gave false alarms at quality 40 and 90.
        foreach (var quality in new[] { 40, 90 })
        {
            for (var seed = 0; seed < 3; seed++)
            {
                Assert.Equal(EvidenceBand.NoEvidenceFound, Finding(SyntheticImages.Jpeg(1024, 768, seed, quality)).Band);
            }
        }
    }
}
