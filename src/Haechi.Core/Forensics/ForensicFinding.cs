namespace Haechi.Core.Forensics;

/// <summary>
/// One result of one forensic method: what it found, how strongly that speaks to manipulation,
/// what the method cannot show, and the facts behind it (key/value pairs, in order).
/// </summary>
/// <param name="Method">Stable method id, e.g. <c>png-text</c>, <c>jpeg-quantisation</c>, <c>c2pa</c>.</param>
/// <param name="Band">The evidence band.</param>
/// <param name="Summary">One plain sentence for a reviewer.</param>
/// <param name="Limits">What the method cannot show (shown next to the finding in reports).</param>
/// <param name="Details">Supporting facts; values are truncated by the producers to keep reports bounded.</param>
public sealed record ForensicFinding(
    string Method,
    EvidenceBand Band,
    string Summary,
    string Limits,
    IReadOnlyList<KeyValuePair<string, string>> Details)
{
    /// <summary>A finding without details.</summary>
    public ForensicFinding(string method, EvidenceBand band, string summary, string limits)
        : this(method, band, summary, limits, [])
    {
    }
}
