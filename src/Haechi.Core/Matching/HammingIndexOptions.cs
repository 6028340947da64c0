namespace Haechi.Core.Matching;

/// <summary>Tuning of a <see cref="HammingIndex"/>. The defaults suit PDQ-sized banks from a few thousand to tens of millions of codes.</summary>
public sealed record HammingIndexOptions
{
    /// <summary>The options used when none are given.</summary>
    public static HammingIndexOptions Default { get; } = new();

    /// <summary>
    /// Number of substring tables; 0 (the default) picks it from the number of codes at each build.
    /// Set together with <see cref="BitsPerTable"/>; <c>TableCount · BitsPerTable</c> must not exceed 256.
    /// </summary>
    public int TableCount { get; init; }

    /// <summary>Bits per substring (10..24); 0 (the default) picks it from the number of codes at each build.</summary>
    public int BitsPerTable { get; init; }

    /// <summary>
    /// When an <see cref="HammingIndex.Add"/> brings the number of pending (added since the last build)
    /// entries to this many, that call compacts the index before it returns. Pending entries are
    /// scanned by every query, so keep this small; callers that compact in the background
    /// (<see cref="HammingIndex.NeedsCompaction"/>) rarely reach it. Default 65,536.
    /// </summary>
    public int MaxPendingCount { get; init; } = 65_536;

    /// <summary>Threads used to build the tables; default: the processor count.</summary>
    public int BuildParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Probe the tables at every radius up to 64 even where a scan is expected to be cheaper (tests).</summary>
    internal bool AlwaysUseTables { get; init; }

    internal void Validate()
    {
        if (TableCount < 0 || BitsPerTable < 0 || (TableCount == 0) != (BitsPerTable == 0))
        {
            ThrowHelper.ThrowArgument(nameof(TableCount), "Set both TableCount and BitsPerTable, or neither.");
        }

        if (TableCount > 0 && (BitsPerTable < 10 || BitsPerTable > 24 || TableCount * BitsPerTable > 256))
        {
            ThrowHelper.ThrowArgument(nameof(BitsPerTable), "BitsPerTable must be 10..24 and TableCount × BitsPerTable at most 256.");
        }

        if (MaxPendingCount < 1)
        {
            ThrowHelper.ThrowArgument(nameof(MaxPendingCount), "MaxPendingCount must be positive.");
        }
    }

    internal (int TableCount, int BitsPerTable) LayoutFor(int count) =>
        TableCount > 0 && count > 0 ? (TableCount, BitsPerTable) : IndexSegment.ChooseLayout(count);
}
