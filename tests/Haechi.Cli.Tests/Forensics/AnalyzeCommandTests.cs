using System.Text.Json;
using Haechi.Core.Forensics;
using Haechi.Core.Forensics.Png;
using Haechi.Media.Images;
using Haechi.Media.Tests.Forensics;

namespace Haechi.Cli.Tests.Forensics;

public sealed class AnalyzeCommandTests : IDisposable
{
    private static readonly string[] Bands = [EvidenceBandText.StrongEvidenceOfManipulation, EvidenceBandText.Inconclusive, EvidenceBandText.NoEvidenceFound];

    private readonly string _dir = Directory.CreateTempSubdirectory("haechi-analyze-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void Analyze_Json_OneObjectPerFileWithBandsFromTheFixedSet()
    {
        var png = Write("gen.png", ForensicSamples.PngWithText(PngChunkWriter.Text("parameters", ForensicSamples.A1111Parameters)));
        var jpeg = Write("plain.jpg", SyntheticImages.Jpeg(120, 90, 1, quality: 75));
        var (code, output, error) = CliRunner.Run("analyze", "--json", png, jpeg);
        Assert.Equal(0, code);
        Assert.Equal(string.Empty, error);
        var lines = CliRunner.Lines(output);
        Assert.Equal(2, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        using var second = JsonDocument.Parse(lines[1]);
        Assert.Matches("^[0-9a-f]{64}$", first.RootElement.GetProperty("sha256").GetString()!);
        Assert.Matches("^[0-9a-f]{64}$", first.RootElement.GetProperty("pdq").GetString()!);
        // The tools behind the findings, with their versions (libvips as major.minor.micro).
        var tools = first.RootElement.GetProperty("tools");
        Assert.False(string.IsNullOrEmpty(tools.GetProperty("Haechi").GetString()));
        Assert.Matches(@"^\d+\.\d+\.\d+$", tools.GetProperty("libvips").GetString()!);
        Assert.Equal(EvidenceBandText.StrongEvidenceOfManipulation, first.RootElement.GetProperty("band").GetString());
        Assert.Equal(EvidenceBandText.NoEvidenceFound, second.RootElement.GetProperty("band").GetString());
        foreach (var doc in new[] { first, second })
        {
            foreach (var finding in doc.RootElement.GetProperty("findings").EnumerateArray())
            {
                Assert.False(string.IsNullOrEmpty(finding.GetProperty("method").GetString()));
                Assert.Contains(finding.GetProperty("band").GetString(), Bands);
                Assert.False(string.IsNullOrEmpty(finding.GetProperty("summary").GetString()));
            }
        }

        Assert.DoesNotContain("authentic", output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Analyze_Text_PrintsOverallAndFindings()
    {
        var path = Write("c2pa.jpg", C2paTestSigner.SignJpeg(SyntheticImages.Jpeg(96, 64, 2)));
        var (code, output, _) = CliRunner.Run("analyze", path);
        Assert.Equal(0, code);
        Assert.Contains("overall: strong evidence of manipulation", output, StringComparison.Ordinal);
        Assert.Contains("c2pa: Valid content credentials", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_MissingFile_ErrorLineAndExitOneOthersStillAnalysed()
    {
        var good = Write("ok.png", SyntheticImages.Png(64, 64, 5));
        var (code, output, error) = CliRunner.Run("analyze", "--json", Path.Combine(_dir, "missing.jpg"), good);
        Assert.Equal(1, code);
        Assert.Contains("missing.jpg", error, StringComparison.Ordinal);
        Assert.Single(CliRunner.Lines(output));
    }

    [Fact]
    public void Analyze_Report_WritesSelfContainedHtmlWithEscapedContent()
    {
        var hostile = Write("gen.png", ForensicSamples.PngWithText(PngChunkWriter.Text("parameters", "<script>alert(1)</script>\nSteps: 20, Sampler: Euler, Seed: 1")));
        var signed = Write("signed.jpg", C2paTestSigner.SignJpeg(SyntheticImages.Jpeg(96, 64, 2)));
        var tampered = C2paTestSigner.SignJpeg(SyntheticImages.Jpeg(96, 64, 3), "digitalCapture");
        tampered[^10] ^= 0x55;
        var broken = Write("tampered.jpg", tampered);
        var plain = Write("plain.jpg", SyntheticImages.Jpeg(96, 64, 4));
        var report = Path.Combine(_dir, "case.html");
        var (code, _, _) = CliRunner.Run("analyze", "--report", report, hostile, signed, broken, plain);
        Assert.Equal(0, code);
        var html = File.ReadAllText(report);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("How to read this report", html, StringComparison.Ordinal);
        Assert.Contains("Content credentials (C2PA)", html, StringComparison.Ordinal);
        Assert.Contains("The content credentials are broken", html, StringComparison.Ordinal);
        Assert.DoesNotMatch("src=\"(?!data:image/png;base64,)", html);
        Assert.Contains("Noise level map", html, StringComparison.Ordinal);
        Assert.Contains("Error level map", html, StringComparison.Ordinal);
        Assert.DoesNotContain("authentic\"", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Haechi never certifies a picture as real", html, StringComparison.Ordinal);
        Assert.DoesNotContain("means the picture is authentic", html, StringComparison.Ordinal);
        foreach (var band in Bands)
        {
            Assert.Contains(band, html, StringComparison.Ordinal);
        }

        if (Environment.GetEnvironmentVariable("HAECHI_REPORT_COPY") is { Length: > 0 } copy)
        {
            File.Copy(report, copy, overwrite: true);
        }
    }

    [Fact]
    public void Analyze_WatermarkedPng_JsonReportsInvisibleWatermark()
    {
        var bits = Core.Forensics.Watermarks.KnownWatermarks.All.Single(k => k.Name == "SDXL").Bits;
        var png = Write("sdxl.png", SyntheticImages.EncodePng(DwtDctTestEncoder.Embed(SyntheticImages.DrawRgb(320, 288, 9), 320, 288, bits), 320, 288));
        var (code, output, _) = CliRunner.Run("analyze", "--json", png);
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(CliRunner.Lines(output)[0]);
        var finding = doc.RootElement.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("method").GetString() == "invisible-watermark");
        Assert.Equal(EvidenceBandText.StrongEvidenceOfManipulation, finding.GetProperty("band").GetString());
        Assert.Contains("SDXL", finding.GetProperty("summary").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_MissingTrustAnchorFolder_ClearErrorExit2()
    {
        var jpeg = Write("plain.jpg", SyntheticImages.Jpeg(120, 90, 1, quality: 75));
        var (code, _, error) = CliRunner.Run("analyze", "--trust-anchors", Path.Combine(_dir, "nowhere"), jpeg);
        Assert.Equal(2, code);
        Assert.Contains("cannot read the trust anchors", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_Pdf_ChromiumPrintsReportWithPages()
    {
        if (!File.Exists("/usr/bin/chromium") && Environment.GetEnvironmentVariable("HAECHI_CHROMIUM") is null)
        {
            const string Message = "Chromium is not installed (/usr/bin/chromium).";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail(Message);
            }

            Assert.Skip(Message);
        }

        var plain = Write("plain.jpg", SyntheticImages.Jpeg(320, 240, 4));
        var generated = Write("gen.png", ForensicSamples.PngWithText(PngChunkWriter.Text("parameters", ForensicSamples.A1111Parameters)));
        var pdf = Path.Combine(_dir, "case.pdf");
        var (code, _, error) = CliRunner.Run("analyze", "--pdf", pdf, plain, generated);

        Assert.True(code == 0, error);
        var bytes = File.ReadAllBytes(pdf);
        Assert.True(bytes.AsSpan().StartsWith("%PDF-"u8));
        var text = System.Text.Encoding.Latin1.GetString(bytes);
        Assert.Matches(@"/Type\s*/Page[^s]", text);
        if (Environment.GetEnvironmentVariable("HAECHI_REPORT_COPY") is { Length: > 0 } copy)
        {
            File.Copy(pdf, Path.ChangeExtension(copy, ".pdf"), overwrite: true);
        }
    }
}
