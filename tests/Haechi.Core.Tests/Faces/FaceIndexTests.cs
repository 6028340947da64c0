using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Haechi.Core.Faces;

namespace Haechi.Core.Tests.Faces;

public sealed class FaceIndexTests
{
    [Fact]
    public void Add_Vector_StoredUnitLength()
    {
        var index = new FaceIndex(3);
        index.Add(7, [3, 0, 4]);

        Assert.Equal([0.6f, 0f, 0.8f], index.Vector(0).ToArray());
        Assert.Equal(7, index.IdAt(0));
    }

    [Fact]
    public void Add_ZeroOrWrongLength_Throws()
    {
        var index = new FaceIndex(3);

        Assert.Throws<ArgumentException>(() => index.Add(1, [0, 0, 0]));
        Assert.Throws<ArgumentException>(() => index.Add(1, [1, 2]));
        Assert.Throws<ArgumentException>(() => index.Add(1, [float.NaN, 1, 1]));
    }

    [Fact]
    public void Search_ScaledQuery_FindsSameDirectionFirst()
    {
        var index = new FaceIndex(2);
        index.Add(1, [1, 0]);
        index.Add(2, [0, 1]);
        index.Add(3, [1, 1]);

        Span<FaceMatch> results = new FaceMatch[3];
        var count = index.Search([10, 0.1f], 0.5f, results);

        Assert.Equal(2, count);
        Assert.Equal(1, results[0].Id);
        Assert.Equal(3, results[1].Id);
        Assert.True(results[0].Similarity > 0.99f);
    }

    [Fact]
    public void Remove_MiddleEntry_KeepsOthersSearchable()
    {
        var index = new FaceIndex(2);
        index.Add(1, [1, 0]);
        index.Add(2, [0, 1]);
        index.Add(3, [-1, 0]);

        Assert.True(index.Remove(1));
        Assert.False(index.Remove(1));

        Assert.Equal(2, index.Count);
        Assert.Equal(3, index.Best([-1, 0.1f])!.Value.Id);
        Assert.Equal(2, index.Best([0, 1])!.Value.Id);
        Assert.False(index.Contains(1));
    }

    [Fact]
    public void Add_ExistingId_Replaces()
    {
        var index = new FaceIndex(2);
        index.Add(1, [1, 0]);
        index.Add(1, [0, 1]);

        Assert.Equal(1, index.Count);
        Assert.Equal([0f, 1f], index.Vector(0).ToArray());
    }

    [Fact]
    public void Best_Empty_Null() => Assert.Null(new FaceIndex(4).Best([1, 0, 0, 0]));

    /// <summary>Adds, removes and searches agree with a plain scalar cosine over a dictionary.</summary>
    [Property(MaxTest = 200)]
    public Property Search_RandomOperations_MatchesScalarReference(int seed) => Prop.ToProperty(Check(seed));

    private static bool Check(int seed)
    {
        const int D = 7;
#pragma warning disable CA5394 // test data
        var random = new Random(seed);
        var index = new FaceIndex(D, capacity: 1);
        var reference = new Dictionary<long, float[]>();
        for (var step = 0; step < 60; step++)
        {
            var id = (long)random.Next(20);
            if (random.Next(4) == 0)
            {
                Assert.Equal(reference.Remove(id), index.Remove(id));
                continue;
            }

            var v = new float[D];
            for (var i = 0; i < D; i++)
            {
                v[i] = (float)((random.NextDouble() * 2) - 1);
            }

            index.Add(id, v);
            reference[id] = v;
        }

        var query = new float[D];
        for (var i = 0; i < D; i++)
        {
            query[i] = (float)((random.NextDouble() * 2) - 1);
        }
#pragma warning restore CA5394

        var expected = reference
            .Select(kv => (kv.Key, Similarity: ScalarCosine(query, kv.Value)))
            .Where(x => x.Similarity >= 0.1)
            .OrderByDescending(x => x.Similarity)
            .Take(5)
            .ToList();
        var results = new FaceMatch[5];
        var count = index.Search(query, 0.1f, results);
        if (count != expected.Count || index.Count != reference.Count)
        {
            return false;
        }

        for (var i = 0; i < count; i++)
        {
            if (Math.Abs(results[i].Similarity - expected[i].Similarity) > 1e-5)
            {
                return false;
            }
        }

        return true;
    }

    private static double ScalarCosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * (double)b[i];
            na += a[i] * (double)a[i];
            nb += b[i] * (double)b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }
}

public sealed class FaceBankTests
{
    [Fact]
    public void RemoveSubject_TwoEntries_RemovedFromIndex()
    {
        var bank = new FaceBank("victims", "faceres", 2);
        bank.Add("case-1", [1, 0], 0);
        bank.Add("case-2", [0, 1], 0);
        bank.Add("case-1", [1, 0.1f], 0);

        Assert.Equal(2, bank.RemoveSubject("case-1"));

        Assert.Equal(1, bank.Index.Count);
        Assert.Equal("case-2", bank.SubjectOf(bank.Index.Best([1, 0])!.Value.Id));
    }
}
