using Haechi.Core.Forensics;
using Haechi.Media.Forensics;
using Haechi.Media.Images;
using VipsImage = NetVips.Image;

namespace Haechi.Media.Tests.Forensics;

public sealed class SignalMapFindingsTests
{
    [Fact]
    public void Analyze_Picture_AddsNoiseAndErrorLevelMapsAsPngs()
    {
        var report = new ForensicAnalyzer().Analyze(SyntheticImages.Jpeg(512, 384, 8, quality: 85));

        Assert.Equal(["jpeg-grid", "noise-map", "error-level"], report.Maps.Select(m => m.Method));
        foreach (var map in report.Maps)
        {
            using var png = VipsImage.NewFromBuffer(map.Png);
            Assert.True(png.Width <= SignalMapFindings.MaxCells * 6 && png.Height > 10);
            Assert.True(map.High > map.Low);
            Assert.Equal(EvidenceBand.NoEvidenceFound, Assert.Single(report.Findings, f => f.Method == map.Method).Band);
        }
    }

    [Fact]
    public void ErrorLevel_RegionSavedOnceAmongTwiceSaved_StandsOut()
    {
        // Background saved at quality 60 twice; a 128×128 square pasted from a never-compressed picture.
        const int Size = 512;
        var background = ImageDecoder.Decode(SyntheticImages.EncodeJpeg(SyntheticImages.DrawRgb(Size, Size, 3), Size, Size, 60), ImageDecodeOptions.Default with { MinWorkingSide = 0 }).Pixels;
        var fresh = SyntheticImages.DrawRgb(Size, Size, 4);
        for (var y = 192; y < 320; y++)
        {
            Array.Copy(fresh, ((y * Size) + 192) * 3, background, ((y * Size) + 192) * 3, 128 * 3);
        }

        var report = new ForensicAnalyzer().Analyze(SyntheticImages.EncodePng(background, Size, Size));
        var map = Assert.Single(report.Maps, m => m.Method == "error-level").Values;
        double inside = 0, outside = 0;
        int insideCount = 0, outsideCount = 0;
        for (var row = 0; row < map.Rows; row++)
        {
            for (var column = 0; column < map.Columns; column++)
            {
                var v = map.Values[(row * map.Columns) + column];
                var x = column * map.CellSize;
                var y = row * map.CellSize;
                if (x >= 192 && x + map.CellSize <= 320 && y >= 192 && y + map.CellSize <= 320)
                {
                    inside += v;
                    insideCount++;
                }
                else if (x + map.CellSize <= 192 || x >= 320 || y + map.CellSize <= 192 || y >= 320)
                {
                    outside += v;
                    outsideCount++;
                }
            }
        }

        var ratio = (inside / insideCount) / (outside / outsideCount);
        TestContext.Current.SendDiagnosticMessage($"error level: pasted never-compressed square {inside / insideCount:F2} vs JPEG-60 background {outside / outsideCount:F2} (×{ratio:F2})");
        Assert.True(ratio > 1.5, ratio.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
