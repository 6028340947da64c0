using Haechi.Core.Forensics;

namespace Haechi.Media.Forensics;

/// <summary>Turns a C2PA verification into a finding a reviewer can read.</summary>
internal static class C2paFinding
{
    private const string Method = "c2pa";

    private const string Limits =
        "Content credentials prove only what the signer declared and that nothing changed since signing. " +
        "The signer's certificate is checked only against trust anchors the investigator configures (--trust-anchors); without them, or when it does not chain to one, " +
        "the signer's identity is only what the certificate claims. Revocation is never checked and validity dates are checked at analysis time, not signing time. " +
        "Most files carry no credentials; stripping them leaves no trace.";

    public static ForensicFinding Create(byte[] bytes, C2paTrustAnchors? trust = null)
    {
        C2paResult? result;
        try
        {
            result = C2paVerifier.Verify(bytes, trust);
        }
        catch (ForensicFormatException ex)
        {
            return new ForensicFinding(Method, EvidenceBand.Inconclusive, "A C2PA manifest is present but cannot be read: " + ex.Message, Limits);
        }

        if (result is null)
        {
            return new ForensicFinding(Method, EvidenceBand.NoEvidenceFound, "No C2PA content credentials in the file.", Limits);
        }

        var details = new List<KeyValuePair<string, string>>
        {
            new("container", result.Container),
            new("signature", Word(result.Signature)),
            new("assertion hashes", Word(result.Assertions)),
            new("hard binding (file hash)", Word(result.HardBinding)),
            new("signer trust", TrustWord(result.Trust) + ": " + result.TrustExplanation),
        };
        Add(details, "claim generator", result.ClaimGenerator);
        Add(details, "signer", result.Signer);
        Add(details, "issuer", result.Issuer);
        details.AddRange(result.Actions.Select(a => new KeyValuePair<string, string>("action", a)));
        details.AddRange(result.Problems.Select(p => new KeyValuePair<string, string>("problem", p)));

        if (result.Signature == C2paCheck.Invalid || result.Assertions == C2paCheck.Invalid || result.HardBinding == C2paCheck.Invalid)
        {
            return new ForensicFinding(
                Method,
                EvidenceBand.StrongEvidenceOfManipulation,
                "The content credentials are broken: " + FirstProblem(result),
                Limits,
                details);
        }

        var ai = result.DigitalSourceTypes.Where(c => DigitalSourceTypes.Interpret(c).Band == EvidenceBand.StrongEvidenceOfManipulation).ToList();
        var generator = result.ClaimGenerator ?? "an unnamed tool";
        if (result.Signature != C2paCheck.Valid || result.Assertions != C2paCheck.Valid || result.HardBinding != C2paCheck.Valid)
        {
            var band = ai.Count > 0 ? EvidenceBand.StrongEvidenceOfManipulation : EvidenceBand.Inconclusive;
            return new ForensicFinding(
                Method,
                band,
                "Content credentials from " + generator + " are present but could not be fully verified: " + FirstProblem(result) +
                (ai.Count > 0 ? " They declare generative AI content (" + string.Join(", ", ai) + ")." : string.Empty),
                Limits,
                details);
        }

        if (ai.Count > 0)
        {
            return new ForensicFinding(
                Method,
                EvidenceBand.StrongEvidenceOfManipulation,
                "Valid content credentials signed by " + (result.Signer ?? "an unknown signer") + " declare generative AI content (" + string.Join(", ", ai) + "), made with " + generator + ". Signer: " + TrustWord(result.Trust) + ".",
                Limits,
                details);
        }

        var edited = result.Actions.Any(a => !a.StartsWith("c2pa.created", StringComparison.Ordinal) && !a.StartsWith("c2pa.opened", StringComparison.Ordinal));
        return new ForensicFinding(
            Method,
            edited ? EvidenceBand.Inconclusive : EvidenceBand.NoEvidenceFound,
            "Valid content credentials signed by " + (result.Signer ?? "an unknown signer") + ", made with " + generator + "; the file is unchanged since signing. Signer: " + TrustWord(result.Trust) + "." +
            (edited ? " They declare edits: " + string.Join("; ", result.Actions.Take(5)) + "." : string.Empty),
            Limits,
            details);
    }

    private static string FirstProblem(C2paResult result) => result.Problems.Count > 0 ? result.Problems[0] : "no reason given.";

    private static void Add(List<KeyValuePair<string, string>> details, string key, string? value)
    {
        if (value is not null)
        {
            details.Add(new(key, value));
        }
    }

    /// <summary>The plain wording of a trust status, as shown in reports.</summary>
    public static string TrustWord(C2paTrustStatus status) => status switch
    {
        C2paTrustStatus.Trusted => "trusted (revocation unknown)",
        C2paTrustStatus.UntrustedSigner => "untrusted signer",
        C2paTrustStatus.Expired => "expired certificate (revocation unknown)",
        _ => "identity not checked (no trust anchors)",
    };

    private static string Word(C2paCheck check) => check switch
    {
        C2paCheck.Valid => "valid",
        C2paCheck.Invalid => "INVALID",
        _ => "unverifiable",
    };
}
