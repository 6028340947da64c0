using Haechi.Core.Signals;
using Haechi.Data.Banks;

namespace Haechi.Pipeline.Matching;

/// <summary>Where an index host stands: what it holds and how far behind the store it may be.</summary>
/// <param name="SignalType">The signal type it indexes.</param>
/// <param name="Count">Entries (images, videos or faces) in the index.</param>
/// <param name="AppliedChange">The last bank change it holds (its checkpoint).</param>
/// <param name="Source">How it was loaded (snapshot, caught up, built from rows).</param>
public sealed record IndexHostStatus(string SignalType, int Count, long AppliedChange, string Source);

/// <summary>
/// The one in-memory index of a signal type in a process: loaded from a snapshot or the bank rows,
/// then kept current by applying committed bank changes (<see cref="BankChange"/>) in id order.
/// Load and apply are called by <see cref="Matcher"/> only, one at a time; searches may run on any
/// thread meanwhile.
/// </summary>
public interface IIndexHost
{
    /// <summary>The signal type it indexes.</summary>
    SignalType SignalType { get; }

    /// <summary>Entries in the index.</summary>
    int Count { get; }

    /// <summary>The last bank change the index holds.</summary>
    long AppliedChange { get; }

    /// <summary>Its status for health checks.</summary>
    IndexHostStatus Status { get; }

    /// <summary>Loads the index (snapshot or rows) and sets <see cref="AppliedChange"/>.</summary>
    Task LoadAsync(BankSignalReader reader, CancellationToken cancellationToken);

    /// <summary>Applies the changes after <see cref="AppliedChange"/> among <paramref name="changes"/> (id order) and advances it to <paramref name="upTo"/>.</summary>
    Task ApplyAsync(BankSignalReader reader, IReadOnlyList<BankChange> changes, long upTo, CancellationToken cancellationToken);
}
