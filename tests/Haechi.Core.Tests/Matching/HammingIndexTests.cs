using FsCheck;
using FsCheck.Xunit;
using Haechi.Core.Hashing;
using Haechi.Core.Matching;

namespace Haechi.Core.Tests.Matching;

public sealed class HammingIndexTests
{
    /// <summary>Small tables, always probed, so that small random sets exercise the multi-index path.</summary>
    private static readonly HammingIndexOptions SmallTables = new()
    {
        TableCount = 12,
        BitsPerTable = 10,
        MaxPendingCount = 40,
        AlwaysUseTables = true,
    };

    private static readonly (int Tables, int Bits)[] Layouts = [(12, 10), (16, 16), (8, 12), (25, 10), (21, 12)];

    [Property(MaxTest = 40)]
    public void Search_RandomSetsAllRadii_EqualsBruteForceReference(int seed)
    {
        var random = new Random(seed);
        var (codes, centres) = TestCodes.Clustered(random, random.Next(1, 400));
        var ids = TestCodes.Ids(codes.Length);
        var (tables, bits) = Layouts[random.Next(Layouts.Length)];
        var options = SmallTables with { TableCount = tables, BitsPerTable = bits };
        var index = HammingIndex.Build(codes, ids, options);
        var reference = new HammingReference();
        for (var i = 0; i < codes.Length; i++)
        {
            reference.Add(codes[i], ids[i]);
        }

        var nonEmpty = 0;
        var results = new List<HammingMatch>();
        for (var radius = 0; radius <= 64; radius++)
        {
            var query = random.Next(3) == 0 ? codes[random.Next(codes.Length)] : TestCodes.QueryNear(centres, random);
            results.Clear();
            index.Search(query, radius, results);
            var expected = reference.Search(query, radius);
            Assert.Equal(expected, HammingReference.Sorted(results));
            nonEmpty += expected.Count > 0 ? 1 : 0;
        }

        Assert.True(nonEmpty > 0);
    }

    [Fact]
    public void Search_DefaultLayoutFiveThousandCodes_EqualsBruteForceReference()
    {
        var random = new Random(7);
        var (codes, centres) = TestCodes.Clustered(random, 5000);
        var ids = TestCodes.Ids(codes.Length);
        var index = HammingIndex.Build(codes, ids);
        Assert.True(index.TableCount > 0);
        var scan = new BruteForceHashScan(codes, ids);
        var results = new List<HammingMatch>();
        var expected = new List<HammingMatch>();
        for (var radius = 0; radius <= 70; radius += 2)
        {
            var query = TestCodes.QueryNear(centres, random);
            results.Clear();
            expected.Clear();
            index.Search(query, radius, results);
            scan.Search(query, radius, expected);
            Assert.Equal(HammingReference.Sorted(expected), HammingReference.Sorted(results));
        }
    }

    [Fact]
    public void Search_ManyCopiesOfOneCode_UsesWideBucketsAndFindsAll()
    {
        var random = new Random(3);
        var code = TestCodes.Random(random);
        var codes = new Hash256[70_000];
        codes.AsSpan().Fill(code);
        codes[^1] = TestCodes.Flip(code, 5, random);
        var index = HammingIndex.Build(codes, TestCodes.Ids(codes.Length), SmallTables with { TableCount = 8, BitsPerTable = 10 });
        var results = new List<HammingMatch>();

        index.Search(TestCodes.Flip(code, 2, random), 4, results);
        Assert.Equal(codes.Length - 1, results.Count);
        results.Clear();
        index.Search(code, 5, results);
        Assert.Equal(codes.Length, results.Count);
    }

    [Property(MaxTest = 30)]
    public void Search_InterleavedAddsRemovesAndCompactions_EqualsReference(int seed)
    {
        var random = new Random(seed);
        var (initial, centres) = TestCodes.Clustered(random, random.Next(0, 120));
        var nextId = 0L;
        var initialIds = TestCodes.Ids(initial.Length, nextId);
        nextId += initial.Length;
        var index = HammingIndex.Build(initial, initialIds, SmallTables);
        var reference = new HammingReference();
        for (var i = 0; i < initial.Length; i++)
        {
            reference.Add(initial[i], initialIds[i]);
        }

        var results = new List<HammingMatch>();
        var removedIds = new HashSet<long>();
        for (var step = 0; step < 150; step++)
        {
            switch (random.Next(10))
            {
                case 0 or 1 or 2:
                    {
                        var code = random.Next(2) == 0 ? TestCodes.QueryNear(centres, random) : TestCodes.Random(random);
                        // Occasionally reuse an id: removal by id must then remove every entry with it.
                        var id = reference.Count > 0 && random.Next(8) == 0 ? reference.Entries[random.Next(reference.Count)].Id : nextId++;
                        if (!removedIds.Contains(id))
                        {
                            index.Add(code, id);
                            reference.Add(code, id);
                        }

                        break;
                    }

                case 3 when reference.Count > 0:
                    {
                        var id = reference.Entries[random.Next(reference.Count)].Id;
                        Assert.Equal(reference.Remove(id), index.Remove(id));
                        removedIds.Add(id);
                        break;
                    }

                case 4 when reference.Count > 0:
                    {
                        var (code, id) = reference.Entries[random.Next(reference.Count)];
                        Assert.Equal(reference.Remove(id, code), index.Remove(id, code));
                        if (reference.Entries.All(e => e.Id != id))
                        {
                            removedIds.Add(id);
                        }

                        break;
                    }

                case 5 when random.Next(4) == 0:
                    index.Compact();
                    break;

                default:
                    {
                        var query = TestCodes.QueryNear(centres, random);
                        var radius = random.Next(65);
                        results.Clear();
                        index.Search(query, radius, results);
                        Assert.Equal(reference.Search(query, radius), HammingReference.Sorted(results));
                        Assert.DoesNotContain(results, m => removedIds.Contains(m.Id));
                        break;
                    }
            }

            Assert.Equal(reference.Count, index.Count);
        }
    }

    [Fact]
    public void Remove_ThenCompact_RemovedEntryNeverReturned()
    {
        var random = new Random(11);
        var (codes, _) = TestCodes.Clustered(random, 500);
        var ids = TestCodes.Ids(codes.Length);
        var index = HammingIndex.Build(codes, ids, SmallTables);
        var results = new List<HammingMatch>();

        Assert.Equal(1, index.Remove(ids[42], codes[42]));
        index.Search(codes[42], 0, results);
        Assert.DoesNotContain(results, m => m.Id == ids[42]);
        Assert.Equal(1, index.RemovedCount);

        index.Compact();
        results.Clear();
        index.Search(codes[42], 64, results);
        Assert.DoesNotContain(results, m => m.Id == ids[42]);
        Assert.Equal(0, index.RemovedCount);
        Assert.Equal(codes.Length - 1, index.Count);
        Assert.Equal(0, index.Remove(ids[42]));
    }

    [Fact]
    public void Add_PendingReachesLimit_CompactsIntoTables()
    {
        var random = new Random(5);
        var index = new HammingIndex(SmallTables with { MaxPendingCount = 10 });
        for (var i = 0; i < 25; i++)
        {
            index.Add(TestCodes.Random(random), i);
        }

        Assert.Equal(25, index.Count);
        Assert.Equal(5, index.PendingCount);
    }

    [Fact]
    public void Search_RadiusOutOfRange_Throws()
    {
        var index = new HammingIndex();
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Search(Hash256.Zero, -1, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Search(Hash256.Zero, 257, []));
    }

    [Fact]
    public void Search_RadiusAboveTableLimit_ScansAndFindsAll()
    {
        var random = new Random(9);
        var (codes, centres) = TestCodes.Clustered(random, 300);
        var ids = TestCodes.Ids(codes.Length);
        var index = HammingIndex.Build(codes, ids, SmallTables);
        var results = new List<HammingMatch>();

        index.Search(centres[0], 256, results);

        Assert.Equal(codes.Length, results.Count);
    }

    [Property(MaxTest = 20)]
    public void SearchDihedral_EightQueries_BestDistancePerIdAndLowestQueryIndex(int seed)
    {
        var random = new Random(seed);
        var (codes, centres) = TestCodes.Clustered(random, 200);
        var ids = TestCodes.Ids(codes.Length);
        var index = HammingIndex.Build(codes, ids, SmallTables);
        var queries = new Hash256[8];
        for (var q = 0; q < queries.Length; q++)
        {
            queries[q] = TestCodes.QueryNear(centres, random);
        }

        var radius = random.Next(20, 50);
        var results = new List<DihedralMatch> { new(-1, 0, 0) };
        index.SearchDihedral(queries, radius, results);

        var expected = new Dictionary<long, DihedralMatch>();
        for (var q = 0; q < queries.Length; q++)
        {
            for (var i = 0; i < codes.Length; i++)
            {
                var distance = HammingReference.BitDistance(queries[q], codes[i]);
                if (distance <= radius && (!expected.TryGetValue(ids[i], out var best) || distance < best.Distance))
                {
                    expected[ids[i]] = new DihedralMatch(ids[i], distance, q);
                }
            }
        }

        Assert.Equal(new DihedralMatch(-1, 0, 0), results[0]);
        Assert.Equal(expected.Values.OrderBy(m => m.Id), results.Skip(1));
    }

    [Fact]
    public async Task Search_ConcurrentWithWrites_RemovedEntryNotReturnedAfterRemove()
    {
        var random = new Random(13);
        var (codes, _) = TestCodes.Clustered(random, 3000, centreCount: 2);
        var ids = TestCodes.Ids(codes.Length);
        var index = HammingIndex.Build(codes, ids, SmallTables with { MaxPendingCount = 200 });
        var victims = new int[codes.Length];
        var removedCount = 0;
        using var stop = new CancellationTokenSource();
        var failures = 0;
        var readers = Enumerable.Range(0, 2).Select(r => Task.Run(() =>
        {
            var results = new List<HammingMatch>();
            for (var i = r; !stop.IsCancellationRequested; i++)
            {
                // Anything removed before the search starts must not come back.
                var before = Volatile.Read(ref removedCount);
                if (before == 0)
                {
                    continue;
                }

                var victim = victims[i % before];
                results.Clear();
                index.Search(codes[victim], 3, results);
                if (results.Exists(m => m.Id == ids[victim]))
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })).ToArray();

        for (var k = 0; k < 300; k++)
        {
            var victim = random.Next(codes.Length);
            index.Remove(ids[victim], codes[victim]);
            victims[removedCount] = victim;
            Volatile.Write(ref removedCount, removedCount + 1);
            index.Add(TestCodes.Random(random), 100_000 + k);
            if (k % 100 == 99)
            {
                index.Compact();
            }
        }

        await stop.CancelAsync();
        await Task.WhenAll(readers);
        Assert.Equal(0, failures);
    }
}
