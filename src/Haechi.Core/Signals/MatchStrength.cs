namespace Haechi.Core.Signals;

/// <summary>
/// The one scale on which every match is ranked, whatever found it (review priority, report
/// screenshots, ingestion, forensic source search): 1 = identical, 0.5 = exactly at the signal
/// type's threshold, below 0.5 = not a match (forensics ranks near misses too).
/// <list type="bullet">
/// <item>Hamming distance d at threshold T (PDQ, PDQ views, vPDQ frames): 1 − d / (2T), so 0 at 2T.</item>
/// <item>Share p of a video's frames that match, at threshold P: 0.5 + 0.5 × (p − P) / (100 − P); below P, 0.5 × p / P.</item>
/// <item>Cosine s at threshold T (faces): 0.5 + 0.5 × (s − T) / (1 − T); below T, 0.5 × (s + 1) / (T + 1).</item>
/// <item>log10 NFA n at bound B (local features): 0.5 + 0.5 × min(1, (B − n) / 12); above B, 0.5 × n / B (0 at n ≥ 0).</item>
/// </list>
/// A screenshot 16 bits from a registered photo is 1 − 16/62 ≈ 0.74 for every caller.
/// </summary>
public static class MatchStrength
{
    /// <summary>The strength at a signal type's threshold: at or above it is a match.</summary>
    public const double AtThreshold = 0.5;

    // log10 NFA this far below the bound counts as certain (1.0): 12 decades.
    private const double Log10NfaSpan = 12;

    /// <summary>Strength of a Hamming distance at <paramref name="threshold"/>.</summary>
    public static double FromDistance(int distance, int threshold)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(distance);
        ArgumentOutOfRangeException.ThrowIfLessThan(threshold, 1);
        return Math.Clamp(1 - (distance / (2.0 * threshold)), 0, 1);
    }

    /// <summary>Strength of the percent of a video's frames that match, at <paramref name="thresholdPercent"/>.</summary>
    public static double FromFramePercent(double percent, double thresholdPercent)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(thresholdPercent);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(thresholdPercent, 100);
        var p = Math.Clamp(percent, 0, 100);
        return p >= thresholdPercent
            ? 0.5 + (0.5 * (p - thresholdPercent) / (100 - thresholdPercent))
            : 0.5 * p / thresholdPercent;
    }

    /// <summary>Strength of a cosine similarity between unit vectors, at <paramref name="threshold"/>.</summary>
    public static double FromSimilarity(double similarity, double threshold)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(threshold, 1);
        var strength = similarity >= threshold
            ? 0.5 + (0.5 * (similarity - threshold) / (1 - threshold))
            : 0.5 * (similarity + 1) / (threshold + 1);
        return Math.Clamp(strength, 0, 1);
    }

    /// <summary>The cosine similarity a face strength stands for (the inverse of <see cref="FromSimilarity"/> at and above the threshold).</summary>
    public static double ToSimilarity(double strength, double threshold)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(threshold, 1);
        return strength >= AtThreshold
            ? threshold + ((strength - 0.5) * 2 * (1 - threshold))
            : (2 * strength * (threshold + 1)) - 1;
    }

    /// <summary>Strength of a local-feature match's log10 NFA at the bound <paramref name="bound"/> (negative).</summary>
    public static double FromLog10Nfa(double log10Nfa, double bound)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(bound, 0);
        if (double.IsNaN(log10Nfa))
        {
            return 0;
        }

        return log10Nfa <= bound
            ? 0.5 + (0.5 * Math.Min(1, (bound - log10Nfa) / Log10NfaSpan))
            : log10Nfa >= 0 ? 0 : 0.5 * log10Nfa / bound;
    }

    /// <summary>True when a strength is at or above the match threshold.</summary>
    public static bool IsMatch(double strength) => strength >= AtThreshold;
}
