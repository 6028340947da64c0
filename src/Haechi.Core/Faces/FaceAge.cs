namespace Haechi.Core.Faces;

/// <summary>
/// The face model's age estimate and the triage rule built on it (ADR 0013): an item "may show a
/// minor" when the youngest face's estimate is under <see cref="MinorBelow"/>. A triage flag that puts
/// the item first in the review queue, never a verdict: the estimate is often 6 years off and up to
/// 13 under an edit, so a minor can be missed and an adult flagged (ADR 0013 has the figures).
/// </summary>
public static class FaceAge
{
    /// <summary>Bins of the age head: one per year, 0..99.</summary>
    public const int Bins = 100;

    /// <summary>
    /// Estimated age (years) below which a face may show a minor. The model's estimates gather around
    /// a few values about 6 years apart (…, ~17, ~23, ~29, ~35); 20 sits in the gap between the ~17
    /// group (flagged, with everyone the model puts there, 18 and 19 included) and the ~23 group, where
    /// 6 of the 22 adult sample faces fall (flagging it would put a quarter of adults first). ADR 0013.
    /// </summary>
    public const double MinorBelow = 20;

    /// <summary>
    /// Decodes the age head's softmax (one bin per year) as @vladmandic/human does: the peak bin,
    /// moved towards its larger neighbour by ten times that neighbour's probability, rounded to 0.1 year.
    /// </summary>
    /// <param name="bins">The <see cref="Bins"/> probabilities of one face.</param>
    /// <returns>The estimated age in years.</returns>
    /// <exception cref="ArgumentException"><paramref name="bins"/> does not have <see cref="Bins"/> values.</exception>
    public static double Decode(ReadOnlySpan<float> bins)
    {
        if (bins.Length != Bins)
        {
            throw new ArgumentException($"The age head has {Bins} bins, not {bins.Length}.", nameof(bins));
        }

        var peak = 0;
        for (var i = 1; i < bins.Length; i++)
        {
            if (bins[i] > bins[peak])
            {
                peak = i;
            }
        }

        var below = peak > 0 ? bins[peak - 1] : 0;
        var above = peak < Bins - 1 ? bins[peak + 1] : 0;
        var tenths = below > above ? (10.0 * peak) - (100.0 * below) : (10.0 * peak) + (100.0 * above);
        return Math.Round(tenths, MidpointRounding.AwayFromZero) / 10;
    }

    /// <summary>True when the youngest estimate (years) is under <see cref="MinorBelow"/>; false when no face was estimated.</summary>
    public static bool MayShowMinor(double? youngest) => youngest is { } age && !double.IsNaN(age) && age < MinorBelow;

    /// <summary>The youngest of <paramref name="ages"/>, or null when there is none.</summary>
    public static double? Youngest(IEnumerable<double> ages)
    {
        ArgumentNullException.ThrowIfNull(ages);
        double? youngest = null;
        foreach (var age in ages)
        {
            if (!double.IsNaN(age) && (youngest is null || age < youngest))
            {
                youngest = age;
            }
        }

        return youngest;
    }
}
