namespace Haechi.Core.Forensics.Sources;

/// <summary>
/// One scale for every source-matching signal, so that candidates found by different signals can be
/// ranked together: 1 = identical, 0.5 = exactly at the signal's match threshold, below 0.5 = not a match.
/// PDQ: 1 − d / (2 × threshold) (distance 0 → 1, at the threshold → 0.5, twice the threshold → 0).
/// Face embedding: 0.5 + 0.5 × (s − threshold) / (1 − threshold) (cosine 1 → 1, at the threshold → 0.5).
/// </summary>
public static class SourceStrength
{
    /// <summary>Default PDQ match threshold (Hamming distance, of 256 bits), as in HMA and the banks.</summary>
    public const int PdqThreshold = 31;

    /// <summary>Strength of a PDQ distance.</summary>
    public static double FromPdqDistance(int distance, int threshold = PdqThreshold)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threshold, 1);
        return Math.Clamp(1 - (distance / (2.0 * threshold)), 0, 1);
    }

    /// <summary>Strength of a cosine similarity between unit face embeddings.</summary>
    public static double FromSimilarity(double similarity, double threshold)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(threshold, 1);
        var strength = similarity >= threshold
            ? 0.5 + (0.5 * (similarity - threshold) / (1 - threshold))
            : 0.5 * (similarity + 1) / (threshold + 1);
        return Math.Clamp(strength, 0, 1);
    }

    /// <summary>True when a strength is at or above the match threshold.</summary>
    public static bool IsMatch(double strength) => strength >= 0.5;
}
