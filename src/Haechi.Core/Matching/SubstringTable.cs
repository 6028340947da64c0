namespace Haechi.Core.Matching;

/// <summary>
/// One bucket table of a multi-index: the slots of a segment sorted by the value (key) of one
/// substring of their codes, in compressed sparse row form. Bucket <c>k</c> holds the slots at
/// positions <c>start(k) .. start(k + 1) - 1</c> of <see cref="Slots"/>.
/// </summary>
/// <remarks>
/// Bucket starts are stored in two levels to keep them small: an absolute <c>uint</c> start for each
/// block of 256 buckets, plus a <c>ushort</c> start relative to its block for each bucket (2 bytes per
/// bucket instead of 4). When a block holds more than 65,535 entries (heavily skewed data, such as
/// many copies of one code) the table falls back to absolute <c>uint</c> starts.
/// </remarks>
internal sealed class SubstringTable
{
    public const int BlockShift = 8;

    public SubstringTable(int[]? slots, uint[] blockStarts, ushort[]? relativeStarts, uint[]? absoluteStarts)
    {
        Slots = slots;
        BlockStarts = blockStarts;
        RelativeStarts = relativeStarts;
        AbsoluteStarts = absoluteStarts;
    }

    /// <summary>Slots sorted by key (and by slot within a key); null for the table the segment itself is sorted by.</summary>
    public int[]? Slots { get; }

    /// <summary>Absolute start of each block of 256 buckets, plus one past the end.</summary>
    public uint[] BlockStarts { get; }

    /// <summary>Start of each bucket relative to its block, plus the end; null when <see cref="AbsoluteStarts"/> is used.</summary>
    public ushort[]? RelativeStarts { get; }

    /// <summary>Absolute start of each bucket plus the end, for skewed tables; otherwise null.</summary>
    public uint[]? AbsoluteStarts { get; }

    public bool IsWide => AbsoluteStarts is not null;

    public long MemoryBytes =>
        ((long)(Slots?.Length ?? 0) * sizeof(int)) + ((long)BlockStarts.Length * sizeof(uint)) +
        ((long)(RelativeStarts?.Length ?? 0) * sizeof(ushort)) + ((long)(AbsoluteStarts?.Length ?? 0) * sizeof(uint));

    /// <summary>Builds the start arrays from <paramref name="starts"/> (bucket count + 1 absolute starts).</summary>
    public static SubstringTable Create(int[]? slots, ReadOnlySpan<int> starts)
    {
        var buckets = starts.Length - 1;
        var blockStarts = new uint[(buckets >> BlockShift) + 1];
        for (var block = 0; block < blockStarts.Length; block++)
        {
            blockStarts[block] = (uint)starts[block << BlockShift];
        }

        var relative = GC.AllocateUninitializedArray<ushort>(starts.Length);
        for (var key = 0; key < starts.Length; key++)
        {
            var offset = starts[key] - (int)blockStarts[key >> BlockShift];
            if (offset > ushort.MaxValue)
            {
                var absolute = GC.AllocateUninitializedArray<uint>(starts.Length);
                for (var k = 0; k < starts.Length; k++)
                {
                    absolute[k] = (uint)starts[k];
                }

                return new SubstringTable(slots, blockStarts, null, absolute);
            }

            relative[key] = (ushort)offset;
        }

        return new SubstringTable(slots, blockStarts, relative, null);
    }

    /// <summary>The first position of bucket <paramref name="key"/>.</summary>
    public int Start(uint key) => AbsoluteStarts is { } absolute
        ? (int)absolute[key]
        : (int)BlockStarts[key >> BlockShift] + RelativeStarts![key];
}
