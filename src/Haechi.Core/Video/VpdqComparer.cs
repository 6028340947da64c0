using System.Numerics;
using Haechi.Core.Hashing;

namespace Haechi.Core.Video;

/// <summary>
/// The vPDQ video comparison (ThreatExchange <c>vpdq/README.md</c>): each video is treated as the
/// set of its distinct frame hashes of sufficient quality; the query match percentage is the share
/// of query hashes with some compared hash within the distance threshold, and the compared match
/// percentage the other way round. A clip cut from a longer video therefore finds nearly all of its
/// frames in the original (high query percentage) while covering only part of it.
/// </summary>
/// <remarks>
/// Brute force, O(query × compared) popcounts with an early exit per query frame, as upstream's
/// <c>matchTwoHashBrute</c>. At one frame per second an hour of video is 3,600 hashes, so a pair
/// costs at most 13 million comparisons; indexing many videos goes through the PDQ frame index.
/// </remarks>
public static class VpdqComparer
{
    /// <summary>Compares a query video with another.</summary>
    public static VpdqComparison Compare(ReadOnlySpan<VpdqFrame> query, ReadOnlySpan<VpdqFrame> compared, VpdqMatchOptions? options = null)
    {
        options ??= VpdqMatchOptions.Default;
        var queryWords = DistinctWords(query, options.MinQuality);
        var comparedWords = DistinctWords(compared, options.MinQuality);
        var queryCount = queryWords.Length / Hash256.WordCount;
        var comparedCount = comparedWords.Length / Hash256.WordCount;
        if (queryCount == 0 || comparedCount == 0)
        {
            return new VpdqComparison(0, 0, queryCount, comparedCount);
        }

        var queryMatched = CountFound(queryWords, comparedWords, options.MaxDistance);
        var comparedMatched = CountFound(comparedWords, queryWords, options.MaxDistance);
        return new VpdqComparison(100.0 * queryMatched / queryCount, 100.0 * comparedMatched / comparedCount, queryCount, comparedCount);
    }

    /// <summary>
    /// The distinct hashes of quality at least <paramref name="minQuality"/>, in order of first
    /// appearance, as one array of four words per hash (bits 0..63 first).
    /// </summary>
    internal static ulong[] DistinctWords(ReadOnlySpan<VpdqFrame> frames, int minQuality)
    {
        var seen = new HashSet<Hash256>();
        var words = new List<ulong>(frames.Length * Hash256.WordCount);
        foreach (ref readonly var frame in frames)
        {
            if (frame.Quality >= minQuality && seen.Add(frame.Hash))
            {
                words.Add(frame.Hash.Word0);
                words.Add(frame.Hash.Word1);
                words.Add(frame.Hash.Word2);
                words.Add(frame.Hash.Word3);
            }
        }

        return [.. words];
    }

    /// <summary>How many hashes of <paramref name="needles"/> have a hash of <paramref name="haystack"/> within <paramref name="maxDistance"/>.</summary>
    internal static int CountFound(ReadOnlySpan<ulong> needles, ReadOnlySpan<ulong> haystack, int maxDistance)
    {
        var found = 0;
        for (var i = 0; i + 3 < needles.Length; i += 4)
        {
            ulong a0 = needles[i], a1 = needles[i + 1], a2 = needles[i + 2], a3 = needles[i + 3];
            for (var j = 0; j + 3 < haystack.Length; j += 4)
            {
                var distance =
                    BitOperations.PopCount(a0 ^ haystack[j]) + BitOperations.PopCount(a1 ^ haystack[j + 1]) +
                    BitOperations.PopCount(a2 ^ haystack[j + 2]) + BitOperations.PopCount(a3 ^ haystack[j + 3]);
                if (distance <= maxDistance)
                {
                    found++;
                    break;
                }
            }
        }

        return found;
    }
}
