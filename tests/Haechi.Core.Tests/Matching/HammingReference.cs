using Haechi.Core.Hashing;
using Haechi.Core.Matching;

namespace Haechi.Core.Tests.Matching;

/// <summary>The plain scalar reference: a list of live entries searched bit by bit.</summary>
internal sealed class HammingReference
{
    private readonly List<(Hash256 Code, long Id)> _entries = [];

    public int Count => _entries.Count;

    public IReadOnlyList<(Hash256 Code, long Id)> Entries => _entries;

    public void Add(Hash256 code, long id) => _entries.Add((code, id));

    public int Remove(long id) => _entries.RemoveAll(e => e.Id == id);

    public int Remove(long id, Hash256 code) => _entries.RemoveAll(e => e.Id == id && e.Code == code);

    public List<HammingMatch> Search(Hash256 query, int radius)
    {
        var results = new List<HammingMatch>();
        foreach (var (code, id) in _entries)
        {
            var distance = BitDistance(query, code);
            if (distance <= radius)
            {
                results.Add(new HammingMatch(id, distance));
            }
        }

        return Sorted(results);
    }

    /// <summary>Distance bit by bit, without popcount, so it checks the optimised code independently.</summary>
    public static int BitDistance(Hash256 a, Hash256 b)
    {
        var distance = 0;
        for (var bit = 0; bit < Hash256.BitCount; bit++)
        {
            distance += a.GetBit(bit) != b.GetBit(bit) ? 1 : 0;
        }

        return distance;
    }

    public static List<HammingMatch> Sorted(List<HammingMatch> matches) =>
        [.. matches.OrderBy(m => m.Id).ThenBy(m => m.Distance)];
}

/// <summary>Random codes for tests: clusters around a few centres, so searches at every radius find something.</summary>
internal static class TestCodes
{
    public static Hash256 Random(Random random) =>
        new((ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64());

    /// <summary><paramref name="code"/> with exactly <paramref name="flips"/> distinct bits flipped.</summary>
    public static Hash256 Flip(Hash256 code, int flips, Random random)
    {
        Span<ulong> words = stackalloc ulong[Hash256.WordCount];
        code.CopyTo(words);
        var flipped = new HashSet<int>();
        while (flipped.Count < flips)
        {
            var bit = random.Next(Hash256.BitCount);
            if (flipped.Add(bit))
            {
                words[bit >> 6] ^= 1UL << (bit & 63);
            }
        }

        return new Hash256(words);
    }

    /// <summary>
    /// <paramref name="count"/> codes: about a quarter uniform, the rest within 0..48 bits of one of a
    /// few centres; queries near the same centres then have neighbours at every radius up to 64.
    /// </summary>
    public static (Hash256[] Codes, Hash256[] Centres) Clustered(Random random, int count, int centreCount = 4)
    {
        var centres = new Hash256[centreCount];
        for (var i = 0; i < centres.Length; i++)
        {
            centres[i] = Random(random);
        }

        var codes = new Hash256[count];
        for (var i = 0; i < codes.Length; i++)
        {
            codes[i] = random.Next(4) == 0 ? Random(random) : Flip(centres[random.Next(centreCount)], random.Next(49), random);
        }

        return (codes, centres);
    }

    public static Hash256 QueryNear(Hash256[] centres, Random random) =>
        Flip(centres[random.Next(centres.Length)], random.Next(33), random);

    public static long[] Ids(int count, long first = 1000)
    {
        var ids = new long[count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = first + i;
        }

        return ids;
    }
}
