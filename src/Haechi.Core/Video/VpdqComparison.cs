namespace Haechi.Core.Video;

/// <summary>
/// The result of comparing a query video with another: the share of each video's distinct,
/// good-quality frames that have a match in the other.
/// </summary>
/// <param name="QueryMatchPercent">Percentage (0..100) of the query's frames found in the compared video.</param>
/// <param name="ComparedMatchPercent">Percentage (0..100) of the compared video's frames found in the query.</param>
/// <param name="QueryFrames">Distinct query hashes of sufficient quality that took part.</param>
/// <param name="ComparedFrames">Distinct compared hashes of sufficient quality that took part.</param>
public readonly record struct VpdqComparison(double QueryMatchPercent, double ComparedMatchPercent, int QueryFrames, int ComparedFrames)
{
    /// <summary>
    /// Whether both percentages reach the thresholds of <paramref name="options"/>. A video
    /// without a single good frame matches nothing.
    /// </summary>
    public bool IsMatch(VpdqMatchOptions? options = null)
    {
        options ??= VpdqMatchOptions.Default;
        return QueryFrames > 0 && ComparedFrames > 0 &&
            QueryMatchPercent >= options.QueryMatchPercent &&
            ComparedMatchPercent >= options.ComparedMatchPercent;
    }
}
