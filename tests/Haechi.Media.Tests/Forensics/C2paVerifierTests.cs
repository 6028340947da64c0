using System.Diagnostics;
using System.Text;
using Haechi.Core.Forensics;
using Haechi.Media.Forensics;
using Haechi.Media.Images;

namespace Haechi.Media.Tests.Forensics;

public sealed class C2paVerifierTests
{
    private static readonly byte[] Jpeg = SyntheticImages.Jpeg(96, 64, 21, quality: 80);

    private static void Replace(byte[] data, string from, string to)
    {
        var at = data.AsSpan().IndexOf(Encoding.ASCII.GetBytes(from));
        Assert.True(at >= 0, from);
        Encoding.ASCII.GetBytes(to).CopyTo(data, at);
    }

    [Fact]
    public void Verify_SignedJpeg_AllChecksValid()
    {
        var result = C2paVerifier.Verify(C2paTestSigner.SignJpeg(Jpeg));
        Assert.NotNull(result);
        Assert.Equal("JPEG APP11", result.Container);
        Assert.Equal(C2paCheck.Valid, result.Signature);
        Assert.Equal(C2paCheck.Valid, result.Assertions);
        Assert.Equal(C2paCheck.Valid, result.HardBinding);
        Assert.Equal(C2paTestSigner.Generator, result.ClaimGenerator);
        Assert.Contains("Haechi Test Signer", result.Signer, StringComparison.Ordinal);
        Assert.Equal(["trainedAlgorithmicMedia"], result.DigitalSourceTypes);
        Assert.Empty(result.Problems);
    }

    [Fact]
    public void Verify_SignedPng_AllChecksValid()
    {
        var result = C2paVerifier.Verify(C2paTestSigner.SignPng(SyntheticImages.Png(64, 48, 3)));
        Assert.NotNull(result);
        Assert.Equal("PNG caBX", result.Container);
        Assert.Equal(C2paCheck.Valid, result.Signature);
        Assert.Equal(C2paCheck.Valid, result.HardBinding);
    }

    [Fact]
    public void Verify_StoreSplitOverSeveralApp11Segments_Reassembles()
    {
        var signed = C2paTestSigner.SignJpeg(Jpeg, padding: 150_000);
        var result = C2paVerifier.Verify(signed);
        Assert.NotNull(result);
        Assert.Equal(C2paCheck.Valid, result.Signature);
        Assert.Equal(C2paCheck.Valid, result.Assertions);
        Assert.Equal(C2paCheck.Valid, result.HardBinding);
    }

    [Fact]
    public void Verify_PixelsChangedAfterSigning_HardBindingInvalid()
    {
        var signed = C2paTestSigner.SignJpeg(Jpeg);
        signed[^10] ^= 0x55;
        var result = C2paVerifier.Verify(signed)!;
        Assert.Equal(C2paCheck.Valid, result.Signature);
        Assert.Equal(C2paCheck.Invalid, result.HardBinding);
    }

    [Fact]
    public void Verify_ClaimAltered_SignatureInvalid()
    {
        var signed = C2paTestSigner.SignJpeg(Jpeg);
        Replace(signed, "Haechi test signer", "Haechi fake signer");
        var result = C2paVerifier.Verify(signed)!;
        Assert.Equal(C2paCheck.Invalid, result.Signature);
    }

    [Fact]
    public void Verify_AssertionAltered_AssertionHashInvalid()
    {
        var signed = C2paTestSigner.SignJpeg(Jpeg);
        Replace(signed, "trainedAlgorithmicMedia", "trainedAlgorithmicMediX");
        var result = C2paVerifier.Verify(signed)!;
        Assert.Equal(C2paCheck.Valid, result.Signature);
        Assert.Equal(C2paCheck.Invalid, result.Assertions);
    }

    [Fact]
    public void Verify_NoCertificate_Unverifiable()
    {
        var result = C2paVerifier.Verify(C2paTestSigner.SignJpeg(Jpeg, includeCertificate: false))!;
        Assert.Equal(C2paCheck.Unverifiable, result.Signature);
        Assert.Contains(result.Problems, p => p.Contains("x5chain", StringComparison.Ordinal));
    }

    [Fact]
    public void Verify_NoManifest_ReturnsNull()
    {
        Assert.Null(C2paVerifier.Verify(Jpeg));
    }

    [Fact]
    public void Verify_RecursiveJumbf_FailsFastWithClearError()
    {
        var box = C2paTestSigner.Superbox("c2pa", "c2pa");
        for (var i = 0; i < 2000; i++)
        {
            box = C2paTestSigner.Superbox("c2pa", "c2pa", box);
        }

        var file = C2paTestSigner.App11Segments(box);
        byte[] hostile = [.. Jpeg.AsSpan(0, 2), .. file, .. Jpeg.AsSpan(2)];
        var timer = Stopwatch.StartNew();
        var error = Assert.Throws<ForensicFormatException>(() => C2paVerifier.Verify(hostile));
        Assert.Contains("nested deeper", error.Message, StringComparison.Ordinal);
        Assert.True(timer.Elapsed < TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void Verify_BoxLengthBeyondStore_FailsWithClearError()
    {
        var store = C2paTestSigner.Superbox("c2pa", "c2pa", C2paTestSigner.Box("cbor", [1, 2, 3]));
        store[^7] = 0x7F; // the cbor box's length byte
        byte[] hostile = [.. Jpeg.AsSpan(0, 2), .. C2paTestSigner.App11Segments(store), .. Jpeg.AsSpan(2)];
        Assert.Throws<ForensicFormatException>(() => C2paVerifier.Verify(hostile));
    }

    [Fact]
    public void Analyze_SignedAiJpeg_StrongEvidenceNamingSigner()
    {
        var report = new ForensicAnalyzer().Analyze(C2paTestSigner.SignJpeg(Jpeg));
        var finding = Assert.Single(report.Findings, f => f.Method == "c2pa");
        Assert.Equal(EvidenceBand.StrongEvidenceOfManipulation, finding.Band);
        Assert.StartsWith("Valid content credentials", finding.Summary, StringComparison.Ordinal);
        Assert.Contains("trainedAlgorithmicMedia", finding.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_SignedCaptureJpeg_NoEvidenceFound()
    {
        var report = new ForensicAnalyzer().Analyze(C2paTestSigner.SignJpeg(Jpeg, "digitalCapture"));
        Assert.Equal(EvidenceBand.NoEvidenceFound, Assert.Single(report.Findings, f => f.Method == "c2pa").Band);
    }

    [Fact]
    public void Analyze_TamperedJpeg_StrongEvidenceBrokenCredentials()
    {
        var signed = C2paTestSigner.SignJpeg(Jpeg, "digitalCapture");
        signed[^10] ^= 0x55;
        var finding = Assert.Single(new ForensicAnalyzer().Analyze(signed).Findings, f => f.Method == "c2pa");
        Assert.Equal(EvidenceBand.StrongEvidenceOfManipulation, finding.Band);
        Assert.Contains("broken", finding.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_RecursiveJumbf_InconclusiveFinding()
    {
        var box = C2paTestSigner.Superbox("c2pa", "c2pa");
        for (var i = 0; i < 100; i++)
        {
            box = C2paTestSigner.Superbox("c2pa", "c2pa", box);
        }

        byte[] hostile = [.. Jpeg.AsSpan(0, 2), .. C2paTestSigner.App11Segments(box), .. Jpeg.AsSpan(2)];
        var finding = Assert.Single(new ForensicAnalyzer().Analyze(hostile).Findings, f => f.Method == "c2pa");
        Assert.Equal(EvidenceBand.Inconclusive, finding.Band);
        Assert.Contains("cannot be read", finding.Summary, StringComparison.Ordinal);
    }
}
