using Haechi.Core.Hashing;

namespace Haechi.Core.Matching;

/// <summary>
/// A reproducible benchmark and test data set: uniform random 256-bit codes with planted
/// near-duplicates of a set of query codes, generated from a seed (SplitMix64, so the same seed
/// gives the same codes on every platform and .NET version).
/// </summary>
/// <remarks>
/// Entry <c>i</c> of <see cref="Codes"/> is meant to be added with id <c>i</c>. Query <c>j</c> has a
/// near-duplicate at <see cref="PlantedIndices"/>[j], <see cref="PlantedDistances"/>[j] bits away
/// (uniform in the flip range). Random codes are about 128 bits from everything, so at radius 31 the
/// planted entry is, with overwhelming probability, the only match of its query.
/// </remarks>
public sealed class SyntheticHashSet
{
    private SyntheticHashSet(Hash256[] codes, Hash256[] queries, int[] plantedIndices, int[] plantedDistances)
    {
        Codes = codes;
        Queries = queries;
        PlantedIndices = plantedIndices;
        PlantedDistances = plantedDistances;
    }

    /// <summary>The data set; entry <c>i</c> has id <c>i</c>.</summary>
    public Hash256[] Codes { get; }

    /// <summary>The query codes.</summary>
    public Hash256[] Queries { get; }

    /// <summary>For each query, the index in <see cref="Codes"/> of its planted near-duplicate.</summary>
    public int[] PlantedIndices { get; }

    /// <summary>For each query, the distance of its planted near-duplicate (number of bits flipped).</summary>
    public int[] PlantedDistances { get; }

    /// <summary>
    /// Generates <paramref name="count"/> codes and <paramref name="queryCount"/> queries, each with one
    /// planted near-duplicate at a distance drawn uniformly from
    /// <paramref name="minFlips"/>..<paramref name="maxFlips"/> (inclusive).
    /// </summary>
    public static SyntheticHashSet Generate(int count, int queryCount, ulong seed, int minFlips = 8, int maxFlips = 30)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(queryCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(queryCount, count);
        ArgumentOutOfRangeException.ThrowIfNegative(minFlips);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFlips, minFlips);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxFlips, Hash256.BitCount);

        var random = new SplitMix64(seed);
        var codes = new Hash256[count];
        for (var i = 0; i < codes.Length; i++)
        {
            codes[i] = new Hash256(random.Next(), random.Next(), random.Next(), random.Next());
        }

        var queries = new Hash256[queryCount];
        var planted = new int[queryCount];
        var distances = new int[queryCount];
        Span<ulong> words = stackalloc ulong[Hash256.WordCount];
        for (var j = 0; j < queryCount; j++)
        {
            var query = new Hash256(random.Next(), random.Next(), random.Next(), random.Next());
            var flips = minFlips + (int)random.NextBelow((uint)(maxFlips - minFlips + 1));
            query.CopyTo(words);
            var flipped = 0;
            while (flipped < flips)
            {
                var bit = (int)random.NextBelow(Hash256.BitCount);
                var mask = 1UL << (bit & 63);
                if (((words[bit >> 6] ^ query[bit >> 6]) & mask) == 0)
                {
                    words[bit >> 6] ^= mask;
                    flipped++;
                }
            }

            // One planted entry per stride of the data set keeps the positions distinct.
            var stride = count / queryCount;
            var index = (j * stride) + (int)random.NextBelow((uint)stride);
            queries[j] = query;
            codes[index] = new Hash256(words);
            planted[j] = index;
            distances[j] = flips;
        }

        return new SyntheticHashSet(codes, queries, planted, distances);
    }

    /// <summary>Ids 0..count-1, the ids the codes are meant to be added with.</summary>
    public long[] CreateIds()
    {
        var ids = new long[Codes.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = i;
        }

        return ids;
    }

    /// <summary>SplitMix64 (Steele, Lea and Flood 2014): a tiny, fast, seeded generator.</summary>
    private struct SplitMix64(ulong seed)
    {
        private ulong _state = seed;

        public ulong Next()
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        /// <summary>Uniform in 0..bound-1 (Lemire's multiply-shift; the tiny bias is irrelevant here).</summary>
        public uint NextBelow(uint bound) => (uint)(((Next() >> 32) * bound) >> 32);
    }
}
