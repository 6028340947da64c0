using Haechi.Core.Signals;

namespace Haechi.Core.Video;

/// <summary>
/// Thresholds of the vPDQ video comparison. The defaults are python-threatexchange's (the
/// implementation HMA uses): frames of quality 50 or more take part, two frames match at a PDQ
/// distance of 31 or less, and a query matches when at least 80% of its frames are found.
/// </summary>
public sealed record VpdqMatchOptions
{
    /// <summary>PDQ's "same image" distance, inclusive.</summary>
    public const int DefaultMaxDistance = SignalType.PdqThreshold;

    /// <summary>PDQ's advice: hashes of lower quality carry too little detail to compare.</summary>
    public const int DefaultMinQuality = 50;

    /// <summary>python-threatexchange's <c>VPDQ_QUERY_MATCH_THRESHOLD_PERCENT</c>.</summary>
    public const double DefaultQueryMatchPercent = 80;

    /// <summary>python-threatexchange's <c>VPDQ_INDEX_MATCH_THRESHOLD_PERCENT</c>.</summary>
    public const double DefaultComparedMatchPercent = 0;

    /// <summary>The defaults.</summary>
    public static VpdqMatchOptions Default { get; } = new();

    /// <summary>Two frames match when their Hamming distance is at most this (upstream C++ uses "less than 31", the same as 30 here).</summary>
    public int MaxDistance { get; init; } = DefaultMaxDistance;

    /// <summary>Frames with a lower quality are left out of both videos before comparing.</summary>
    public int MinQuality { get; init; } = DefaultMinQuality;

    /// <summary>A comparison is a match when at least this share of the query's frames is found in the compared video.</summary>
    public double QueryMatchPercent { get; init; } = DefaultQueryMatchPercent;

    /// <summary>... and at least this share of the compared video's frames is found in the query.</summary>
    public double ComparedMatchPercent { get; init; } = DefaultComparedMatchPercent;
}
