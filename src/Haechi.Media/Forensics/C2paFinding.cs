using Haechi.Core.Forensics;

namespace Haechi.Media.Forensics;

/// <summary>Turns a C2PA verification into a finding a reviewer can read.</summary>
internal static class C2paFinding
{
    private const string Method = "c2pa";

    private const string Limits =
        "Content credentials prove only what the signer declared and that nothing changed since signing. " +
        "The signer's certificate is not checked against a trust list yet, so its identity is what the certificate claims. " +
        "Most files carry no credentials; stripping them leaves no trace.";

    public static ForensicFinding Create(byte[] bytes)
    {
        C2paResult? result;
        try
        {
            result = C2paVerifier.Verify(bytes);
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
                "Valid content credentials signed by " + (result.Signer ?? "an unknown signer") + " declare generative AI content (" + string.Join(", ", ai) + "), made with " + generator + ".",
                Limits,
                details);
        }

        var edited = result.Actions.Any(a => !a.StartsWith("c2pa.created", StringComparison.Ordinal) && !a.StartsWith("c2pa.opened", StringComparison.Ordinal));
        return new ForensicFinding(
            Method,
            edited ? EvidenceBand.Inconclusive : EvidenceBand.NoEvidenceFound,
            "Valid content credentials signed by " + (result.Signer ?? "an unknown signer") + ", made with " + generator + "; the file is unchanged since signing." +
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

    private static string Word(C2paCheck check) => check switch
    {
        C2paCheck.Valid => "valid",
        C2paCheck.Invalid => "INVALID",
        _ => "unverifiable",
    };
}
