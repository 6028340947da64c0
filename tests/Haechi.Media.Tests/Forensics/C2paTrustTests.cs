using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Haechi.Core.Forensics;
using Haechi.Media.Forensics;
using Haechi.Media.Images;

namespace Haechi.Media.Tests.Forensics;

/// <summary>The C2PA signer chain against configured trust anchors: our own CA and leaf certificates, expired and foreign ones, tampered copies.</summary>
public sealed class C2paTrustTests
{
    private static readonly byte[] Jpeg = SyntheticImages.Jpeg(96, 64, 22, quality: 80);
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static X509Certificate2 Ca(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + name + ", O=Haechi tests", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var certificate = request.CreateSelfSigned(Start, Start.AddYears(10));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    private static (ECDsa Key, byte[][] Chain) Leaf(X509Certificate2 ca, DateTimeOffset from, DateTimeOffset to)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Haechi Test Camera, O=Haechi tests", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        using var leaf = request.Create(ca, from, to, [1, 2, 3, 4, 5, 6, 7, 8]);
        return (key, [leaf.Export(X509ContentType.Cert), ca.Export(X509ContentType.Cert)]);
    }

    private static C2paResult Verify(byte[] file, params X509Certificate2[] anchors) =>
        C2paVerifier.Verify(file, new C2paTrustAnchors(anchors, Now)) ?? throw new InvalidOperationException("no manifest");

    [Fact]
    public void Verify_LeafIssuedByConfiguredCa_Trusted()
    {
        using var ca = Ca("Haechi Test Root");
        var result = Verify(C2paTestSigner.SignJpeg(Jpeg, Leaf(ca, Start, Start.AddYears(5)), "digitalCapture"), ca);

        Assert.Equal(C2paCheck.Valid, result.Signature);
        Assert.Equal(C2paTrustStatus.Trusted, result.Trust);
        Assert.Contains("revocation unknown", result.TrustExplanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_AnchorsOfAnotherCa_UntrustedSigner()
    {
        using var ca = Ca("Haechi Test Root");
        using var other = Ca("Somebody Else Root");
        var result = Verify(C2paTestSigner.SignJpeg(Jpeg, Leaf(ca, Start, Start.AddYears(5))), other);

        Assert.Equal(C2paCheck.Valid, result.Signature);
        Assert.Equal(C2paTrustStatus.UntrustedSigner, result.Trust);
    }

    [Fact]
    public void Verify_SelfSignedSignerNotAnAnchor_UntrustedSigner()
    {
        using var ca = Ca("Haechi Test Root");
        var result = Verify(C2paTestSigner.SignJpeg(Jpeg), ca);
        Assert.Equal(C2paTrustStatus.UntrustedSigner, result.Trust);
    }

    [Fact]
    public void Verify_LeafExpiredBeforeAnalysis_Expired()
    {
        using var ca = Ca("Haechi Test Root");
        var result = Verify(C2paTestSigner.SignJpeg(Jpeg, Leaf(ca, Start, Start.AddMonths(6))), ca);
        Assert.Equal(C2paTrustStatus.Expired, result.Trust);
    }

    [Fact]
    public void Verify_NoAnchors_NotChecked()
    {
        using var ca = Ca("Haechi Test Root");
        var result = C2paVerifier.Verify(C2paTestSigner.SignJpeg(Jpeg, Leaf(ca, Start, Start.AddYears(5))))!;
        Assert.Equal(C2paTrustStatus.NotChecked, result.Trust);
    }

    [Fact]
    public void Analyze_TrustedChainButPixelsTampered_StillBrokenCredentials()
    {
        using var ca = Ca("Haechi Test Root");
        var signed = C2paTestSigner.SignJpeg(Jpeg, Leaf(ca, Start, Start.AddYears(5)), "digitalCapture");
        signed[^10] ^= 0x55;
        var analyzer = new ForensicAnalyzer(trust: new C2paTrustAnchors([ca], Now));

        var finding = Assert.Single(analyzer.Analyze(signed).Findings, f => f.Method == "c2pa");

        Assert.Equal(EvidenceBand.StrongEvidenceOfManipulation, finding.Band);
        Assert.Contains(finding.Details, d => d.Key == "signer trust" && d.Value.StartsWith("trusted", StringComparison.Ordinal));
    }

    [Fact]
    public void Analyze_TrustedCapture_SummarySaysTrustedNeverAuthentic()
    {
        using var ca = Ca("Haechi Test Root");
        var analyzer = new ForensicAnalyzer(trust: new C2paTrustAnchors([ca], Now));
        var finding = Assert.Single(analyzer.Analyze(C2paTestSigner.SignJpeg(Jpeg, Leaf(ca, Start, Start.AddYears(5)), "digitalCapture")).Findings, f => f.Method == "c2pa");

        Assert.Equal(EvidenceBand.NoEvidenceFound, finding.Band);
        Assert.Contains("Signer: trusted (revocation unknown).", finding.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain("authentic", finding.Summary, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Load_FolderWithPemAndDer_ReadsBothAndRejectsGarbage()
    {
        using var ca = Ca("Haechi Test Root");
        using var other = Ca("Second Root");
        var folder = Directory.CreateTempSubdirectory("haechi-anchors-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "root.pem"), ca.ExportCertificatePem());
            File.WriteAllBytes(Path.Combine(folder, "second.der"), other.Export(X509ContentType.Cert));
            File.WriteAllText(Path.Combine(folder, "notes.txt"), "ignored");
            var anchors = C2paTrustAnchors.Load(folder, Now);
            Assert.Equal(2, anchors.Anchors.Count);

            File.WriteAllText(Path.Combine(folder, "broken.crt"), "not a certificate");
            Assert.Throws<IOException>(() => C2paTrustAnchors.Load(folder, Now));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
