using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Haechi.Core.Hashing;

namespace Haechi.Core.Matching;

/// <summary>
/// Exact Hamming range search by scanning every code: the reference for <see cref="HammingIndex"/>,
/// the search used for small sets and large radii, and the baseline in benchmarks.
/// </summary>
/// <remarks>
/// Codes are stored as one contiguous <c>ulong[]</c>, four words per code, with a parallel array of
/// ids. The scan is bound by memory bandwidth: each code is one 32-byte load, an exclusive or and four
/// hardware popcounts. An instance is immutable and safe to search from several threads.
/// </remarks>
public sealed class BruteForceHashScan
{
    private readonly ulong[] _codes;
    private readonly long[] _ids;

    /// <summary>Copies <paramref name="codes"/> and their <paramref name="ids"/> (same length) into a scan.</summary>
    public BruteForceHashScan(ReadOnlySpan<Hash256> codes, ReadOnlySpan<long> ids)
    {
        if (codes.Length != ids.Length)
        {
            ThrowHelper.ThrowArgument(nameof(ids), "Every code needs exactly one id.");
        }

        _codes = GC.AllocateUninitializedArray<ulong>(codes.Length * Hash256.WordCount);
        MemoryMarshal.Cast<Hash256, ulong>(codes).CopyTo(_codes);
        _ids = ids.ToArray();
    }

    /// <summary>Number of codes.</summary>
    public int Count => _ids.Length;

    /// <summary>Approximate memory held, in bytes (codes and ids).</summary>
    public long MemoryBytes => ((long)_codes.Length * sizeof(ulong)) + ((long)_ids.Length * sizeof(long));

    /// <summary>Appends every code within <paramref name="radius"/> (0..256, inclusive) of <paramref name="query"/> to <paramref name="results"/>.</summary>
    public void Search(in Hash256 query, int radius, List<HammingMatch> results) => Scan(_codes, _ids, query, radius, results);

    /// <summary>
    /// Appends to <paramref name="results"/>, in storage order, every code of <paramref name="codes"/>
    /// (four words per code) within <paramref name="radius"/> (0..256, inclusive) of <paramref name="query"/>.
    /// </summary>
    public static void Scan(ReadOnlySpan<ulong> codes, ReadOnlySpan<long> ids, in Hash256 query, int radius, List<HammingMatch> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        CheckRadius(radius);
        if (codes.Length != ids.Length * Hash256.WordCount)
        {
            ThrowHelper.ThrowArgument(nameof(ids), "Every code (four words) needs exactly one id.");
        }

        ScanCore(codes, ids, default, query, radius, results);
    }

    internal static void CheckRadius(int radius)
    {
        if ((uint)radius > Hash256.BitCount)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(radius), "The radius must be between 0 and 256.");
        }
    }

    /// <summary>
    /// The scan loop. <paramref name="removed"/> is a tombstone bitset by position (bit <c>i</c> of
    /// word <c>i / 64</c>), or empty when nothing is removed; it is read only for codes within the radius.
    /// </summary>
    internal static void ScanCore(
        ReadOnlySpan<ulong> codes, ReadOnlySpan<long> ids, ReadOnlySpan<ulong> removed, in Hash256 query, int radius, List<HammingMatch> results)
    {
        var q0 = query.Word0;
        var q1 = query.Word1;
        var q2 = query.Word2;
        var q3 = query.Word3;
        var count = ids.Length;
        ref var code = ref MemoryMarshal.GetReference(codes);
        for (var i = 0; i < count; i++)
        {
            ref var c = ref Unsafe.Add(ref code, i * Hash256.WordCount);
            var distance =
                BitOperations.PopCount(c ^ q0) + BitOperations.PopCount(Unsafe.Add(ref c, 1) ^ q1) +
                BitOperations.PopCount(Unsafe.Add(ref c, 2) ^ q2) + BitOperations.PopCount(Unsafe.Add(ref c, 3) ^ q3);
            if (distance <= radius && !IsRemoved(removed, i))
            {
                results.Add(new HammingMatch(ids[i], distance));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsRemoved(ReadOnlySpan<ulong> removed, int position) =>
        !removed.IsEmpty && (Volatile.Read(ref Unsafe.AsRef(in removed[position >> 6])) & (1UL << (position & 63))) != 0;
}
