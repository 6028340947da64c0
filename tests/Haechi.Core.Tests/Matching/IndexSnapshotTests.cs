using FsCheck;
using FsCheck.Xunit;
using Haechi.Core.Hashing;
using Haechi.Core.Matching;

namespace Haechi.Core.Tests.Matching;

public sealed class IndexSnapshotTests
{
    private static readonly HammingIndexOptions SmallTables = new()
    {
        TableCount = 12,
        BitsPerTable = 10,
        MaxPendingCount = 1000,
        AlwaysUseTables = true,
    };

    private static (HammingIndex Index, Hash256[] Centres, byte[] Snapshot) WrittenIndex(int seed, HammingIndexOptions options)
    {
        var random = new Random(seed);
        var (codes, centres) = TestCodes.Clustered(random, 400);
        var ids = TestCodes.Ids(codes.Length);
        var index = HammingIndex.Build(codes, ids, options);
        for (var i = 0; i < 20; i++)
        {
            index.Remove(ids[random.Next(codes.Length)]);
            index.Add(TestCodes.QueryNear(centres, random), 5000 + i);
        }

        index.Remove(5003);
        using var stream = new MemoryStream();
        index.WriteSnapshot(stream, new IndexCheckpoint(5019, 420));
        return (index, centres, stream.ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void ReadSnapshot_AfterWrite_SameCountCheckpointAndResults(int seed)
    {
        var (index, centres, snapshot) = WrittenIndex(seed, SmallTables);

        var loaded = HammingIndex.ReadSnapshot(new MemoryStream(snapshot), out var checkpoint, SmallTables);

        Assert.Equal(new IndexCheckpoint(5019, 420), checkpoint);
        Assert.Equal(index.Count, loaded.Count);
        Assert.Equal(index.PendingCount - 1, loaded.PendingCount); // the removed pending entry is not written
        var random = new Random(seed);
        for (var radius = 0; radius <= 64; radius += 4)
        {
            var query = TestCodes.QueryNear(centres, random);
            List<HammingMatch> expected = [], actual = [];
            index.Search(query, radius, expected);
            loaded.Search(query, radius, actual);
            Assert.Equal(HammingReference.Sorted(expected), HammingReference.Sorted(actual));
        }
    }

    [Fact]
    public void ReadSnapshot_EmptyAndScanOnlyIndexes_RoundTrip()
    {
        foreach (var index in new[] { new HammingIndex(), HammingIndex.Build([Hash256.Zero], [7]) })
        {
            using var stream = new MemoryStream();
            index.WriteSnapshot(stream, default);
            stream.Position = 0;
            var loaded = HammingIndex.ReadSnapshot(stream, out _);
            Assert.Equal(index.Count, loaded.Count);
            List<HammingMatch> results = [];
            loaded.Search(Hash256.Zero, 0, results);
            Assert.Equal(index.Count, results.Count);
        }
    }

    [Property(MaxTest = 60)]
    public void ReadSnapshot_AnyByteFlipped_ThrowsCorrupt(NonNegativeInt position, byte mask)
    {
        var snapshot = CachedSnapshot.Value;
        var damaged = (byte[])snapshot.Clone();
        damaged[position.Get % damaged.Length] ^= mask == 0 ? (byte)1 : mask;

        Assert.Throws<IndexSnapshotCorruptException>(() => HammingIndex.ReadSnapshot(new MemoryStream(damaged), out _));
    }

    [Property(MaxTest = 40)]
    public void ReadSnapshot_Truncated_ThrowsCorrupt(NonNegativeInt length)
    {
        var snapshot = CachedSnapshot.Value;
        var truncated = snapshot.AsSpan(0, length.Get % snapshot.Length).ToArray();

        Assert.Throws<IndexSnapshotCorruptException>(() => HammingIndex.ReadSnapshot(new MemoryStream(truncated), out _));
    }

    [Fact]
    public void ReadSnapshot_NotASnapshot_ThrowsCorrupt()
    {
        var text = "hash,quality,id\n"u8.ToArray();
        var bytes = new byte[200];
        text.CopyTo(bytes, 0);

        Assert.Throws<IndexSnapshotCorruptException>(() => HammingIndex.ReadSnapshot(new MemoryStream(bytes), out _));
    }

    private static readonly Lazy<byte[]> CachedSnapshot = new(() => WrittenIndex(3, SmallTables).Snapshot);
}
