using Haechi.Core.Signals;
using Haechi.Data.Banks;

namespace Haechi.Pipeline.Matching;

/// <summary>
/// The shared part of the index hosts whose index has a single writer and no concurrent search
/// (<see cref="ViewIndexHost"/>, <see cref="LocalFeatureIndexHost"/>): every search and change takes
/// <see cref="Gate"/>; the index is built from the rows at load and changed by the change log.
/// </summary>
/// <typeparam name="TIndex">The index type.</typeparam>
public abstract class LockedIndexHost<TIndex> : IIndexHost
    where TIndex : class
{
    private long _applied;
    private string _source = "not loaded";

    /// <summary>Serialises searches and changes.</summary>
    protected Lock Gate { get; } = new();

    /// <summary>The live index (read or change it under <see cref="Gate"/>).</summary>
    protected TIndex Index { get; private set; } = null!;

    /// <inheritdoc />
    public abstract SignalType SignalType { get; }

    /// <inheritdoc />
    public int Count
    {
        get
        {
            lock (Gate)
            {
                return Index is null ? 0 : CountOf(Index);
            }
        }
    }

    /// <inheritdoc />
    public long AppliedChange => Volatile.Read(ref _applied);

    /// <inheritdoc />
    public IndexHostStatus Status => new(SignalType.Name, Count, AppliedChange, _source);

    /// <inheritdoc />
    public async Task LoadAsync(BankSignalReader reader, CancellationToken cancellationToken)
    {
        var (index, at) = await Data.Matching.BankReadSnapshot.ReadAsync(reader, async change => (await BuildAsync(reader, cancellationToken).ConfigureAwait(false), change), cancellationToken).ConfigureAwait(false);
        lock (Gate)
        {
            Index = index;
        }

        _source = "BuiltFromRows";
        Volatile.Write(ref _applied, at);
    }

    /// <inheritdoc />
    public async Task ApplyAsync(BankSignalReader reader, IReadOnlyList<BankChange> changes, long upTo, CancellationToken cancellationToken)
    {
        // Views and keypoints belong to entries of PDQ banks.
        var added = Data.Matching.HammingIndexChanges.Split(changes, SignalType.Pdq, AppliedChange, out var withdrawn);
        lock (Gate)
        {
            foreach (var id in withdrawn)
            {
                Remove(Index, id);
            }
        }

        if (added.Count > 0)
        {
            await AddAsync(reader, added, cancellationToken).ConfigureAwait(false);
        }

        Volatile.Write(ref _applied, Math.Max(AppliedChange, upTo));
    }

    /// <summary>A new index from every active row.</summary>
    protected abstract Task<TIndex> BuildAsync(BankSignalReader reader, CancellationToken cancellationToken);

    /// <summary>Reads the added entries and adds them (taking <see cref="Gate"/> per entry).</summary>
    protected abstract Task AddAsync(BankSignalReader reader, IReadOnlyCollection<long> entryIds, CancellationToken cancellationToken);

    /// <summary>Removes one entry (under the gate).</summary>
    protected abstract void Remove(TIndex index, long entryId);

    /// <summary>Entries in the index (under the gate).</summary>
    protected abstract int CountOf(TIndex index);
}
