using Haechi.Core.Hashing;

namespace Haechi.Core.Matching;

/// <summary>
/// Entries added since the last build, scanned by every query. Single writer (under the index's
/// write lock), many readers: an entry is written before the count that makes it visible.
/// </summary>
internal sealed class DeltaBuffer
{
    private int _count;

    public DeltaBuffer(int capacity)
    {
        Codes = new ulong[capacity * Hash256.WordCount];
        Ids = new long[capacity];
        Removed = new ulong[(capacity + 63) / 64];
    }

    public ulong[] Codes { get; }

    public long[] Ids { get; }

    /// <summary>Tombstones by position.</summary>
    public ulong[] Removed { get; }

    /// <summary>Number of entries visible to readers.</summary>
    public int Count => Volatile.Read(ref _count);

    public int Capacity => Ids.Length;

    public long MemoryBytes => ((long)Codes.Length * sizeof(ulong)) + ((long)Ids.Length * sizeof(long)) + ((long)Removed.Length * sizeof(ulong));

    /// <summary>Appends an entry; the caller holds the write lock and has checked the capacity.</summary>
    public void Append(in Hash256 code, long id)
    {
        var count = _count;
        code.CopyTo(Codes.AsSpan(count * Hash256.WordCount, Hash256.WordCount));
        Ids[count] = id;
        Volatile.Write(ref _count, count + 1);
    }

    /// <summary>A copy with room for at least <paramref name="minimumCapacity"/> entries.</summary>
    public DeltaBuffer Grow(int minimumCapacity)
    {
        var grown = new DeltaBuffer(Math.Max(minimumCapacity, Math.Max(64, Capacity * 2)));
        CopyTo(grown, 0);
        return grown;
    }

    /// <summary>Copies the entries from position <paramref name="from"/> on, with their tombstones, to the end of <paramref name="target"/>.</summary>
    public void CopyTo(DeltaBuffer target, int from)
    {
        var count = Count;
        for (var i = from; i < count; i++)
        {
            var position = target._count;
            Codes.AsSpan(i * Hash256.WordCount, Hash256.WordCount).CopyTo(target.Codes.AsSpan(position * Hash256.WordCount));
            target.Ids[position] = Ids[i];
            if (BruteForceHashScan.IsRemoved(Removed, i))
            {
                target.Removed[position >> 6] |= 1UL << (position & 63);
            }

            target._count = position + 1;
        }
    }
}

/// <summary>One consistent view of an index: the built segment, its tombstones and the pending entries.</summary>
internal sealed record IndexState(IndexSegment Segment, ulong[] SegmentRemoved, DeltaBuffer Delta);
