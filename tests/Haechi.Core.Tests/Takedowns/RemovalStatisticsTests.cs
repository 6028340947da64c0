using Haechi.Core.Hashing;
using Haechi.Core.Takedowns;

namespace Haechi.Core.Tests.Takedowns;

public sealed class RemovalStatisticsTests
{
    [Theory]
    [InlineData(0.5, 2.5)]
    [InlineData(0.0, 1.0)]
    [InlineData(1.0, 4.0)]
    [InlineData(0.9, 3.7)]
    [InlineData(0.25, 1.75)]
    public void PercentileOfSorted_FourValues_InterpolatesLikeType7(double p, double expected) =>
        Assert.Equal(expected, RemovalStatistics.PercentileOfSorted([1, 2, 3, 4], p), 9);

    [Fact]
    public void PercentileOfSorted_OddCount_MedianIsMiddle_EmptyIsNaN()
    {
        Assert.Equal(5, RemovalStatistics.PercentileOfSorted([1, 5, 100], 0.5));
        Assert.True(double.IsNaN(RemovalStatistics.PercentileOfSorted([], 0.5)));
        Assert.Equal(7, RemovalStatistics.PercentileOfSorted([7], 0.9));
    }

    [Fact]
    public void Percentile_Unsorted_SortsAndMatchesReference()
    {
        var random = new Random(11);
        var values = new double[101];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = random.NextDouble() * 100;
        }

        var reference = values.Order().ToArray();
        var median = RemovalStatistics.Percentile(values.AsSpan(), 0.5);
        var p90 = RemovalStatistics.Percentile(values.AsSpan(), 0.9);
        Assert.Equal(reference[50], median!.Value.TotalHours, 6);
        Assert.Equal(reference[90], p90!.Value.TotalHours, 6);
        Assert.Null(RemovalStatistics.Percentile([], 0.5));
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(1.5)]
    public void PercentileOfSorted_POutsideRange_Throws(double p) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RemovalStatistics.PercentileOfSorted([1.0], p));

    [Fact]
    public void CountByAge_EdgesFallInTheUpperBracket()
    {
        var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        DateTimeOffset[] since =
        [
            now.AddHours(-23), now.AddDays(-1), now.AddDays(-2.9), now.AddDays(-3), now.AddDays(-6),
            now.AddDays(-7), now.AddDays(-29), now.AddDays(-30), now.AddDays(-400), now.AddHours(1),
        ];
        Span<int> counts = stackalloc int[RemovalStatistics.AgeBucketCount];
        counts.Fill(99);
        RemovalStatistics.CountByAge(since, now, counts);
        Assert.Equal([2, 2, 2, 2, 2], counts.ToArray());
        Assert.Equal(OpenAgeBucket.ThirtyDaysOrMore, RemovalStatistics.BucketOf(TimeSpan.FromDays(30)));
        Assert.Throws<ArgumentException>(() => RemovalStatistics.CountByAge(since, now, new int[3]));
    }

    [Fact]
    public void ShareRemovedWithin_CountsOnlyItemsWhoseOutcomeIsKnown()
    {
        var now = new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
        DateTimeOffset[] noticed = [now.AddHours(-100), now.AddHours(-100), now.AddHours(-100), now.AddHours(-10), now.AddHours(-30), now.AddHours(-5)];
        DateTimeOffset?[] removed = [now.AddHours(-90), now.AddHours(-52), null, null, null, now.AddHours(-1)];
        // 24 h: removed after 10 h (in), after 48 h exactly (out), open 100 h (out), open 10 h (unknown), open 30 h (out), removed after 4 h (in).
        Assert.Equal(new RemovalShare(2, 5), RemovalStatistics.ShareRemovedWithin(noticed, removed, now, TimeSpan.FromHours(24)));
        // 48 h: the removal at exactly 48 h counts as within; the item open for 30 h is unknown yet.
        Assert.Equal(new RemovalShare(3, 4), RemovalStatistics.ShareRemovedWithin(noticed, removed, now, TimeSpan.FromHours(48)));
        Assert.Equal(0.75, RemovalStatistics.ShareRemovedWithin(noticed, removed, now, TimeSpan.FromHours(48)).Fraction);
        Assert.Null(RemovalStatistics.ShareRemovedWithin([], [], now, TimeSpan.FromHours(24)).Fraction);
        Assert.Throws<ArgumentException>(() => RemovalStatistics.ShareRemovedWithin(noticed, removed.AsSpan(0, 2), now, TimeSpan.FromHours(24)));
    }

    [Fact]
    public void Reappeared_SameHostAfterRemoval_BySha256PdqOrEntry()
    {
        var at = new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
        var pdq = new Hash256(0x0123456789ABCDEF, 0xFEDCBA9876543210, 0x1111111111111111, 0x2222222222222222);
        var sha = new Hash256(1, 2, 3, 4);
        var removed = new ContentSighting("a.example", at, sha, pdq, 7);
        var near = new Hash256(pdq[0] ^ 0x7FFF_FFFF, pdq[1], pdq[2], pdq[3]); // 31 bits apart
        var far = new Hash256(pdq[0] ^ 0xFFFF_FFFF, pdq[1], pdq[2], pdq[3]); // 32 bits apart
        Assert.True(RemovalStatistics.Reappeared(removed, [new("A.EXAMPLE", at.AddSeconds(1), sha, null, null)]));
        Assert.True(RemovalStatistics.Reappeared(removed, [new("a.example", at.AddHours(1), null, near, null)]));
        Assert.True(RemovalStatistics.Reappeared(removed, [new("a.example", at.AddHours(1), null, null, 7)]));
        Assert.False(RemovalStatistics.Reappeared(removed, [new("a.example", at.AddHours(1), null, far, 8)]));
        Assert.False(RemovalStatistics.Reappeared(removed, [new("a.example", at, sha, pdq, 7)]));            // not after the removal
        Assert.False(RemovalStatistics.Reappeared(removed, [new("b.example", at.AddHours(1), sha, pdq, 7)])); // another host
        Assert.False(RemovalStatistics.Reappeared(removed with { Sha256 = null, Pdq = null, EntryId = null }, [new("a.example", at.AddHours(1), sha, pdq, 7)]));
    }
}
