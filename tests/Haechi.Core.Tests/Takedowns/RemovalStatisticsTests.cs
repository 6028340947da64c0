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
}
