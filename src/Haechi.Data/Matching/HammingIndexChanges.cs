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
    /// <summary>Applies the changes of <paramref name="signalType"/>; returns how many entries were added or withdrawn.</summary>
    public static async Task<int> ApplyAsync(BankSignalReader reader, HammingIndex index, SignalType signalType, IReadOnlyList<BankChange> changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(signalType);
        ArgumentNullException.ThrowIfNull(changes);
        var added = new List<long>();
        var applied = 0;
        foreach (var change in changes)
        {
            if (!string.Equals(change.SignalType, signalType.Name, StringComparison.Ordinal))
            {
                continue;
            }

            if (change.Kind == BankChangeKind.Added)
            {
                added.Add(change.EntryId);
            }
            else
            {
                index.Remove(change.EntryId);
                added.Remove(change.EntryId);
                applied++;
            }
        }

        if (added.Count == 0)
        {
            return applied;
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

        return applied + added.Count;
    }
}
