using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Haechi.Core.Hashing;

namespace Haechi.Core.Matching;

/// <summary>
/// The immutable, built part of a <see cref="HammingIndex"/>: codes, ids and the multi-index
/// bucket tables over them (Norouzi, Punjani and Fleet, "Fast search in Hamming space with
/// multi-index hashing", CVPR 2012).
/// </summary>
/// <remarks>
/// The 256-bit code is cut into <see cref="TableCount"/> disjoint substrings of
/// <see cref="BitsPerTable"/> bits (bits <c>i·b .. i·b + b - 1</c> for table <c>i</c>; bits past
/// <c>m·b</c> are in no table). Slots are ordered by the key of table 0, so table 0 needs no slot
/// array and its buckets are contiguous runs of codes. Search radius r is split by the generalised
/// pigeonhole principle into per-table thresholds <c>t_i</c> with <c>Σ (t_i + 1) = r + 1</c>: a code
/// within r of the query is within <c>t_i</c> of it on at least one substring, so probing every key
/// within <c>t_i</c> bits of the query's key in each table finds every match (<c>t_i = -1</c> skips a
/// table). A match is reported only from the first table where it lies within the threshold, so no
/// candidate set is needed to remove duplicates.
/// </remarks>
internal sealed class IndexSegment
{
    /// <summary>The largest radius the tables are planned for; larger radii scan.</summary>
    public const int MaxTableRadius = 64;

    /// <summary>Cost of probing one bucket and of verifying one candidate, relative to scanning one code sequentially.</summary>
    private const double ProbeCost = 20;
    private const double CandidateCost = 24;

    /// <summary>Keys probed per batch, and candidates verified per batch (small fixed scratch on the stack).</summary>
    private const int ProbeBatch = 128;
    private const int CandidateBatch = 512;

    private readonly SubstringTable[] _tables;
    private readonly int[][] _plans;
    private readonly bool[] _useTables;

    public IndexSegment(ulong[] codes, long[] ids, int tableCount, int bitsPerTable, SubstringTable[] tables, bool alwaysUseTables = false)
    {
        Codes = codes;
        Ids = ids;
        TableCount = tableCount;
        BitsPerTable = bitsPerTable;
        _tables = tables;
        _plans = new int[MaxTableRadius + 1][];
        _useTables = new bool[MaxTableRadius + 1];
        for (var radius = 0; radius <= MaxTableRadius && tableCount > 0; radius++)
        {
            var plan = PlanThresholds(radius, tableCount, bitsPerTable);
            _plans[radius] = plan;
            _useTables[radius] = alwaysUseTables || EstimateCost(plan, bitsPerTable, ids.Length) < ids.Length;
        }
    }

    /// <summary>Codes in slot order, four words each.</summary>
    public ulong[] Codes { get; }

    /// <summary>Entry ids in slot order.</summary>
    public long[] Ids { get; }

    public int Count => Ids.Length;

    /// <summary>Number of substring tables; 0 when the segment is only scanned.</summary>
    public int TableCount { get; }

    public int BitsPerTable { get; }

    public ReadOnlySpan<SubstringTable> Tables => _tables;

    public long MemoryBytes
    {
        get
        {
            var bytes = ((long)Codes.Length * sizeof(ulong)) + ((long)Ids.Length * sizeof(long));
            foreach (var table in _tables)
            {
                bytes += table.MemoryBytes;
            }

            return bytes;
        }
    }

    /// <summary>Whether a search at <paramref name="radius"/> probes the tables rather than scanning.</summary>
    public bool UsesTables(int radius) => TableCount > 0 && radius <= MaxTableRadius && _useTables[radius];

    /// <summary>
    /// The default layout: about <c>log2(count) - 1</c> bits per table, so a bucket holds about two
    /// codes, and as many tables as fit in 256 bits. Below 4,096 codes the segment is only scanned.
    /// </summary>
    public static (int TableCount, int BitsPerTable) ChooseLayout(int count)
    {
        if (count < 4096)
        {
            return (0, 0);
        }

        var bits = Math.Clamp(BitOperations.Log2((uint)count) - 1, 10, 24);
        return (Hash256.BitCount / bits, bits);
    }

    /// <summary>
    /// Splits radius <paramref name="radius"/> into per-table thresholds with
    /// <c>Σ (t_i + 1) = radius + 1</c>, as even as possible, extra units to the first tables.
    /// </summary>
    public static int[] PlanThresholds(int radius, int tableCount, int bitsPerTable)
    {
        var plan = new int[tableCount];
        var units = radius + 1;
        for (var i = 0; i < tableCount; i++)
        {
            var share = (units / tableCount) + (i < units % tableCount ? 1 : 0);
            plan[i] = Math.Min(share - 1, bitsPerTable);
        }

        return plan;
    }

    /// <summary>Expected search cost with uniform random codes, in units of one sequentially scanned code.</summary>
    public static double EstimateCost(ReadOnlySpan<int> plan, int bitsPerTable, int count)
    {
        var perBucket = count / Math.Pow(2, bitsPerTable);
        var probes = 0.0;
        foreach (var threshold in plan)
        {
            var binomial = 1.0;
            for (var j = 0; j <= threshold; j++)
            {
                probes += binomial;
                binomial = binomial * (bitsPerTable - j) / (j + 1);
            }
        }

        return probes * (ProbeCost + (perBucket * CandidateCost));
    }

    /// <summary>Builds a segment from codes (four words each) and ids; the arrays are copied.</summary>
    public static IndexSegment Build(
        ReadOnlySpan<ulong> codes, ReadOnlySpan<long> ids, int tableCount, int bitsPerTable, int parallelism, bool alwaysUseTables = false)
    {
        var count = ids.Length;
        if (tableCount == 0)
        {
            return new IndexSegment(codes.ToArray(), ids.ToArray(), 0, 0, []);
        }

        var buckets = 1 << bitsPerTable;
        var keyMask = (1UL << bitsPerTable) - 1;
        var sortedCodes = GC.AllocateUninitializedArray<ulong>(count * Hash256.WordCount);
        var sortedIds = GC.AllocateUninitializedArray<long>(count);
        var tables = new SubstringTable[tableCount];

        // Table 0: counting sort of the codes themselves by their first substring.
        var starts = new int[buckets + 1];
        for (var i = 0; i < count; i++)
        {
            starts[ExtractKey(codes.Slice(i * Hash256.WordCount, Hash256.WordCount), 0, keyMask) + 1]++;
        }

        PrefixSum(starts);
        for (var i = 0; i < count; i++)
        {
            var code = codes.Slice(i * Hash256.WordCount, Hash256.WordCount);
            var position = starts[ExtractKey(code, 0, keyMask)]++;
            code.CopyTo(sortedCodes.AsSpan(position * Hash256.WordCount, Hash256.WordCount));
            sortedIds[position] = ids[i];
        }

        ShiftToStarts(starts);
        tables[0] = SubstringTable.Create(null, starts);

        // Tables 1..m-1: slots sorted by each further substring, one table per worker at a time.
        var builder = new TableBuilder(sortedCodes, bitsPerTable, tables);
        Parallel.For(
            1,
            tableCount,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism) },
            () => new int[buckets + 1],
            builder.BuildTable,
            static _ => { });
        return new IndexSegment(sortedCodes, sortedIds, tableCount, bitsPerTable, tables, alwaysUseTables);
    }

    /// <summary>
    /// Appends to <paramref name="results"/> every live entry within <paramref name="radius"/> of
    /// <paramref name="query"/>; <paramref name="removed"/> is the tombstone bitset by slot.
    /// </summary>
    public void Search(in Hash256 query, int radius, ReadOnlySpan<ulong> removed, List<HammingMatch> results)
    {
        if (!UsesTables(radius))
        {
            BruteForceHashScan.ScanCore(Codes, Ids, removed, query, radius, results);
            return;
        }

        var thresholds = _plans[radius];
        var keyMask = (1UL << BitsPerTable) - 1;
        var queryWords = MemoryMarshal.Cast<Hash256, ulong>(new ReadOnlySpan<Hash256>(in query));
        Span<uint> queryKeys = stackalloc uint[TableCount];
        for (var i = 0; i < queryKeys.Length; i++)
        {
            queryKeys[i] = ExtractKey(queryWords, i * BitsPerTable, keyMask);
        }

        Span<uint> keys = stackalloc uint[ProbeBatch];
        Span<int> starts = stackalloc int[ProbeBatch];
        Span<int> ends = stackalloc int[ProbeBatch];
        Span<int> candidates = stackalloc int[CandidateBatch];
        var search = new SegmentSearch(this, query, radius, thresholds, queryKeys, removed, results, keys, starts, ends, candidates);
        for (var table = 0; table < TableCount; table++)
        {
            if (thresholds[table] >= 0)
            {
                search.ProbeTable(_tables[table], table, thresholds[table]);
            }
        }
    }

    /// <summary>Positions in table 0 order of the codes equal to <paramref name="code"/> can only be in this range.</summary>
    public (int Start, int End) CandidateRange(in Hash256 code)
    {
        if (TableCount == 0)
        {
            return (0, Count);
        }

        var words = MemoryMarshal.Cast<Hash256, ulong>(new ReadOnlySpan<Hash256>(in code));
        var key = ExtractKey(words, 0, (1UL << BitsPerTable) - 1);
        return (_tables[0].Start(key), _tables[0].Start(key + 1));
    }

    /// <summary>Bits <c>start .. start + bits - 1</c> of a code (four words), as an integer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint ExtractKey(ReadOnlySpan<ulong> code, int start, ulong keyMask)
    {
        var word = start >> 6;
        var shift = start & 63;
        var value = code[word] >> shift;
        if (shift != 0 && word < Hash256.WordCount - 1)
        {
            value |= code[word + 1] << (64 - shift);
        }

        return (uint)(value & keyMask);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint ExtractKey(ref ulong code, int start, ulong keyMask)
    {
        var word = start >> 6;
        var shift = start & 63;
        var value = Unsafe.Add(ref code, word) >> shift;
        if (shift != 0 && word < Hash256.WordCount - 1)
        {
            value |= Unsafe.Add(ref code, word + 1) << (64 - shift);
        }

        return (uint)(value & keyMask);
    }

    private static void PrefixSum(Span<int> counts)
    {
        for (var k = 1; k < counts.Length; k++)
        {
            counts[k] += counts[k - 1];
        }
    }

    /// <summary>After the fill, <c>starts[k]</c> holds the start of bucket <c>k + 1</c>; shift it back.</summary>
    private static void ShiftToStarts(Span<int> starts)
    {
        for (var k = starts.Length - 1; k > 0; k--)
        {
            starts[k] = starts[k - 1];
        }

        starts[0] = 0;
    }

    private sealed class TableBuilder(ulong[] codes, int bitsPerTable, SubstringTable[] tables)
    {
        public int[] BuildTable(int table, ParallelLoopState state, int[] starts)
        {
            Array.Clear(starts);
            var count = codes.Length / Hash256.WordCount;
            var start = table * bitsPerTable;
            var keyMask = (1UL << bitsPerTable) - 1;
            ReadOnlySpan<ulong> all = codes;
            for (var slot = 0; slot < count; slot++)
            {
                starts[ExtractKey(all.Slice(slot * Hash256.WordCount, Hash256.WordCount), start, keyMask) + 1]++;
            }

            PrefixSum(starts);
            var slots = GC.AllocateUninitializedArray<int>(count);
            for (var slot = 0; slot < count; slot++)
            {
                slots[starts[ExtractKey(all.Slice(slot * Hash256.WordCount, Hash256.WordCount), start, keyMask)]++] = slot;
            }

            ShiftToStarts(starts);
            tables[table] = SubstringTable.Create(slots, starts);
            return starts;
        }
    }

    /// <summary>The state of one search: the query, its keys and thresholds, and where results go.</summary>
    private ref struct SegmentSearch
    {
        private readonly ref ulong _codes;
        private readonly long[] _ids;
        private readonly ulong _q0;
        private readonly ulong _q1;
        private readonly ulong _q2;
        private readonly ulong _q3;
        private readonly int _radius;
        private readonly int _bits;
        private readonly ulong _keyMask;
        private readonly ReadOnlySpan<int> _thresholds;
        private readonly ReadOnlySpan<uint> _queryKeys;
        private readonly ReadOnlySpan<ulong> _removed;
        private readonly List<HammingMatch> _results;
        private readonly Span<uint> _keys;
        private readonly Span<int> _starts;
        private readonly Span<int> _ends;
        private readonly Span<int> _candidates;

        public SegmentSearch(
            IndexSegment segment, in Hash256 query, int radius, ReadOnlySpan<int> thresholds, ReadOnlySpan<uint> queryKeys,
            ReadOnlySpan<ulong> removed, List<HammingMatch> results, Span<uint> keys, Span<int> starts, Span<int> ends, Span<int> candidates)
        {
            _keys = keys;
            _starts = starts;
            _ends = ends;
            _candidates = candidates;
            _codes = ref MemoryMarshal.GetArrayDataReference(segment.Codes);
            _ids = segment.Ids;
            _q0 = query.Word0;
            _q1 = query.Word1;
            _q2 = query.Word2;
            _q3 = query.Word3;
            _radius = radius;
            _bits = segment.BitsPerTable;
            _keyMask = (1UL << segment.BitsPerTable) - 1;
            _thresholds = thresholds;
            _queryKeys = queryKeys;
            _removed = removed;
            _results = results;
        }

        /// <summary>Probes every key within <paramref name="threshold"/> bits of the query's key in <paramref name="table"/>.</summary>
        /// <remarks>
        /// Work goes in batches of independent loads (bucket starts for a batch of keys, then their
        /// slots, then the candidates' codes) so that the processor keeps many cache misses in flight
        /// instead of waiting for each in turn.
        /// </remarks>
        public readonly void ProbeTable(SubstringTable table, int tableIndex, int threshold)
        {
            var queryKey = _queryKeys[tableIndex];
            var keys = _keys;
            keys[0] = queryKey;
            var pending = 1;
            var limit = 1UL << _bits;
            for (var flips = 1; flips <= threshold; flips++)
            {
                // Every b-bit mask with exactly `flips` bits set, in increasing order (Gosper's hack).
                var mask = (1UL << flips) - 1;
                while (mask < limit)
                {
                    keys[pending++] = queryKey ^ (uint)mask;
                    if (pending == keys.Length)
                    {
                        ProbeBuckets(table, tableIndex, keys);
                        pending = 0;
                    }

                    var lowest = mask & (~mask + 1);
                    var ripple = mask + lowest;
                    mask = (((ripple ^ mask) >> 2) / lowest) | ripple;
                }
            }

            ProbeBuckets(table, tableIndex, keys[..pending]);
        }

        private readonly void ProbeBuckets(SubstringTable table, int tableIndex, ReadOnlySpan<uint> keys)
        {
            var starts = _starts[..keys.Length];
            var ends = _ends[..keys.Length];
            if (table.AbsoluteStarts is { } absolute)
            {
                for (var i = 0; i < keys.Length; i++)
                {
                    starts[i] = (int)absolute[keys[i]];
                    ends[i] = (int)absolute[keys[i] + 1];
                }
            }
            else
            {
                var blocks = table.BlockStarts;
                var relative = table.RelativeStarts!;
                for (var i = 0; i < keys.Length; i++)
                {
                    var key = keys[i];
                    starts[i] = (int)blocks[key >> SubstringTable.BlockShift] + relative[key];
                    ends[i] = (int)blocks[(key + 1) >> SubstringTable.BlockShift] + relative[key + 1];
                }
            }

            if (table.Slots is not { } slots)
            {
                // Table 0: a bucket is a run of consecutive slots.
                for (var i = 0; i < keys.Length; i++)
                {
                    for (var slot = starts[i]; slot < ends[i]; slot++)
                    {
                        Verify(slot, tableIndex);
                    }
                }

                return;
            }

            var candidates = _candidates;
            var count = 0;
            for (var i = 0; i < keys.Length; i++)
            {
                for (var position = starts[i]; position < ends[i]; position++)
                {
                    candidates[count++] = slots[position];
                    if (count == candidates.Length)
                    {
                        VerifyAll(candidates, tableIndex);
                        count = 0;
                    }
                }
            }

            VerifyAll(candidates[..count], tableIndex);
        }

        private readonly void VerifyAll(ReadOnlySpan<int> candidates, int tableIndex)
        {
            foreach (var slot in candidates)
            {
                Verify(slot, tableIndex);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private readonly void Verify(int slot, int tableIndex)
        {
            ref var code = ref Unsafe.Add(ref _codes, slot * Hash256.WordCount);
            var distance =
                BitOperations.PopCount(code ^ _q0) + BitOperations.PopCount(Unsafe.Add(ref code, 1) ^ _q1) +
                BitOperations.PopCount(Unsafe.Add(ref code, 2) ^ _q2) + BitOperations.PopCount(Unsafe.Add(ref code, 3) ^ _q3);
            if (distance <= _radius)
            {
                Report(ref code, slot, tableIndex, distance);
            }
        }

        private readonly void Report(ref ulong code, int slot, int tableIndex, int distance)
        {
            // Report each match once: from the first table where it is within that table's threshold.
            for (var earlier = 0; earlier < tableIndex; earlier++)
            {
                var threshold = _thresholds[earlier];
                if (threshold >= 0 &&
                    BitOperations.PopCount(ExtractKey(ref code, earlier * _bits, _keyMask) ^ _queryKeys[earlier]) <= threshold)
                {
                    return;
                }
            }

            if (!BruteForceHashScan.IsRemoved(_removed, slot))
            {
                _results.Add(new HammingMatch(_ids[slot], distance));
            }
        }
    }
}
