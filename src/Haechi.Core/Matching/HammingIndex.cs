using System.Numerics;
using System.Runtime.InteropServices;
using Haechi.Core.Hashing;
using Haechi.Core.Signals;

namespace Haechi.Core.Matching;

/// <summary>
/// Exact Hamming range search over 256-bit codes (PDQ hashes): every entry within the radius is
/// found, none outside it. A multi-index of substring bucket tables answers radii up to 64; larger
/// radii, small sets and radii where the tables would cost more than a scan fall back to a scan.
/// </summary>
/// <remarks>
/// <para>
/// Structure: a built, immutable segment (codes, ids, tables); a tombstone bitset over it; and a
/// small buffer of entries added since the build, scanned by every query. <see cref="Compact"/>
/// rebuilds the segment from the live entries. See <c>docs/matching.md</c>.
/// </para>
/// <para>
/// Thread safety: searches may run on any number of threads at once, concurrently with writes, and
/// take no lock. <see cref="Add"/>, <see cref="AddRange"/>, <see cref="Remove(long)"/> and
/// <see cref="Remove(long, in Hash256)"/> serialise on an internal lock and are visible to every
/// search that starts after they return; a removed entry is never returned by such a search.
/// <see cref="Compact"/> builds outside that lock (writes continue meanwhile and are carried over)
/// and publishes the new segment atomically; only one compaction runs at a time.
/// </para>
/// </remarks>
public sealed class HammingIndex
{
    /// <summary>The default search radius for PDQ (inclusive), as the reference documents.</summary>
    public const int DefaultRadius = SignalType.PdqThreshold;

    /// <summary>The largest radius the tables serve; larger radii scan every entry.</summary>
    public const int MaxTableRadius = IndexSegment.MaxTableRadius;

    private readonly HammingIndexOptions _options;
    private readonly Lock _writeLock = new();
    private readonly Lock _compactLock = new();
    private volatile IndexState _state;
    private List<(long Id, Hash256? Code)>? _removalsDuringCompaction;
    private int _count;
    private int _removedCount;

    [ThreadStatic]
    private static List<HammingMatch>? _scratch;

    /// <summary>Creates an empty index.</summary>
    public HammingIndex(HammingIndexOptions? options = null)
        : this(options, new IndexSegment([], [], 0, 0, []), [], 0)
    {
    }

    private HammingIndex(HammingIndexOptions? options, IndexSegment segment, ulong[] removed, int removedCount)
    {
        _options = options ?? HammingIndexOptions.Default;
        _options.Validate();
        _state = new IndexState(segment, removed, new DeltaBuffer(0));
        _removedCount = removedCount;
        _count = segment.Count - removedCount;
    }

    /// <summary>Number of live (not removed) entries.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Entries added since the last build, scanned by every query until <see cref="Compact"/>.</summary>
    public int PendingCount => _state.Delta.Count;

    /// <summary>Removed entries still held (as tombstones) until <see cref="Compact"/>.</summary>
    public int RemovedCount => Volatile.Read(ref _removedCount);

    /// <summary>
    /// True when enough entries were added or removed since the last build that a
    /// <see cref="Compact"/> (for example on a background thread) would pay off.
    /// </summary>
    public bool NeedsCompaction
    {
        get
        {
            var state = _state;
            return state.Delta.Count >= Math.Max(1024, _options.MaxPendingCount / 4) ||
                RemovedCount >= 1024 + (state.Segment.Count / 16);
        }
    }

    /// <summary>Number of substring tables of the built segment (0: it is only scanned).</summary>
    public int TableCount => _state.Segment.TableCount;

    /// <summary>Bits per substring of the built segment.</summary>
    public int BitsPerTable => _state.Segment.BitsPerTable;

    /// <summary>Memory held by the index's arrays, in bytes: codes, ids, tables, tombstones and pending entries.</summary>
    public long MemoryBytes
    {
        get
        {
            var state = _state;
            return state.Segment.MemoryBytes + ((long)state.SegmentRemoved.Length * sizeof(ulong)) + state.Delta.MemoryBytes;
        }
    }

    /// <summary>Builds an index over <paramref name="codes"/> with their <paramref name="ids"/> (same length).</summary>
    public static HammingIndex Build(ReadOnlySpan<Hash256> codes, ReadOnlySpan<long> ids, HammingIndexOptions? options = null)
    {
        if (codes.Length != ids.Length)
        {
            ThrowHelper.ThrowArgument(nameof(ids), "Every code needs exactly one id.");
        }

        options ??= HammingIndexOptions.Default;
        options.Validate();
        var segment = BuildSegment(MemoryMarshal.Cast<Hash256, ulong>(codes), ids, options);
        return new HammingIndex(options, segment, new ulong[(segment.Count + 63) / 64], 0);
    }

    /// <summary>Adds one entry. Compacts before returning when the pending entries reach <see cref="HammingIndexOptions.MaxPendingCount"/>.</summary>
    public void Add(in Hash256 code, long id)
    {
        bool compact;
        lock (_writeLock)
        {
            var delta = Reserve(1);
            delta.Append(code, id);
            _count++;
            compact = delta.Count >= _options.MaxPendingCount;
        }

        if (compact)
        {
            TryCompact();
        }
    }

    /// <summary>Adds entries (codes and ids of the same length); compacts when that brings the pending entries to the limit.</summary>
    public void AddRange(ReadOnlySpan<Hash256> codes, ReadOnlySpan<long> ids)
    {
        if (codes.Length != ids.Length)
        {
            ThrowHelper.ThrowArgument(nameof(ids), "Every code needs exactly one id.");
        }

        bool compact;
        lock (_writeLock)
        {
            var delta = Reserve(codes.Length);
            for (var i = 0; i < codes.Length; i++)
            {
                delta.Append(codes[i], ids[i]);
            }

            _count += codes.Length;
            compact = delta.Count >= _options.MaxPendingCount;
        }

        if (compact)
        {
            TryCompact();
        }
    }

    /// <summary>
    /// Removes every entry with id <paramref name="id"/> and returns how many were removed. Scans all
    /// ids (milliseconds for ten million entries); prefer <see cref="Remove(long, in Hash256)"/> when the
    /// code is known.
    /// </summary>
    public int Remove(long id)
    {
        lock (_writeLock)
        {
            var state = _state;
            var removed = 0;
            var ids = state.Segment.Ids;
            for (var slot = 0; slot < ids.Length; slot++)
            {
                if (ids[slot] == id)
                {
                    removed += MarkRemoved(state.SegmentRemoved, slot);
                }
            }

            removed += RemoveFromDelta(state.Delta, id, null);
            return Removed(removed, id, null);
        }
    }

    /// <summary>Removes every entry with id <paramref name="id"/> and code <paramref name="code"/>; returns how many were removed.</summary>
    public int Remove(long id, in Hash256 code)
    {
        lock (_writeLock)
        {
            var state = _state;
            var removed = RemoveFromSegment(state.Segment, state.SegmentRemoved, id, code);
            removed += RemoveFromDelta(state.Delta, id, code);
            return Removed(removed, id, code);
        }
    }

    /// <summary>
    /// Rebuilds the segment from the live entries: pending entries move into the tables and removed
    /// entries are dropped. Searches and writes continue meanwhile; writes made during the build are
    /// carried over. Takes seconds for ten million entries, so hosts run it in the background.
    /// </summary>
    public void Compact()
    {
        lock (_compactLock)
        {
            CompactCore();
        }
    }

    /// <summary>
    /// Appends to <paramref name="results"/> every live entry whose code is within
    /// <paramref name="radius"/> (0..256, inclusive) of <paramref name="query"/>, in no particular
    /// order. Allocates nothing beyond the list's growth.
    /// </summary>
    public void Search(in Hash256 query, int radius, List<HammingMatch> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        BruteForceHashScan.CheckRadius(radius);
        Search(_state, query, radius, results);
    }

    /// <summary>
    /// Searches with up to eight query codes (the dihedral hashes of one image, in
    /// <c>DihedralTransform</c> order) and appends one <see cref="DihedralMatch"/> per matched entry
    /// id to <paramref name="results"/>, sorted by id: the smallest distance over the queries and the
    /// lowest query index that gave it.
    /// </summary>
    public void SearchDihedral(ReadOnlySpan<Hash256> queries, int radius, List<DihedralMatch> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        BruteForceHashScan.CheckRadius(radius);
        if (queries.Length > 8)
        {
            ThrowHelper.ThrowArgument(nameof(queries), "At most eight dihedral query codes.");
        }

        var state = _state;
        var scratch = _scratch ??= [];
        var first = results.Count;
        for (var q = 0; q < queries.Length; q++)
        {
            scratch.Clear();
            Search(state, queries[q], radius, scratch);
            foreach (var match in scratch)
            {
                results.Add(new DihedralMatch(match.Id, match.Distance, q));
            }
        }

        scratch.Clear();
        MergeById(results, first);
    }

    /// <summary>
    /// Writes the index and the caller's <paramref name="checkpoint"/> to <paramref name="stream"/>
    /// (see <see cref="ReadSnapshot"/>). Writes may continue meanwhile; the snapshot holds the index
    /// as it was when the call started.
    /// </summary>
    public void WriteSnapshot(Stream stream, IndexCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(stream);
        IndexState state;
        ulong[] removed;
        ulong[] pendingCodes;
        long[] pendingIds;
        lock (_writeLock)
        {
            state = _state;
            removed = (ulong[])state.SegmentRemoved.Clone();
            var delta = state.Delta;
            var live = 0;
            for (var i = 0; i < delta.Count; i++)
            {
                live += BruteForceHashScan.IsRemoved(delta.Removed, i) ? 0 : 1;
            }

            pendingCodes = new ulong[live * Hash256.WordCount];
            pendingIds = new long[live];
            for (int i = 0, j = 0; i < delta.Count; i++)
            {
                if (!BruteForceHashScan.IsRemoved(delta.Removed, i))
                {
                    delta.Codes.AsSpan(i * Hash256.WordCount, Hash256.WordCount).CopyTo(pendingCodes.AsSpan(j * Hash256.WordCount));
                    pendingIds[j++] = delta.Ids[i];
                }
            }
        }

        IndexSnapshotFormat.Write(stream, state.Segment, removed, pendingCodes, pendingIds, checkpoint);
    }

    /// <summary>
    /// Reads an index written by <see cref="WriteSnapshot"/> and the checkpoint stored with it.
    /// Throws <see cref="IndexSnapshotCorruptException"/> when the snapshot is truncated, damaged
    /// (checksum mismatch) or of another format version: rebuild from the bank rows then.
    /// </summary>
    public static HammingIndex ReadSnapshot(Stream stream, out IndexCheckpoint checkpoint, HammingIndexOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= HammingIndexOptions.Default;
        options.Validate();
        var (segment, removed, pendingCodes, pendingIds, stored) =
            IndexSnapshotFormat.Read(stream, options.AlwaysUseTables);
        var removedCount = 0;
        foreach (var word in removed)
        {
            removedCount += BitOperations.PopCount(word);
        }

        var index = new HammingIndex(options, segment, removed, removedCount);
        if (pendingIds.Length > 0)
        {
            index.AddRange(MemoryMarshal.Cast<ulong, Hash256>(pendingCodes), pendingIds);
        }

        checkpoint = stored;
        return index;
    }

    private static void Search(IndexState state, in Hash256 query, int radius, List<HammingMatch> results)
    {
        state.Segment.Search(query, radius, state.SegmentRemoved, results);
        var delta = state.Delta;
        var pending = delta.Count;
        if (pending > 0)
        {
            BruteForceHashScan.ScanCore(
                delta.Codes.AsSpan(0, pending * Hash256.WordCount), delta.Ids.AsSpan(0, pending), delta.Removed, query, radius, results);
        }
    }

    private static void MergeById(List<DihedralMatch> results, int first)
    {
        var count = results.Count - first;
        if (count < 2)
        {
            return;
        }

        // A static lambda is cached by the compiler, so sorting allocates nothing.
        CollectionsMarshal.AsSpan(results)[first..].Sort(static (x, y) =>
        {
            var order = x.Id.CompareTo(y.Id);
            if (order == 0)
            {
                order = x.Distance.CompareTo(y.Distance);
            }

            return order != 0 ? order : x.QueryIndex.CompareTo(y.QueryIndex);
        });
        var write = first;
        for (var read = first + 1; read < results.Count; read++)
        {
            if (results[read].Id != results[write].Id)
            {
                results[++write] = results[read];
            }
        }

        results.RemoveRange(write + 1, results.Count - write - 1);
    }

    private static IndexSegment BuildSegment(ReadOnlySpan<ulong> codes, ReadOnlySpan<long> ids, HammingIndexOptions options)
    {
        var (tables, bits) = options.LayoutFor(ids.Length);
        return IndexSegment.Build(codes, ids, tables, bits, options.BuildParallelism, options.AlwaysUseTables);
    }

    private static int MarkRemoved(ulong[] removed, int position)
    {
        var bit = 1UL << (position & 63);
        return (Interlocked.Or(ref removed[position >> 6], bit) & bit) == 0 ? 1 : 0;
    }

    private static int RemoveFromSegment(IndexSegment segment, ulong[] removedBits, long id, in Hash256 code)
    {
        var removed = 0;
        var (start, end) = segment.CandidateRange(code);
        var codes = MemoryMarshal.Cast<ulong, Hash256>(segment.Codes.AsSpan());
        for (var slot = start; slot < end; slot++)
        {
            if (segment.Ids[slot] == id && codes[slot] == code)
            {
                removed += MarkRemoved(removedBits, slot);
            }
        }

        return removed;
    }

    private static int RemoveFromDelta(DeltaBuffer delta, long id, Hash256? code)
    {
        var removed = 0;
        var codes = MemoryMarshal.Cast<ulong, Hash256>(delta.Codes.AsSpan());
        for (var i = 0; i < delta.Count; i++)
        {
            if (delta.Ids[i] == id && (code is not { } c || codes[i] == c))
            {
                removed += MarkRemoved(delta.Removed, i);
            }
        }

        return removed;
    }

    /// <summary>Books <paramref name="removed"/> removals (under the write lock) and remembers them for a running compaction.</summary>
    private int Removed(int removed, long id, Hash256? code)
    {
        if (removed > 0)
        {
            _count -= removed;
            _removedCount += removed;
            _removalsDuringCompaction?.Add((id, code));
        }

        return removed;
    }

    /// <summary>The pending buffer with room for <paramref name="more"/> entries (under the write lock).</summary>
    private DeltaBuffer Reserve(int more)
    {
        var state = _state;
        var delta = state.Delta;
        if (delta.Count + more > delta.Capacity)
        {
            delta = delta.Grow(delta.Count + more);
            _state = state with { Delta = delta };
        }

        return delta;
    }

    private void TryCompact()
    {
        // A compaction already running on another thread carries the new entries over; do not wait for it.
        if (_compactLock.TryEnter())
        {
            try
            {
                CompactCore();
            }
            finally
            {
                _compactLock.Exit();
            }
        }
    }

    private void CompactCore()
    {
        IndexState captured;
        int capturedPending;
        lock (_writeLock)
        {
            captured = _state;
            capturedPending = captured.Delta.Count;
            if (capturedPending == 0 && _removedCount == 0)
            {
                return;
            }

            _removalsDuringCompaction = [];
        }

        try
        {
            var segment = captured.Segment;
            var delta = captured.Delta;
            var live = 0;
            for (var slot = 0; slot < segment.Count; slot++)
            {
                live += BruteForceHashScan.IsRemoved(captured.SegmentRemoved, slot) ? 0 : 1;
            }

            for (var i = 0; i < capturedPending; i++)
            {
                live += BruteForceHashScan.IsRemoved(delta.Removed, i) ? 0 : 1;
            }

            var codes = GC.AllocateUninitializedArray<ulong>(live * Hash256.WordCount);
            var ids = GC.AllocateUninitializedArray<long>(live);
            var next = CopyLive(segment.Codes, segment.Ids, segment.Count, captured.SegmentRemoved, codes, ids, 0);
            CopyLive(delta.Codes, delta.Ids, capturedPending, delta.Removed, codes, ids, next);
            var built = BuildSegment(codes, ids, _options);
            var builtRemoved = new ulong[(built.Count + 63) / 64];

            lock (_writeLock)
            {
                // Removals made during the build hit entries that may have been copied: replay them.
                var replayed = 0;
                foreach (var (id, code) in _removalsDuringCompaction)
                {
                    if (code is { } c)
                    {
                        replayed += RemoveFromSegment(built, builtRemoved, id, c);
                    }
                    else
                    {
                        for (var slot = 0; slot < built.Count; slot++)
                        {
                            if (built.Ids[slot] == id)
                            {
                                replayed += MarkRemoved(builtRemoved, slot);
                            }
                        }
                    }
                }

                // Entries added during the build stay pending, with their tombstones.
                var current = _state.Delta;
                var carried = new DeltaBuffer(Math.Max(64, current.Count - capturedPending));
                current.CopyTo(carried, capturedPending);
                var carriedRemoved = 0;
                for (var i = 0; i < carried.Count; i++)
                {
                    carriedRemoved += BruteForceHashScan.IsRemoved(carried.Removed, i) ? 1 : 0;
                }

                _state = new IndexState(built, builtRemoved, carried);
                _removedCount = replayed + carriedRemoved;
                _removalsDuringCompaction = null;
            }
        }
        catch
        {
            lock (_writeLock)
            {
                _removalsDuringCompaction = null;
            }

            throw;
        }
    }

    private static int CopyLive(ulong[] codes, long[] ids, int count, ulong[] removed, ulong[] targetCodes, long[] targetIds, int next)
    {
        for (var i = 0; i < count; i++)
        {
            if (!BruteForceHashScan.IsRemoved(removed, i))
            {
                codes.AsSpan(i * Hash256.WordCount, Hash256.WordCount).CopyTo(targetCodes.AsSpan(next * Hash256.WordCount));
                targetIds[next++] = ids[i];
            }
        }

        return next;
    }
}
