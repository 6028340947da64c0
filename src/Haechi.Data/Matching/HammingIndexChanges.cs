using Haechi.Core.Matching;
using Haechi.Core.Signals;
using Haechi.Core.Video;
using Haechi.Data.Banks;

namespace Haechi.Data.Matching;

/// <summary>
/// Applies bank changes to a Hamming index of one signal type (PDQ hashes, or vPDQ frames under
/// their entry id): withdrawals first, then the added entries that are still active when read (an
/// entry added and withdrawn in the same batch is never indexed). Applying each change once, in
/// id order, keeps the index equal to the active rows.
/// </summary>
public static class HammingIndexChanges
{
    /// <summary>
    /// The entries of <paramref name="bankType"/> banks added after change <paramref name="after"/>
    /// and not withdrawn later in the batch; <paramref name="withdrawn"/> gets the entries withdrawn.
    /// </summary>
    public static List<long> Split(IReadOnlyList<BankChange> changes, SignalType bankType, long after, out List<long> withdrawn)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(bankType);
        var added = new List<long>();
        withdrawn = [];
        foreach (var change in changes)
        {
            if (change.Id <= after || !string.Equals(change.SignalType, bankType.Name, StringComparison.Ordinal))
            {
                continue;
            }

            if (change.Kind == BankChangeKind.Added)
            {
                added.Add(change.EntryId);
            }
            else if (change.Kind == BankChangeKind.Withdrawn)
            {
                withdrawn.Add(change.EntryId);
                added.Remove(change.EntryId);
            }
        }

        return added;
    }

    /// <summary>
    /// The pruning horizon among <paramref name="changes"/> that a checkpoint at <paramref name="after"/>
    /// has not passed, or null: when there is one, changes before it are gone and the index must be
    /// rebuilt from the rows instead of caught up.
    /// </summary>
    public static BankChange? PrunedAfter(IReadOnlyList<BankChange> changes, long after)
    {
        ArgumentNullException.ThrowIfNull(changes);
        foreach (var change in changes)
        {
            if (change.Kind == BankChangeKind.Pruned && change.Id > after)
            {
                return change;
            }
        }

        return null;
    }

    /// <summary>Applies the changes of <paramref name="signalType"/> after change <paramref name="after"/>; returns how many entries were added or withdrawn.</summary>
    public static async Task<int> ApplyAsync(BankSignalReader reader, HammingIndex index, SignalType signalType, IReadOnlyList<BankChange> changes, long after, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(index);
        var added = Split(changes, signalType, after, out var withdrawn);
        foreach (var id in withdrawn)
        {
            index.Remove(id);
        }

        if (added.Count == 0)
        {
            return withdrawn.Count;
        }

        if (signalType.Kind == ContentKind.Video)
        {
            await foreach (var (id, signal) in reader.ReadActiveFrameSignalsAsync(VpdqMatchOptions.DefaultMinQuality, added, cancellationToken).ConfigureAwait(false))
            {
                index.Add(signal, id);
            }
        }
        else
        {
            await foreach (var (id, signal, _) in reader.ReadActiveSignalsAsync(signalType, added, cancellationToken).ConfigureAwait(false))
            {
                index.Add(signal, id);
            }
        }

        return withdrawn.Count + added.Count;
    }
}
