namespace Haechi.Core.Forensics;

/// <summary>
/// How strongly one finding speaks to manipulation. There is deliberately no "authentic" band:
/// no method here can prove that an image is untouched, only that it found nothing.
/// </summary>
public enum EvidenceBand
{
    /// <summary>The method ran and found nothing that points to manipulation or generation.</summary>
    NoEvidenceFound,

    /// <summary>Something worth a look, or the method could not decide (unverifiable, weak signal).</summary>
    Inconclusive,

    /// <summary>The file itself declares or proves generation or editing (generator metadata, broken seal).</summary>
    StrongEvidenceOfManipulation,
}

/// <summary>The exact wording of each band, used in JSON and in reports.</summary>
public static class EvidenceBandText
{
    /// <summary>Text for <see cref="EvidenceBand.NoEvidenceFound"/>.</summary>
    public const string NoEvidenceFound = "no evidence found";

    /// <summary>Text for <see cref="EvidenceBand.Inconclusive"/>.</summary>
    public const string Inconclusive = "inconclusive";

    /// <summary>Text for <see cref="EvidenceBand.StrongEvidenceOfManipulation"/>.</summary>
    public const string StrongEvidenceOfManipulation = "strong evidence of manipulation";

    /// <summary>The band's wording.</summary>
    public static string ToText(this EvidenceBand band) => band switch
    {
        EvidenceBand.NoEvidenceFound => NoEvidenceFound,
        EvidenceBand.Inconclusive => Inconclusive,
        EvidenceBand.StrongEvidenceOfManipulation => StrongEvidenceOfManipulation,
        _ => ThrowHelper.ThrowArgumentOutOfRange<string>(nameof(band)),
    };
}
