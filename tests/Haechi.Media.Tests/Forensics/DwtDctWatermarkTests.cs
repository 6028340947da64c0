using System.Globalization;
using Haechi.Core.Forensics;
using Haechi.Core.Forensics.Watermarks;
using Haechi.Media.Forensics;
using Haechi.Media.Images;

namespace Haechi.Media.Tests.Forensics;

/// <summary>
/// The Stable Diffusion invisible watermark: pictures marked by our own encoder, saved losslessly and
/// re-encoded as JPEG quality 90, and unmarked synthetic and reference photos for false matches.
/// </summary>
public sealed class DwtDctWatermarkTests
{
    private static readonly ImageDecodeOptions Raw = ImageDecodeOptions.Default with { MinWorkingSide = 0, Orientation = OrientationMode.Ignore };
    private static readonly ForensicAnalyzer Analyzer = new();

    private static KnownWatermark Known(string name) => KnownWatermarks.All.Single(k => k.Name == name);

    private static DecodedImage Decode(byte[] file) => ImageDecoder.Decode(file, Raw);

    /// <summary>Unmarked pictures: synthetic scenes and the benign reference photos of the PDQ test data.</summary>
    private static IEnumerable<(string Name, byte[] Rgb, int Width, int Height)> Unmarked(int synthetic)
    {
        for (var seed = 0; seed < synthetic; seed++)
        {
            yield return (string.Create(CultureInfo.InvariantCulture, $"synthetic {seed}"), SyntheticImages.DrawRgb(384, 320, 300 + seed), 384, 320);
        }

        var folder = Path.Combine(SharedTestData.Pdq, "images");
        foreach (var path in Directory.EnumerateFiles(folder, "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var image = Decode(File.ReadAllBytes(path));
            if (image.Format == Core.Hashing.Pdq.PixelFormat.Rgb24 && (long)image.Width * image.Height >= DwtDctWatermark.MinPixels)
            {
                yield return (Path.GetFileName(path), image.Pixels, image.Width, image.Height);
            }
        }
    }

    [Fact]
    public void Decode_StableDiffusionV1MarkedPng_RecoversPayloadBytes()
    {
        var rgb = SyntheticImages.DrawRgb(512, 512, 41);
        var marked = DwtDctTestEncoder.Embed(rgb, 512, 512, Known("StableDiffusionV1").Bits);
        var decoded = Decode(SyntheticImages.EncodePng(marked, 512, 512));

        var blocks = DwtDctWatermark.ReadBlockBits(decoded.Pixels, 512, 512, WatermarkChannelOrder.Bgr);
        var expected = Known("StableDiffusionV1").Bits;
        var right = 0;
        for (var k = 0; k < blocks.Length; k++)
        {
            right += blocks[k] == expected[k % 136] ? 1 : 0;
        }

        var bits = DwtDctWatermark.Fold(blocks, 136);
        var agreeing = DwtDctWatermark.Agreement(bits, [.. expected]);
        TestContext.Current.SendDiagnosticMessage($"blocks read right {right}/{blocks.Length}; decoded payload {agreeing}/136 bits: {System.Text.Encoding.ASCII.GetString(DwtDctWatermark.BytesOf(bits))}");

        // The package's embedding is lossy (another coefficient can become the largest), so the decoded
        // payload has errors even without re-encoding; it must still agree far beyond chance.
        Assert.True(right > blocks.Length * 0.7, $"{right}/{blocks.Length}");
        Assert.True(agreeing >= 100, $"{agreeing}/136");
    }

    [Fact]
    public void Analyze_MarkedPng_StrongEvidenceNamingPayload()
    {
        var marked = DwtDctTestEncoder.Embed(SyntheticImages.DrawRgb(400, 300, 42), 400, 300, Known("StableDiffusionV1").Bits);
        var report = Analyzer.Analyze(SyntheticImages.EncodePng(marked, 400, 300));

        var finding = Assert.Single(report.Findings, f => f.Method == "invisible-watermark");
        Assert.Equal(EvidenceBand.StrongEvidenceOfManipulation, finding.Band);
        Assert.Contains("\"StableDiffusionV1\" payload", finding.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_SdxlMarkedWithRgbAsBgr_FoundUnderThatOrder()
    {
        var marked = DwtDctTestEncoder.Embed(SyntheticImages.DrawRgb(320, 320, 43), 320, 320, Known("SDXL").Bits, WatermarkChannelOrder.RgbAsBgr);
        var comparisons = WatermarkSearch.Compare(Decode(SyntheticImages.EncodePng(marked, 320, 320)).Pixels, 320, 320);

        Assert.Equal("SDXL", comparisons[0].Watermark.Name);
        Assert.Equal(WatermarkChannelOrder.RgbAsBgr, comparisons[0].Order);
        Assert.True(comparisons[0].BlockZ > 10, comparisons[0].ToString());
    }

    [Fact]
    public void Analyze_SmallPicture_NotApplicable()
    {
        var report = Analyzer.Analyze(SyntheticImages.Png(200, 200, 5));
        var finding = Assert.Single(report.Findings, f => f.Method == "invisible-watermark");
        Assert.Equal(EvidenceBand.NoEvidenceFound, finding.Band);
        Assert.Contains("smaller than 256×256", finding.Summary, StringComparison.Ordinal);
    }

    /// <summary>Measured: marked pictures re-encoded by libvips at JPEG quality 90 are still found.</summary>
    [Fact]
    public void Detect_MarkedThenJpeg90_FoundInAtLeast90Percent()
    {
        var found = 0;
        var total = 0;
        var bitErrors = 0;
        var bitsRead = 0;
        foreach (var (name, rgb, width, height) in Unmarked(12))
        {
            foreach (var known in KnownWatermarks.All)
            {
                var marked = DwtDctTestEncoder.Embed(rgb, width, height, known.Bits);
                var jpeg = Decode(SyntheticImages.EncodeJpeg(marked, width, height, 90));
                var best = WatermarkSearch.Compare(jpeg.Pixels, width, height)[0];
                var hit = best.Watermark == known && best.Order == WatermarkChannelOrder.Bgr && best.Log10FalseMatchProbability + Math.Log10(WatermarkSearch.Comparisons) < WatermarkFinding.StrongLog10;
                var mine = WatermarkSearch.Compare(jpeg.Pixels, width, height).First(c => c.Watermark == known && c.Order == WatermarkChannelOrder.Bgr);
                bitErrors += mine.Length - mine.Agreeing;
                bitsRead += mine.Length;
                found += hit ? 1 : 0;
                total++;
                if (!hit)
                {
                    TestContext.Current.SendDiagnosticMessage($"missed {known.Name} in {name}: z {mine.BlockZ:F1}, {mine.Agreeing}/{mine.Length}");
                }
            }
        }

        TestContext.Current.SendDiagnosticMessage($"JPEG q90: {found}/{total} marked pictures found, decoded payload bit error rate {(double)bitErrors / bitsRead:P2}");
        Assert.True(found >= total * 0.9, $"{found}/{total}");
    }

    /// <summary>Measured: unmarked pictures never reach the strong threshold; agreement behaves like coin flips.</summary>
    [Fact]
    public void Detect_UnmarkedPictures_NoFalseMatch()
    {
        var worst = 0.0;
        var agreeing = 0;
        var compared = 0;
        var pictures = 0;
        var largestZ = 0.0;
        foreach (var (name, rgb, width, height) in Unmarked(30))
        {
            foreach (var candidate in new[] { rgb, Decode(SyntheticImages.EncodeJpeg(rgb, width, height, 90)).Pixels })
            {
                var comparisons = WatermarkSearch.Compare(candidate, width, height);
                var corrected = comparisons[0].Log10FalseMatchProbability + Math.Log10(WatermarkSearch.Comparisons);
                worst = Math.Min(worst, corrected);
                Assert.True(corrected > WatermarkFinding.StrongLog10, $"{name}: {comparisons[0]}");
                foreach (var c in comparisons)
                {
                    largestZ = Math.Max(largestZ, c.BlockZ);
                    agreeing += c.Agreeing;
                    compared += c.Length;
                }

                pictures++;
            }
        }

        TestContext.Current.SendDiagnosticMessage($"{pictures} unmarked pictures: mean decoded bit agreement {(double)agreeing / compared:P1}, largest block contrast z {largestZ:F1}, most significant corrected false-match probability 10^{worst:F1}");
    }
}
