using System.Diagnostics;
using System.Text;
using Haechi.Core.Forensics;
using Haechi.Core.Forensics.Png;
using Haechi.Media.Forensics;
using Haechi.Media.Images;

namespace Haechi.Media.Tests.Forensics;

public sealed class ForensicAnalyzerTests
{
    private static readonly ForensicAnalyzer Analyzer = new();

    private static ForensicFinding Single(ForensicReport report, string method) => Assert.Single(report.Findings, f => f.Method == method);

    [Fact]
    public void Analyze_PlainJpeg_NoEvidenceAndExactQuality()
    {
        var report = Analyzer.Analyze(SyntheticImages.Jpeg(160, 120, 3, quality: 85));
        Assert.Equal("jpeg", report.Format);
        Assert.Equal(EvidenceBand.NoEvidenceFound, report.OverallBand);
        Assert.Matches("^[0-9a-f]{64}$", report.Sha256);
        Assert.Matches("^[0-9a-f]{64}$", report.Pdq!);
        var quant = Single(report, "jpeg-quantisation");
        Assert.Contains("quality 85", quant.Summary, StringComparison.Ordinal);
        Assert.Contains("exactly", quant.Summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(30)]
    [InlineData(60)]
    [InlineData(95)]
    public void Analyze_LibvipsJpegQualityLadder_EstimatesExactQuality(int quality)
    {
        var report = Analyzer.Analyze(SyntheticImages.Jpeg(64, 64, 5, quality));
        Assert.Contains(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"quality {quality} "), Single(report, "jpeg-quantisation").Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_A1111Png_StrongEvidenceWithExcerpt()
    {
        var report = Analyzer.Analyze(ForensicSamples.PngWithText(PngChunkWriter.Text("parameters", ForensicSamples.A1111Parameters)));
        var finding = Single(report, "generator-metadata");
        Assert.Equal(EvidenceBand.StrongEvidenceOfManipulation, finding.Band);
        Assert.Contains("AUTOMATIC1111", finding.Summary, StringComparison.Ordinal);
        Assert.Contains(finding.Details, d => d.Value.Contains("lighthouse", StringComparison.Ordinal));
        Assert.Equal(EvidenceBand.StrongEvidenceOfManipulation, report.OverallBand);
    }

    [Fact]
    public void Analyze_ComfyUiAndNovelAiPng_NamesBothTools()
    {
        var report = Analyzer.Analyze(ForensicSamples.PngWithText(
            PngChunkWriter.InternationalText("prompt", "{\"3\":{\"class_type\":\"KSampler\",\"inputs\":{\"seed\":1}}}", compress: true),
            PngChunkWriter.CompressedText("workflow", "{\"nodes\":[{\"id\":3}]}"),
            PngChunkWriter.Text("Software", "NovelAI")));
        var finding = Single(report, "generator-metadata");
        Assert.Contains("ComfyUI", finding.Summary, StringComparison.Ordinal);
        Assert.Contains("NovelAI", finding.Summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Analyze_StealthAlphaPayload_StrongEvidence(bool compress)
    {
        var report = Analyzer.Analyze(ForensicSamples.RgbaPngWithStealth(80, 60, "{\"Software\":\"NovelAI\",\"steps\":28}", compress));
        var finding = Single(report, "stealth-pnginfo");
        Assert.Equal(EvidenceBand.StrongEvidenceOfManipulation, finding.Band);
        Assert.Contains("NovelAI", finding.Details[0].Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_OpaqueRgbaPng_NoStealthEvidence()
    {
        var report = Analyzer.Analyze(ForensicSamples.RgbaPngWithStealth(80, 60, null, compress: false));
        Assert.Equal(EvidenceBand.NoEvidenceFound, Single(report, "stealth-pnginfo").Band);
        Assert.Equal(EvidenceBand.NoEvidenceFound, report.OverallBand);
    }

    [Theory]
    [InlineData("trainedAlgorithmicMedia", EvidenceBand.StrongEvidenceOfManipulation)]
    [InlineData("compositeWithTrainedAlgorithmicMedia", EvidenceBand.StrongEvidenceOfManipulation)]
    [InlineData("digitalCapture", EvidenceBand.NoEvidenceFound)]
    public void Analyze_XmpDigitalSourceType_BandsByCode(string code, EvidenceBand band)
    {
        var jpeg = ForensicSamples.JpegWithSegments(SyntheticImages.Jpeg(64, 48, 2), ForensicSamples.XmpDigitalSourceType(code));
        var report = Analyzer.Analyze(jpeg);
        var finding = Single(report, "iptc-digital-source-type");
        Assert.Equal(band, finding.Band);
        Assert.Contains(code, finding.Summary, StringComparison.Ordinal);
        Assert.Contains(report.Findings, f => f.Method == "edit-software" && f.Summary.Contains("Test Generator", StringComparison.Ordinal));
    }

    [Fact]
    public void Analyze_ExifUserCommentFromA1111_StrongEvidence()
    {
        var jpeg = ForensicSamples.JpegWithSegments(SyntheticImages.Jpeg(64, 48, 2), ForensicSamples.ExifSegment("GIMP 2.10", ForensicSamples.A1111Parameters));
        var report = Analyzer.Analyze(jpeg);
        var finding = Single(report, "generator-metadata");
        Assert.Equal(EvidenceBand.StrongEvidenceOfManipulation, finding.Band);
        Assert.Contains(finding.Details, d => d.Key == "EXIF UserComment");
        Assert.Contains("GIMP 2.10", Single(report, "edit-software").Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_PhotoshopSegments_ReportedAsEditTraces()
    {
        var app13 = ForensicSamples.Segment(0xED, [.. "Photoshop 3.0\0"u8, .. "8BIM"u8, 0x04, 0x04, 0, 0, 0, 0, 0, 0]);
        var app14 = ForensicSamples.Segment(0xEE, [.. "Adobe"u8, 0, 100, 0, 0, 0, 0, 1]);
        var report = Analyzer.Analyze(ForensicSamples.JpegWithSegments(SyntheticImages.Jpeg(64, 48, 2), app13, app14));
        var finding = Single(report, "edit-software");
        Assert.Equal(EvidenceBand.Inconclusive, finding.Band);
        Assert.Contains(finding.Details, d => d.Key == "JPEG APP13");
        Assert.Contains(finding.Details, d => d.Key == "JPEG APP14");
    }

    [Fact]
    public void Analyze_NotAnImage_ReportsDecodeFindingWithoutThrowing()
    {
        var report = Analyzer.Analyze(Encoding.ASCII.GetBytes("this is not an image at all"));
        Assert.Equal("other", report.Format);
        Assert.Null(report.Pdq);
        Assert.Equal(EvidenceBand.Inconclusive, Single(report, "decode").Band);
    }

    [Fact]
    public void Analyze_TruncatedJpeg_StructureProblemAndDecodeFinding()
    {
        var jpeg = SyntheticImages.Jpeg(200, 150, 4);
        var report = Analyzer.Analyze(jpeg[..(jpeg.Length / 2)]);
        Assert.Equal(EvidenceBand.Inconclusive, Single(report, "jpeg-structure").Band);
    }

    [Fact]
    public void Analyze_GiantXmpAndTextChunks_BoundedTime()
    {
        var bigXmp = ForensicSamples.Segment(0xE1, [.. Encoding.ASCII.GetBytes("http://ns.adobe.com/xap/1.0/\0"), .. Encoding.ASCII.GetBytes("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">" + new string('x', 60_000))]);
        var manyXmp = Enumerable.Repeat(bigXmp, 100).ToArray();
        var jpeg = ForensicSamples.JpegWithSegments(SyntheticImages.Jpeg(64, 48, 2), manyXmp);
        var png = ForensicSamples.PngWithText([.. Enumerable.Range(0, 200).Select(i => PngChunkWriter.CompressedText("Comment", new string('y', 1 << 20)))]);
        var timer = Stopwatch.StartNew();
        var jpegReport = Analyzer.Analyze(jpeg);
        var jpegTime = timer.Elapsed;
        var pngReport = Analyzer.Analyze(png);
        var pngTime = timer.Elapsed - jpegTime;
        TestContext.Current.SendDiagnosticMessage($"giant metadata: jpeg {jpeg.Length} bytes {jpegTime.TotalMilliseconds:F0} ms, png {png.Length} bytes {pngTime.TotalMilliseconds:F0} ms");
        Assert.True(jpegTime < TimeSpan.FromSeconds(15), jpegTime.ToString());
        Assert.True(pngTime < TimeSpan.FromSeconds(15), pngTime.ToString());
        Assert.NotEmpty(jpegReport.Findings);
        Assert.Contains(pngReport.Findings, f => f.Method == "png-structure" && f.Band == EvidenceBand.Inconclusive);
    }
}
