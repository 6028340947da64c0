using Haechi.Core.Robust.Local;
using Haechi.Core.Signals;
using Haechi.Data.Banks;
using Haechi.Data.Matching;

namespace Haechi.Pipeline.Matching;

/// <summary>
/// The local features (<see cref="SignalType.Local"/>) of every active entry that keeps them (banks
/// created with the local signal, victims who opted in): built from the rows at load, changed by
/// the change log. Searches and changes are serialised.
/// </summary>
public sealed class LocalFeatureIndexHost : IIndexHost
{
    private readonly Lock _gate = new();
    private LocalFeatureIndex _index = new();
    private long _applied;
    private string _source = "not loaded";

    /// <inheritdoc />
    public SignalType SignalType => SignalType.Local;

    /// <inheritdoc />
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _index.ImageCount;
            }
        }
    }

    /// <summary>Whether entry <paramref name="entryId"/> is in the index.</summary>
    public bool Contains(long entryId)
    {
        lock (_gate)
        {
            return _index.Contains(entryId);
        }
    }

    /// <inheritdoc />
    public long AppliedChange => Volatile.Read(ref _applied);

    /// <inheritdoc />
    public IndexHostStatus Status => new(SignalType.Name, Count, AppliedChange, _source);

    /// <inheritdoc />
    public async Task LoadAsync(BankSignalReader reader, CancellationToken cancellationToken)
    {
        var (index, at) = await BankReadSnapshot.ReadAsync(reader, async change =>
        {
            var built = new LocalFeatureIndex();
            await foreach (var (entryId, features) in reader.ReadActiveLocalFeaturesAsync(null, cancellationToken).ConfigureAwait(false))
            {
                built.Add(entryId, features);
            }

            return (built, change);
        }, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _index = index;
        }

        _source = "BuiltFromRows";
        Volatile.Write(ref _applied, at);
    }

    /// <inheritdoc />
    public async Task ApplyAsync(BankSignalReader reader, IReadOnlyList<BankChange> changes, long upTo, CancellationToken cancellationToken)
    {
        var added = IndexChanges.Split(changes, SignalType.Pdq, AppliedChange, out var withdrawn);
        lock (_gate)
        {
            foreach (var id in withdrawn)
            {
                _index.Remove(id);
            }
        }

        if (added.Count > 0)
        {
            await foreach (var (entryId, features) in reader.ReadActiveLocalFeaturesAsync(added, cancellationToken).ConfigureAwait(false))
            {
                lock (_gate)
                {
                    _index.Remove(entryId);
                    _index.Add(entryId, features);
                }
            }
        }

        Volatile.Write(ref _applied, Math.Max(AppliedChange, upTo));
    }

    /// <summary>Entries whose local features the query's features match (geometry verified), strongest first.</summary>
    public List<LocalMatch> Search(LocalFeatures query)
    {
        var results = new List<LocalMatch>();
        lock (_gate)
        {
            _index.Search(query, results);
        }

        return results;
    }
}
