using Haechi.Core.Signals;
using Haechi.Data.Banks;

namespace Haechi.Pipeline.Matching;

/// <summary>Sorts a batch of bank changes for one index host.</summary>
internal static class IndexChanges
{
    /// <summary>
    /// The entries of <paramref name="bankType"/> banks added after <paramref name="after"/> and not
    /// withdrawn later in the batch; <paramref name="withdrawn"/> gets the entries withdrawn.
    /// </summary>
    public static List<long> Split(IReadOnlyList<BankChange> changes, SignalType bankType, long after, out List<long> withdrawn)
    {
        ArgumentNullException.ThrowIfNull(changes);
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
            else
            {
                withdrawn.Add(change.EntryId);
                added.Remove(change.EntryId);
            }
        }

        return added;
    }
}
