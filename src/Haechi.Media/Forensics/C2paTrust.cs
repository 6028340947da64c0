using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Haechi.Media.Forensics;

/// <summary>Whether the C2PA signer's certificate chains to a trust anchor the investigator configured.</summary>
public enum C2paTrustStatus
{
    /// <summary>No trust anchors were configured, or there was no certificate: identity not checked.</summary>
    NotChecked,

    /// <summary>The chain reaches a configured trust anchor and every certificate is within its validity dates.</summary>
    Trusted,

    /// <summary>The chain does not reach any configured trust anchor (or a link's signature is wrong): the signer's identity is only what the certificate claims.</summary>
    UntrustedSigner,

    /// <summary>The chain reaches a trust anchor, but a certificate is outside its validity dates at the verification time.</summary>
    Expired,
}

/// <summary>
/// Trust anchors for C2PA signer certificates (a folder of PEM/DER certificates) and the time to check
/// validity at. Revocation is never checked (no OCSP/CRL access): results always say "revocation unknown".
/// </summary>
public sealed class C2paTrustAnchors
{
    /// <summary>Largest number of anchor files read from a folder.</summary>
    public const int MaxFiles = 1000;

    /// <summary>Largest anchor file read.</summary>
    public const long MaxFileBytes = 1024 * 1024;

    /// <summary>Anchors from certificates in memory.</summary>
    public C2paTrustAnchors(IEnumerable<X509Certificate2> anchors, DateTimeOffset verificationTime)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        Anchors = [.. anchors];
        VerificationTime = verificationTime;
    }

    /// <summary>The trusted root (or intermediate) certificates.</summary>
    public X509Certificate2Collection Anchors { get; }

    /// <summary>The moment validity dates are checked at (the analysis time: C2PA timestamps are not read yet).</summary>
    public DateTimeOffset VerificationTime { get; }

    /// <summary>Reads every <c>.pem</c>, <c>.crt</c>, <c>.cer</c> and <c>.der</c> file of <paramref name="folder"/> (not recursive).</summary>
    /// <exception cref="IOException">The folder is missing or a file cannot be read as certificates.</exception>
    public static C2paTrustAnchors Load(string folder, DateTimeOffset verificationTime)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException("The trust anchor folder does not exist: " + folder);
        }

        var anchors = new List<X509Certificate2>();
        var files = 0;
        foreach (var path in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
        {
            var extension = Path.GetExtension(path).ToUpperInvariant();
            if (extension is not (".PEM" or ".CRT" or ".CER" or ".DER"))
            {
                continue;
            }

            if (++files > MaxFiles)
            {
                throw new IOException("The trust anchor folder holds more than " + MaxFiles + " certificate files.");
            }

            if (new FileInfo(path).Length > MaxFileBytes)
            {
                throw new IOException("A trust anchor file is larger than 1 MiB: " + Path.GetFileName(path));
            }

            try
            {
                var bytes = File.ReadAllBytes(path);
                if (bytes.AsSpan().IndexOf("-----BEGIN CERTIFICATE-----"u8) >= 0)
                {
                    var collection = new X509Certificate2Collection();
                    collection.ImportFromPem(System.Text.Encoding.ASCII.GetString(bytes));
                    anchors.AddRange(collection);
                }
                else
                {
                    anchors.Add(X509CertificateLoader.LoadCertificate(bytes));
                }
            }
            catch (CryptographicException ex)
            {
                throw new IOException("Not a certificate: " + Path.GetFileName(path) + " (" + ex.Message + ")", ex);
            }
        }

        return new C2paTrustAnchors(anchors, verificationTime);
    }

    /// <summary>Builds the chain from <paramref name="signer"/> through <paramref name="intermediates"/> to an anchor.</summary>
    public (C2paTrustStatus Status, string Explanation) Evaluate(X509Certificate2 signer, IReadOnlyList<X509Certificate2> intermediates)
    {
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(intermediates);
        if (Anchors.Count == 0)
        {
            return (C2paTrustStatus.NotChecked, "no trust anchors are configured.");
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(Anchors);
        foreach (var intermediate in intermediates)
        {
            chain.ChainPolicy.ExtraStore.Add(intermediate);
        }

        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTime = VerificationTime.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        if (chain.Build(signer))
        {
            return (C2paTrustStatus.Trusted, "the signer's certificate chains to the configured anchor " + chain.ChainElements[^1].Certificate.Subject + "; revocation unknown.");
        }

        var flags = X509ChainStatusFlags.NoError;
        foreach (var status in chain.ChainStatus)
        {
            flags |= status.Status;
        }

        const X509ChainStatusFlags TimeFlags = X509ChainStatusFlags.NotTimeValid | X509ChainStatusFlags.NotTimeNested;
        var trustProblems = flags & ~(TimeFlags | X509ChainStatusFlags.RevocationStatusUnknown | X509ChainStatusFlags.OfflineRevocation);
        if (trustProblems == X509ChainStatusFlags.NoError && (flags & TimeFlags) != 0)
        {
            return (C2paTrustStatus.Expired, "the signer's certificate chains to a configured anchor but a certificate is outside its validity dates at " +
                VerificationTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) + " (signing time is not read from timestamps yet); revocation unknown.");
        }

        return (C2paTrustStatus.UntrustedSigner, "the signer's certificate does not chain to any configured trust anchor (" + trustProblems + "): its identity is only what it claims.");
    }
}
