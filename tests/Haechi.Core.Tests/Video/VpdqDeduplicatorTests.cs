using Haechi.Core.Hashing;
using Haechi.Core.Video;

namespace Haechi.Core.Tests.Video;

public sealed class VpdqDeduplicatorTests
{
    private static readonly Hash256 A = new(0xFFFF_0000_FFFF_0000, 0x1234_5678_9ABC_DEF0, 0, ulong.MaxValue);
    private static readonly Hash256 B = new(0x0F0F_0F0F_0F0F_0F0F, 0, ulong.MaxValue, 0x1111_2222_3333_4444);

    private static Hash256 Near(Hash256 hash, int bits) => hash ^ new Hash256((1UL << bits) - 1, 0, 0, 0);

    [Fact]
    public void CollapseRuns_StillShotThenCut_KeepsFirstOfEachRun()
    {
        VpdqFrame[] frames =
        [
            new(0, 100, A, 0.0), new(1, 100, Near(A, 2), 0.033), new(2, 100, Near(A, 4), 0.067),
            new(3, 100, B, 0.1), new(4, 100, B, 0.133), new(5, 100, A, 0.167),
        ];

        var kept = VpdqDeduplicator.CollapseRuns(frames);

        Assert.Equal([0, 3, 5], kept.Select(f => f.FrameNumber));
        Assert.Equal(0.1, kept[1].Timestamp);
    }

    [Fact]
    public void CollapseRuns_SlowDrift_MeasuredFromRunStart()
    {
        VpdqFrame[] frames = [new(0, 100, A, 0), new(1, 100, Near(A, 3), 0), new(2, 100, Near(A, 6), 0), new(3, 100, Near(A, 9), 0)];

        var kept = VpdqDeduplicator.CollapseRuns(frames, maxDistance: 4);

        Assert.Equal([0, 2], kept.Select(f => f.FrameNumber));
    }

    [Fact]
    public void CollapseRuns_QualityCrossesThreshold_StartsNewRun()
    {
        VpdqFrame[] frames = [new(0, 20, A, 0), new(1, 90, A, 0), new(2, 90, A, 0)];

        var kept = VpdqDeduplicator.CollapseRuns(frames);

        Assert.Equal([0, 1], kept.Select(f => f.FrameNumber));
    }

    [Fact]
    public void CollapseRuns_ExactOnly_ComparisonUnchanged()
    {
        var random = new Random(11);
        var frames = new List<VpdqFrame>();
        for (var i = 0; i < 60; i++)
        {
            var hash = new Hash256((ulong)random.NextInt64(), 0, 0, (ulong)(i / 5));
            frames.Add(new VpdqFrame(i, 100, hash, i / 30.0));
            frames.Add(new VpdqFrame(i, 100, hash, i / 30.0));
        }

        var kept = VpdqDeduplicator.CollapseRuns(frames.ToArray(), maxDistance: 0);
        var before = VpdqComparer.Compare(frames.ToArray(), frames.ToArray().AsSpan(0, 40));
        var after = VpdqComparer.Compare(kept.ToArray(), frames.ToArray().AsSpan(0, 40));

        Assert.Equal(60, kept.Count);
        Assert.Equal(before, after);
    }

    [Fact]
    public void CollapseRuns_Empty_Empty() => Assert.Empty(VpdqDeduplicator.CollapseRuns([]));
}
