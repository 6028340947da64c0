using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.Cose;
using System.Security.Cryptography.X509Certificates;
using Haechi.Core.Forensics;
using Haechi.Core.Forensics.C2pa;

namespace Haechi.Media.Forensics;

/// <summary>Outcome of one C2PA check.</summary>
public enum C2paCheck
{
    /// <summary>The check could not be made (missing data, unsupported algorithm or binding).</summary>
    Unverifiable,

    /// <summary>The check passed.</summary>
    Valid,

    /// <summary>The check failed: the file or its credentials changed after signing.</summary>
    Invalid,
}

/// <summary>What the active C2PA manifest of a file says, and which parts verify.</summary>
public sealed record C2paResult
{
    /// <summary>Where the store was found.</summary>
    public required string Container { get; init; }

    /// <summary>Label of the active manifest.</summary>
    public string? ManifestLabel { get; init; }

    /// <summary>The claim generator (software that made the manifest).</summary>
    public string? ClaimGenerator { get; init; }

    /// <summary>Signer certificate subject.</summary>
    public string? Signer { get; init; }

    /// <summary>Signer certificate issuer.</summary>
    public string? Issuer { get; init; }

    /// <summary>COSE signature over the claim.</summary>
    public C2paCheck Signature { get; init; }

    /// <summary>Hashes of the assertions referenced by the claim.</summary>
    public C2paCheck Assertions { get; init; }

    /// <summary>Hard binding: hash of the asset bytes outside the exclusions.</summary>
    public C2paCheck HardBinding { get; init; }

    /// <summary>Actions declared (<c>c2pa.created</c>, <c>c2pa.edited</c>…), with digital source types.</summary>
    public IReadOnlyList<string> Actions { get; init; } = [];

    /// <summary>IPTC digital source type codes declared in actions.</summary>
    public IReadOnlyList<string> DigitalSourceTypes { get; init; } = [];

    /// <summary>Problems met, one sentence each.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>Whether the signer chains to a configured trust anchor.</summary>
    public C2paTrustStatus Trust { get; init; }

    /// <summary>One sentence on the trust check.</summary>
    public string TrustExplanation { get; init; } = "no trust anchors are configured.";
}

/// <summary>
/// Reads and verifies the active C2PA manifest: JUMBF store, CBOR claim, COSE_Sign1 signature
/// (x5chain certificate), assertion hashes, and the <c>c2pa.hash.data</c> hard binding.
/// </summary>
/// <remarks>
/// The signer chain is checked against investigator-configured trust anchors when given
/// (<see cref="C2paTrustAnchors"/>). Not done: trust lists of the C2PA conformance program, OCSP/CRL, timestamps, BMFF and box-hash bindings, ingredient manifests, redactions,
/// update manifests. See docs/forensics.md.
/// </remarks>
public static class C2paVerifier
{
    private const string CoseX5Chain = "x5chain";

    /// <summary>Verifies the store found in <paramref name="file"/>, or returns null when it has none.</summary>
    /// <exception cref="ForensicFormatException">The store exists but is malformed.</exception>
    public static C2paResult? Verify(byte[] file) => Verify(file, trust: null);

    /// <summary>Verifies the store found in <paramref name="file"/> and checks the signer against <paramref name="trust"/>; null when it has none.</summary>
    /// <exception cref="ForensicFormatException">The store exists but is malformed.</exception>
    public static C2paResult? Verify(byte[] file, C2paTrustAnchors? trust)
    {
        ArgumentNullException.ThrowIfNull(file);
        var location = C2paLocator.Find(file);
        return location is null ? null : Verify(file, location, trust);
    }

    private static C2paResult Verify(byte[] file, C2paStoreLocation location, C2paTrustAnchors? trust)
    {
        var store = location.Store;
        var boxes = JumbfReader.Read(store);
        var root = boxes.FirstOrDefault(b => b.IsSuperbox && b.Label == "c2pa")
            ?? throw new ForensicFormatException("The JUMBF data has no 'c2pa' manifest store.");
        var manifest = root.Children.LastOrDefault(b => b.IsSuperbox)
            ?? throw new ForensicFormatException("The manifest store holds no manifest.");
        var problems = new List<string>();
        var claimBox = manifest.Child("c2pa.claim.v2") ?? manifest.Child("c2pa.claim")
            ?? throw new ForensicFormatException("The active manifest has no claim.");
        var claimBytes = ContentBytes(store, claimBox, "cbor") ?? throw new ForensicFormatException("The claim has no CBOR content.");
        if (CborValue.Decode(claimBytes) is not Dictionary<string, object?> claim)
        {
            throw new ForensicFormatException("The claim is not a CBOR map.");
        }

        var (signature, signer, issuer, trustStatus, trustExplanation) = VerifySignature(store, manifest, claimBytes, problems, trust);
        var assertionStore = manifest.Child("c2pa.assertions");
        var assertions = VerifyAssertions(store, claim, assertionStore, problems);
        var binding = VerifyHardBinding(file, store, assertionStore, problems);
        var (actions, sourceTypes) = ReadActions(store, assertionStore);
        return new C2paResult
        {
            Container = location.Container,
            ManifestLabel = manifest.Label,
            ClaimGenerator = ClaimGenerator(claim),
            Signer = signer,
            Issuer = issuer,
            Signature = signature,
            Assertions = assertions,
            HardBinding = binding,
            Actions = actions,
            DigitalSourceTypes = sourceTypes,
            Problems = problems,
            Trust = trustStatus,
            TrustExplanation = trustExplanation,
        };
    }

    private static ReadOnlyMemory<byte>? ContentBytes(byte[] store, JumbfBox superbox, string type) =>
        superbox.Content(type) is { } box ? store.AsMemory(box.PayloadOffset, box.PayloadLength) : null;

    private static string? ClaimGenerator(Dictionary<string, object?> claim)
    {
        if (claim.TryGetValue("claim_generator", out var g) && g is string text)
        {
            return TextExcerpt.Of(text, 200);
        }

        if (claim.TryGetValue("claim_generator_info", out var info))
        {
            var first = info is List<object?> list && list.Count > 0 ? list[0] : info;
            if (first is Dictionary<string, object?> map && map.TryGetValue("name", out var name) && name is string n)
            {
                return TextExcerpt.Of(map.TryGetValue("version", out var v) && v is string version ? n + " " + version : n, 200);
            }
        }

        return null;
    }

    private static (C2paCheck Check, string? Signer, string? Issuer, C2paTrustStatus Trust, string TrustExplanation) VerifySignature(
        byte[] store, JumbfBox manifest, ReadOnlyMemory<byte> claimBytes, List<string> problems, C2paTrustAnchors? trust)
    {
        const string NoCertificate = "there is no readable signer certificate.";
        var signatureBox = manifest.Child("c2pa.signature");
        if (signatureBox is null || ContentBytes(store, signatureBox, "cbor") is not { } coseBytes)
        {
            problems.Add("The manifest has no signature.");
            return (C2paCheck.Unverifiable, null, null, C2paTrustStatus.NotChecked, NoCertificate);
        }

        CoseSign1Message message;
        try
        {
            message = CoseMessage.DecodeSign1(coseBytes.Span);
        }
        catch (CryptographicException ex)
        {
            problems.Add("The signature is not a valid COSE_Sign1 structure: " + TextExcerpt.Of(ex.Message, 200));
            return (C2paCheck.Invalid, null, null, C2paTrustStatus.NotChecked, NoCertificate);
        }

        var certificates = SignerCertificates(message, problems);
        var certificate = certificates.Count > 0 ? certificates[0] : null;
        if (certificate is null)
        {
            return (C2paCheck.Unverifiable, null, null, C2paTrustStatus.NotChecked, NoCertificate);
        }

        try
        {
            var (trustStatus, trustExplanation) = trust is null
                ? (C2paTrustStatus.NotChecked, "no trust anchors are configured.")
                : trust.Evaluate(certificate, [.. certificates.Skip(1)]);
            using AsymmetricAlgorithm? key = (AsymmetricAlgorithm?)certificate.GetECDsaPublicKey() ?? certificate.GetRSAPublicKey();
            if (key is null)
            {
                problems.Add("The signer certificate's key type is not supported (only ECDSA and RSA).");
                return (C2paCheck.Unverifiable, certificate.Subject, certificate.Issuer, trustStatus, trustExplanation);
            }

            try
            {
                var valid = message.Content is null
                    ? message.VerifyDetached(key, claimBytes.Span)
                    : message.VerifyEmbedded(key) && message.Content.Value.Span.SequenceEqual(claimBytes.Span);
                if (!valid)
                {
                    problems.Add("The COSE signature does not match the claim: the claim was altered after signing, or signed by another key.");
                }

                return (valid ? C2paCheck.Valid : C2paCheck.Invalid, certificate.Subject, certificate.Issuer, trustStatus, trustExplanation);
            }
            catch (CryptographicException ex)
            {
                problems.Add("The signature could not be checked: " + TextExcerpt.Of(ex.Message, 200));
                return (C2paCheck.Unverifiable, certificate.Subject, certificate.Issuer, trustStatus, trustExplanation);
            }
        }
        finally
        {
            foreach (var c in certificates)
            {
                c.Dispose();
            }
        }
    }

    /// <summary>Maximum certificates read from x5chain.</summary>
    private const int MaxChain = 10;

    private static List<X509Certificate2> SignerCertificates(CoseSign1Message message, List<string> problems)
    {
        var certificates = new List<X509Certificate2>();
        var label = new CoseHeaderLabel(33);
        if (!message.ProtectedHeaders.TryGetValue(label, out var value) && !message.UnprotectedHeaders.TryGetValue(label, out value))
        {
            problems.Add("The signature carries no " + CoseX5Chain + " certificate, so it cannot be verified.");
            return certificates;
        }

        try
        {
            var reader = new CborReader(value.EncodedValue);
            if (reader.PeekState() == CborReaderState.StartArray)
            {
                reader.ReadStartArray();
                while (reader.PeekState() != CborReaderState.EndArray && certificates.Count < MaxChain)
                {
                    certificates.Add(X509CertificateLoader.LoadCertificate(reader.ReadByteString()));
                }
            }
            else
            {
                certificates.Add(X509CertificateLoader.LoadCertificate(reader.ReadByteString()));
            }
        }
        catch (Exception ex) when (ex is CborContentException or InvalidOperationException or CryptographicException)
        {
            problems.Add("The signer certificate cannot be read: " + TextExcerpt.Of(ex.Message, 200));
            if (certificates.Count > 0)
            {
                // Keep what was read only when the signer itself was readable; later certificates are intermediates.
                return certificates;
            }
        }

        return certificates;
    }

    private static C2paCheck VerifyAssertions(byte[] store, Dictionary<string, object?> claim, JumbfBox? assertionStore, List<string> problems)
    {
        var references = new List<object?>();
        foreach (var key in new[] { "assertions", "created_assertions", "gathered_assertions" })
        {
            if (claim.TryGetValue(key, out var list) && list is List<object?> items)
            {
                references.AddRange(items);
            }
        }

        if (references.Count == 0 || assertionStore is null)
        {
            problems.Add("The claim lists no assertions.");
            return C2paCheck.Unverifiable;
        }

        var result = C2paCheck.Valid;
        foreach (var reference in references)
        {
            if (reference is not Dictionary<string, object?> map || !map.TryGetValue("url", out var u) || u is not string url || !map.TryGetValue("hash", out var h) || h is not byte[] expected)
            {
                problems.Add("An assertion reference is malformed.");
                result = C2paCheck.Invalid;
                continue;
            }

            var label = url[(url.LastIndexOf('/') + 1)..];
            var box = assertionStore.Child(label);
            if (box is null)
            {
                problems.Add("The claim references a missing assertion: " + TextExcerpt.Of(label, 100));
                result = C2paCheck.Invalid;
                continue;
            }

            using var hash = HashFor(map.TryGetValue("alg", out var a) ? a as string : null);
            if (hash is null)
            {
                problems.Add("Unsupported assertion hash algorithm.");
                result = result == C2paCheck.Invalid ? result : C2paCheck.Unverifiable;
                continue;
            }

            // C2PA: the hash covers the assertion superbox's contents (description and content boxes), not its header.
            var actual = hash.ComputeHash(store, box.PayloadOffset, box.PayloadLength);
            if (!CryptographicOperations.FixedTimeEquals(actual, expected))
            {
                problems.Add("Assertion '" + TextExcerpt.Of(label, 100) + "' was altered after signing (hash mismatch).");
                result = C2paCheck.Invalid;
            }
        }

        return result;
    }

    private static C2paCheck VerifyHardBinding(byte[] file, byte[] store, JumbfBox? assertionStore, List<string> problems)
    {
        var box = assertionStore?.Children.FirstOrDefault(c => c.Label is { } l && l.StartsWith("c2pa.hash.data", StringComparison.Ordinal));
        if (box is null)
        {
            var other = assertionStore?.Children.FirstOrDefault(c => c.Label is { } l && l.StartsWith("c2pa.hash.", StringComparison.Ordinal));
            problems.Add(other is null ? "No hard binding to the file's bytes." : "The hard binding (" + TextExcerpt.Of(other.Label!, 60) + ") is not supported yet.");
            return C2paCheck.Unverifiable;
        }

        if (ContentBytes(store, box, "cbor") is not { } content || CborValue.Decode(content) is not Dictionary<string, object?> binding
            || !binding.TryGetValue("hash", out var h) || h is not byte[] expected)
        {
            problems.Add("The hard binding assertion is malformed.");
            return C2paCheck.Invalid;
        }

        var exclusions = new List<(long Start, long Length)>();
        if (binding.TryGetValue("exclusions", out var e) && e is List<object?> list)
        {
            foreach (var item in list)
            {
                if (item is Dictionary<string, object?> range && range.TryGetValue("start", out var s) && s is long start && range.TryGetValue("length", out var l) && l is long length
                    && start >= 0 && length >= 0 && start <= file.Length && length <= file.Length - start)
                {
                    exclusions.Add((start, length));
                }
                else
                {
                    problems.Add("A hard-binding exclusion range is malformed or outside the file.");
                    return C2paCheck.Invalid;
                }
            }
        }

        using var hash = HashFor(binding.TryGetValue("alg", out var a) ? a as string : null);
        if (hash is null)
        {
            problems.Add("Unsupported hard-binding hash algorithm.");
            return C2paCheck.Unverifiable;
        }

        exclusions.Sort();
        long pos = 0;
        foreach (var (start, length) in exclusions)
        {
            if (start < pos)
            {
                problems.Add("Hard-binding exclusion ranges overlap.");
                return C2paCheck.Invalid;
            }

            hash.TransformBlock(file, (int)pos, (int)(start - pos), null, 0);
            pos = start + length;
        }

        hash.TransformFinalBlock(file, (int)pos, (int)(file.Length - pos));
        if (!CryptographicOperations.FixedTimeEquals(hash.Hash, expected))
        {
            problems.Add("The file's bytes do not match the signed hash: the image was changed after it was signed.");
            return C2paCheck.Invalid;
        }

        return C2paCheck.Valid;
    }

    private static HashAlgorithm? HashFor(string? alg) => alg switch
    {
        null or "sha256" => SHA256.Create(),
        "sha384" => SHA384.Create(),
        "sha512" => SHA512.Create(),
        _ => null,
    };

    private static (List<string> Actions, List<string> SourceTypes) ReadActions(byte[] store, JumbfBox? assertionStore)
    {
        var actions = new List<string>();
        var sourceTypes = new List<string>();
        if (assertionStore is null)
        {
            return (actions, sourceTypes);
        }

        foreach (var box in assertionStore.Children)
        {
            if (box.Label is not { } label || !label.StartsWith("c2pa.actions", StringComparison.Ordinal) || ContentBytes(store, box, "cbor") is not { } content)
            {
                continue;
            }

            if (CborValue.Decode(content) is not Dictionary<string, object?> map || !map.TryGetValue("actions", out var list) || list is not List<object?> items)
            {
                continue;
            }

            foreach (var item in items.Take(50))
            {
                if (item is not Dictionary<string, object?> action || !action.TryGetValue("action", out var name) || name is not string actionName)
                {
                    continue;
                }

                var text = TextExcerpt.Of(actionName, 80);
                if (action.TryGetValue("digitalSourceType", out var dst) && dst is string sourceType)
                {
                    var code = MetadataFindings.Code(sourceType);
                    sourceTypes.Add(code);
                    text += " (" + code + ")";
                }

                if (action.TryGetValue("softwareAgent", out var agent))
                {
                    var agentName = agent as string ?? (agent is Dictionary<string, object?> info && info.TryGetValue("name", out var n) ? n as string : null);
                    if (agentName is not null)
                    {
                        text += " by " + TextExcerpt.Of(agentName, 80);
                    }
                }

                actions.Add(text);
            }
        }

        return (actions, sourceTypes);
    }
}
