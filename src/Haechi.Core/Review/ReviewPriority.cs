namespace Haechi.Core.Review;

/// <summary>Which signal put an item in the review queue. Stored by its <see cref="ReviewPriority.Name"/>.</summary>
public enum MatchSignal
{
    /// <summary>Nothing matched (a report, or an item scored for nudity only).</summary>
    None = 0,

    /// <summary>The PDQ hash (or one of its dihedral transforms) of a registered photo.</summary>
    Pdq = 1,

    /// <summary>An extra view kept by a bank (crop, canonical, partial...): a transformed copy of a registered photo.</summary>
    View = 2,

    /// <summary>The vPDQ frames of a registered video.</summary>
    Vpdq = 3,

    /// <summary>A face embedding of an enrolled victim (consented), found in content that is not a copy of her photos.</summary>
    Face = 4,

    /// <summary>
    /// No bank and no enrolled face matched, but the nudity score is over the queueing threshold: sexual
    /// content that may show a victim who has not registered. Ordered like <see cref="None"/> (tier 0), below every match.
    /// </summary>
    Nudity = 5,
}

/// <summary>
/// The review priority of a matched item, 0..1, higher first (the possible-minor flag is ordered
/// above it, whatever the priority). Four tiers, each a quarter wide, so a lower tier never
/// overtakes a higher one:
/// <list type="number">
/// <item>0.75..1: a face the victim enrolled herself, on any content (<see cref="ComputeVictimFace"/>), or an enrolled face on sexual content (nudity ≥ <see cref="SexualContent"/>): a new deepfake of her, which no fingerprint can find.</item>
/// <item>0.50..0.75: a fingerprint match (pdq, view, vpdq): a copy of content she registered.</item>
/// <item>0.25..0.50: her face on content not scored as sexual.</item>
/// <item>0..0.25: no match, nudity only (<see cref="MatchSignal.Nudity"/> or <see cref="MatchSignal.None"/>).</item>
/// </list>
/// Within a tier: 0.7 × match score + 0.3 × nudity score, scaled into the tier.
/// </summary>
public static class ReviewPriority
{
    /// <summary>Nudity score (porn + hentai + sexy of the classifier) from which content counts as sexual.</summary>
    public const double SexualContent = 0.5;

    private const double TierWidth = 0.25;

    // Slightly under the tier width, so the best item of a tier stays below the next tier.
    private const double WithinTier = 0.2499;

    /// <summary>The priority of an item matched by <paramref name="signal"/> with <paramref name="matchScore"/> (0..1) and <paramref name="nudity"/> (0..1; 0 when not scored).</summary>
    public static double Compute(MatchSignal signal, double matchScore, double nudity)
    {
        var score = Clamp(matchScore);
        var naked = Clamp(nudity);
        var tier = signal switch
        {
            MatchSignal.Face when naked >= SexualContent => 3,
            MatchSignal.Pdq or MatchSignal.View or MatchSignal.Vpdq => 2,
            MatchSignal.Face => 1,
            _ => 0,
        };
        var within = tier == 0 ? naked : (0.7 * score) + (0.3 * naked);
        return (tier * TierWidth) + (WithinTier * within);
    }

    /// <summary>
    /// The priority of a match with a face the victim enrolled herself (<see cref="Faces.VictimFaces"/>):
    /// the top tier whatever the nudity score. She asked for exactly this, and the nudity classifier
    /// misses many deepfakes (a face pasted on a cropped or stylised body): an analyst sees it first.
    /// Within the tier: 0.7 × similarity + 0.3 × nudity, as the other tiers.
    /// </summary>
    public static double ComputeVictimFace(double similarity, double nudity) =>
        (3 * TierWidth) + (WithinTier * ((0.7 * Clamp(similarity)) + (0.3 * Clamp(nudity))));

    /// <summary>"pdq", "view", "vpdq", "face", "nudity", or null for <see cref="MatchSignal.None"/>.</summary>
    public static string? Name(MatchSignal signal) => signal switch
    {
        MatchSignal.Pdq => "pdq",
        MatchSignal.View => "view",
        MatchSignal.Vpdq => "vpdq",
        MatchSignal.Face => "face",
        MatchSignal.Nudity => "nudity",
        _ => null,
    };

    /// <summary>The signal named <paramref name="name"/>, or <see cref="MatchSignal.None"/>.</summary>
    public static MatchSignal Parse(string? name) => name switch
    {
        "pdq" => MatchSignal.Pdq,
        "view" => MatchSignal.View,
        "vpdq" => MatchSignal.Vpdq,
        "face" => MatchSignal.Face,
        "nudity" => MatchSignal.Nudity,
        _ => MatchSignal.None,
    };

    private static double Clamp(double value) => double.IsNaN(value) ? 0 : Math.Clamp(value, 0, 1);
}
