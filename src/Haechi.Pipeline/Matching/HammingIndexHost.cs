using Haechi.Core.Hashing;
using Haechi.Core.Matching;
using Haechi.Core.Signals;
using Haechi.Data.Banks;
using Haechi.Data.Matching;

namespace Haechi.Pipeline.Matching;

/// <summary>
/// The Hamming index of PDQ hashes (<see cref="SignalType.Pdq"/>) or of vPDQ frames under their
/// video's entry id (<see cref="SignalType.Vpdq"/>): loaded through <see cref="SignalIndexLoader"/>
/// (snapshot caught up with the change log, or rebuilt), then changed in place; the
/// <see cref="HammingIndex"/> allows searches concurrent with writes.
/// </summary>
public sealed class HammingIndexHost(SignalType signalType, SignalIndexLoader loader) : IIndexHost
{
    private volatile HammingIndex _index = new();
    private long _applied;
    private string _source = "not loaded";

    /// <inheritdoc />
    public SignalType SignalType => signalType;

    /// <inheritdoc />
    public int Count => _index.Count;

    /// <inheritdoc />
    public long AppliedChange => Volatile.Read(ref _applied);

    /// <inheritdoc />
    public IndexHostStatus Status => new(signalType.Name, Count, AppliedChange, _source);

    /// <summary>The index (searches only; the host changes it).</summary>
    public HammingIndex Index => _index;

    /// <inheritdoc />
    public async Task LoadAsync(BankSignalReader reader, CancellationToken cancellationToken)
    {
        var loaded = await loader.LoadAsync(reader, signalType, cancellationToken).ConfigureAwait(false);
        _index = loaded.Index;
        _source = loaded.Source.ToString();
        Volatile.Write(ref _applied, loaded.Checkpoint.LastRowId);
    }

    /// <inheritdoc />
    public async Task ApplyAsync(BankSignalReader reader, IReadOnlyList<BankChange> changes, long upTo, CancellationToken cancellationToken)
    {
        var applied = AppliedChange;
        await HammingIndexChanges.ApplyAsync(reader, _index, signalType, changes, applied, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _applied, Math.Max(applied, upTo));
    }

    /// <summary>
    /// Drops withdrawn entries from the index's memory (<see cref="HammingIndex.Compact"/>: their codes
    /// and table slots, which would otherwise stay as tombstones) and writes a fresh snapshot at the
    /// change applied, so neither memory nor the file on disk keeps an erased fingerprint. The caller
    /// holds the matcher's gate (no change is applied meanwhile). Seconds for ten million entries.
    /// </summary>
    public async Task CompactAndSnapshotAsync(CancellationToken cancellationToken)
    {
        var index = _index;
        if (index.RemovedCount > 0)
        {
            index.Compact();
        }

        await SignalIndexLoader.WriteSnapshotAsync(index, new IndexCheckpoint(AppliedChange, index.Count), loader.SnapshotPath(signalType), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Entries within <paramref name="radius"/> of <paramref name="query"/>, added to <paramref name="results"/>.</summary>
    public void Search(in Hash256 query, int radius, List<HammingMatch> results) => _index.Search(query, radius, results);

    /// <summary>Entries within <paramref name="radius"/> of <paramref name="query"/>.</summary>
    public List<HammingMatch> Search(in Hash256 query, int radius)
    {
        var results = new List<HammingMatch>();
        _index.Search(query, radius, results);
        return results;
    }

    /// <summary>Entries within <paramref name="radius"/> of any of <paramref name="queries"/> (dihedral transforms), closest per entry.</summary>
    public void SearchDihedral(ReadOnlySpan<Hash256> queries, int radius, List<DihedralMatch> results) => _index.SearchDihedral(queries, radius, results);
}
