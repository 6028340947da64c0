using Haechi.Core.Hashing;
using Haechi.Core.Review;

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
/// How many noticed items were removed within a window, of those whose outcome within it is known:
/// removed within the window, or noticed at least the window ago (an item noticed an hour ago and
/// still online is not counted either way yet).
/// </summary>
/// <param name="Within">Items removed within the window after their first notice.</param>
/// <param name="Eligible">Items whose outcome within the window is known (the denominator).</param>
public readonly record struct RemovalShare(int Within, int Eligible)
{
    /// <summary><see cref="Within"/> / <see cref="Eligible"/>; null when nothing is eligible.</summary>
    public double? Fraction => Eligible == 0 ? null : (double)Within / Eligible;
}

/// <summary>
/// Where and when content was seen, with what identifies it: for a removed noticed item, its host,
/// its removal time and the confirmed content's fingerprints; for a later sighting (an ingested item,
/// a review item, another noticed URL), its host, when it was seen and its fingerprints.
/// </summary>
/// <param name="Host">The host, lower case.</param>
/// <param name="At">The removal time (removed item) or when it was seen (sighting).</param>
/// <param name="Sha256">SHA-256 of the bytes, if known.</param>
/// <param name="Pdq">PDQ of the image, if known.</param>
/// <param name="EntryId">The bank entry it matched, if any.</param>
public readonly record struct ContentSighting(string Host, DateTimeOffset At, Hash256? Sha256, Hash256? Pdq, long? EntryId);

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

    /// <summary>
    /// Noticed items removed within <paramref name="window"/> of their first notice, of those whose
    /// outcome is known at <paramref name="now"/> (see <see cref="RemovalShare"/>). <paramref name="firstNoticeAt"/>
    /// and <paramref name="removedAt"/> are parallel (null: not removed).
    /// </summary>
    public static RemovalShare ShareRemovedWithin(ReadOnlySpan<DateTimeOffset> firstNoticeAt, ReadOnlySpan<DateTimeOffset?> removedAt, DateTimeOffset now, TimeSpan window)
    {
        if (firstNoticeAt.Length != removedAt.Length)
        {
            throw new ArgumentException("One removal time (or null) per first notice is needed.", nameof(removedAt));
        }

        int within = 0, eligible = 0;
        for (var i = 0; i < firstNoticeAt.Length; i++)
        {
            if (removedAt[i] is { } removed && removed - firstNoticeAt[i] <= window)
            {
                within++;
                eligible++;
            }
            else if (now - firstNoticeAt[i] >= window)
            {
                eligible++;
            }
        }

        return new RemovalShare(within, eligible);
    }

    /// <summary>
    /// The same content: equal SHA-256, PDQ within <see cref="ReviewRules.SameContentPdqDistance"/>,
    /// or a match to the same bank entry.
    /// </summary>
    public static bool SameContent(in ContentSighting a, in ContentSighting b) =>
        (a.Sha256 is { } sa && b.Sha256 is { } sb && sa.Equals(sb))
        || (a.Pdq is { } pa && b.Pdq is { } pb && Hash256.Distance(pa, pb) <= ReviewRules.SameContentPdqDistance)
        || (a.EntryId is { } ea && b.EntryId is { } eb && ea == eb);

    /// <summary>
    /// Whether removed content came back: a sighting on the same host (ordinal, ignoring case), strictly
    /// after the removal (<paramref name="removed"/>.At), of the same content (<see cref="SameContent"/>).
    /// </summary>
    public static bool Reappeared(in ContentSighting removed, ReadOnlySpan<ContentSighting> sightings)
    {
        foreach (ref readonly var seen in sightings)
        {
            if (seen.At > removed.At && string.Equals(seen.Host, removed.Host, StringComparison.OrdinalIgnoreCase) && SameContent(removed, seen))
            {
                return true;
            }
        }

        return false;
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
