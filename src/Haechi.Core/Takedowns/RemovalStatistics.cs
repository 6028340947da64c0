namespace Haechi.Core.Takedowns;

/// <summary>Age brackets of open (still online) noticed items, as the statistics page shows them.</summary>
public enum OpenAgeBucket
{
    /// <summary>Less than one day since the first notice.</summary>
    UnderOneDay = 0,

    /// <summary>One to three days.</summary>
    OneToThreeDays = 1,

    /// <summary>Three to seven days.</summary>
    ThreeToSevenDays = 2,

    /// <summary>Seven to thirty days.</summary>
    SevenToThirtyDays = 3,

    /// <summary>Thirty days or more.</summary>
    ThirtyDaysOrMore = 4,
}

/// <summary>
/// Pure figures for the statistics page: percentiles of time to removal and open items by age.
/// Percentiles interpolate linearly between the closest ranks (Hyndman and Fan's type 7, the
/// default of R, NumPy and spreadsheet PERCENTILE.INC), so the median of an even count is the mean
/// of the two middle values.
/// </summary>
public static class RemovalStatistics
{
    /// <summary>Number of <see cref="OpenAgeBucket"/> values.</summary>
    public const int AgeBucketCount = 5;

    /// <summary>The <paramref name="p"/>-quantile (0..1) of values sorted ascending; NaN when empty.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is outside 0..1.</exception>
    public static double PercentileOfSorted(ReadOnlySpan<double> sorted, double p)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(p, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(p, 1);
        if (sorted.IsEmpty)
        {
            return double.NaN;
        }

        var rank = p * (sorted.Length - 1);
        var below = (int)Math.Floor(rank);
        var above = Math.Min(below + 1, sorted.Length - 1);
        var fraction = rank - below;
        return sorted[below] + ((sorted[above] - sorted[below]) * fraction);
    }

    /// <summary>The <paramref name="p"/>-quantile of durations in any order (sorted in place); null when empty.</summary>
    public static TimeSpan? Percentile(Span<double> hours, double p)
    {
        if (hours.IsEmpty)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(p, 0);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(p, 1);
            return null;
        }

        hours.Sort();
        return TimeSpan.FromHours(PercentileOfSorted(hours, p));
    }

    /// <summary>The bracket an open item of age <paramref name="age"/> falls in (negative ages count as under a day).</summary>
    public static OpenAgeBucket BucketOf(TimeSpan age) => age.TotalDays switch
    {
        < 1 => OpenAgeBucket.UnderOneDay,
        < 3 => OpenAgeBucket.OneToThreeDays,
        < 7 => OpenAgeBucket.ThreeToSevenDays,
        < 30 => OpenAgeBucket.SevenToThirtyDays,
        _ => OpenAgeBucket.ThirtyDaysOrMore,
    };

    /// <summary>Counts items by age bracket: <paramref name="since"/> holds each item's start, <paramref name="counts"/> gets <see cref="AgeBucketCount"/> counts.</summary>
    public static void CountByAge(ReadOnlySpan<DateTimeOffset> since, DateTimeOffset now, Span<int> counts)
    {
        if (counts.Length < AgeBucketCount)
        {
            throw new ArgumentException($"Room for {AgeBucketCount} counts is needed.", nameof(counts));
        }

        counts[..AgeBucketCount].Clear();
        foreach (var start in since)
        {
            counts[(int)BucketOf(now - start)]++;
        }
    }
}
