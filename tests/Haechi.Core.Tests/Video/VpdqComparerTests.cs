using FsCheck.Xunit;
using Haechi.Core.Hashing;
using Haechi.Core.Video;

namespace Haechi.Core.Tests.Video;

public sealed class VpdqComparerTests
{
    private static Hash256 RandomHash(Random random) =>
        new((ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64());

    /// <summary>Flips <paramref name="bits"/> distinct bits.</summary>
    private static Hash256 Flip(Hash256 hash, int bits, Random random)
    {
        Span<ulong> words = stackalloc ulong[4];
        hash.CopyTo(words);
        var flipped = new HashSet<int>();
        while (flipped.Count < bits)
        {
            var bit = random.Next(256);
            if (flipped.Add(bit))
            {
                words[bit >> 6] ^= 1UL << (bit & 63);
            }
        }

        return new Hash256(words);
    }

    private static VpdqFrame[] Video(int frames, int seed, int quality = 100)
    {
        var random = new Random(seed);
        var result = new VpdqFrame[frames];
        for (var i = 0; i < frames; i++)
        {
            result[i] = new VpdqFrame(i, quality, RandomHash(random), i / 30.0);
        }

        return result;
    }

    [Fact]
    public void Compare_ClipCutFromLongerVideo_QueryFullyFoundComparedPartly()
    {
        var source = Video(100, 1);
        var random = new Random(2);
        var clip = source[20..45].Select(f => f with { FrameNumber = f.FrameNumber - 20, Hash = Flip(f.Hash, 12, random) }).ToArray();

        var result = VpdqComparer.Compare(clip, source);

        Assert.Equal(100.0, result.QueryMatchPercent);
        Assert.Equal(25.0, result.ComparedMatchPercent);
        Assert.True(result.IsMatch());
        Assert.False(VpdqComparer.Compare(source, clip).IsMatch());
    }

    [Fact]
    public void Compare_UnrelatedVideos_NoMatch()
    {
        var result = VpdqComparer.Compare(Video(50, 3), Video(50, 4));

        Assert.Equal(0.0, result.QueryMatchPercent);
        Assert.Equal(0.0, result.ComparedMatchPercent);
        Assert.False(result.IsMatch());
    }

    [Theory]
    [InlineData(31, true)]
    [InlineData(32, false)]
    public void Compare_DistanceAtThreshold_InclusiveOf31(int bits, bool expected)
    {
        var query = Video(1, 5);
        var compared = new[] { query[0] with { Hash = Flip(query[0].Hash, bits, new Random(6)) } };

        Assert.Equal(expected, VpdqComparer.Compare(query, compared).IsMatch());
    }

    [Fact]
    public void Compare_LowQualityFrames_LeftOut()
    {
        var good = Video(4, 7);
        var poor = Video(4, 8, quality: 49);
        VpdqFrame[] query = [.. good, .. poor];

        var result = VpdqComparer.Compare(query, good);

        Assert.Equal(4, result.QueryFrames);
        Assert.Equal(100.0, result.QueryMatchPercent);
    }

    [Fact]
    public void Compare_RepeatedHashes_CountedOnce()
    {
        var video = Video(2, 9);
        VpdqFrame[] repeated = [video[0], video[0], video[0], video[1]];

        var result = VpdqComparer.Compare(repeated, [video[0]]);

        Assert.Equal(2, result.QueryFrames);
        Assert.Equal(50.0, result.QueryMatchPercent);
    }

    [Fact]
    public void Compare_NoGoodFrames_ZeroAndNoMatch()
    {
        var result = VpdqComparer.Compare(Video(3, 10, quality: 0), Video(3, 10, quality: 0));

        Assert.Equal(new VpdqComparison(0, 0, 0, 0), result);
        Assert.False(result.IsMatch());
    }

    [Property(MaxTest = 50)]
    public bool Compare_AnyVideos_EqualsNaiveDefinition(int seed, byte queryLength, byte comparedLength)
    {
        var random = new Random(seed);
        var query = Video(1 + (queryLength % 20), seed);
        var compared = query.Take(1 + (comparedLength % 20)).Select(f => f with { Hash = Flip(f.Hash, random.Next(0, 60), random), Quality = random.Next(30, 101) }).ToArray();

        var result = VpdqComparer.Compare(query, compared);

        var q = query.Where(f => f.Quality >= 50).Select(f => f.Hash).Distinct().ToList();
        var c = compared.Where(f => f.Quality >= 50).Select(f => f.Hash).Distinct().ToList();
        var qFound = q.Count(h => c.Any(x => h.DistanceTo(x) <= 31));
        var cFound = c.Count(h => q.Any(x => h.DistanceTo(x) <= 31));
        var expectedQuery = q.Count == 0 || c.Count == 0 ? 0 : 100.0 * qFound / q.Count;
        var expectedCompared = q.Count == 0 || c.Count == 0 ? 0 : 100.0 * cFound / c.Count;
        return result.QueryMatchPercent == expectedQuery && result.ComparedMatchPercent == expectedCompared;
    }
}
