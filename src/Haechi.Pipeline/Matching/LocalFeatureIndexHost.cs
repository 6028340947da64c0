using Haechi.Core.Robust.Local;
using Haechi.Core.Signals;
using Haechi.Data.Banks;

namespace Haechi.Pipeline.Matching;

/// <summary>
/// The local features (<see cref="SignalType.Local"/>) of every active entry that keeps them (banks
/// created with the local signal, victims who opted in): built from the rows at load, changed by
/// the change log. Searches and changes are serialised.
/// </summary>
public sealed class LocalFeatureIndexHost : LockedIndexHost<LocalFeatureIndex>
{
    /// <inheritdoc />
    public override SignalType SignalType => SignalType.Local;

    /// <summary>Whether entry <paramref name="entryId"/> has keypoints in the index.</summary>
    public bool Contains(long entryId)
    {
        lock (Gate)
        {
            return Index?.Contains(entryId) == true;
        }
    }

    /// <summary>Entries whose local features the query's features match (geometry verified), strongest first.</summary>
    public List<LocalMatch> Search(LocalFeatures query)
    {
        var results = new List<LocalMatch>();
        lock (Gate)
        {
            Index?.Search(query, results);
        }

        return results;
    }

    /// <inheritdoc />
    protected override async Task<LocalFeatureIndex> BuildAsync(BankSignalReader reader, CancellationToken cancellationToken)
    {
        var built = new LocalFeatureIndex();
        await foreach (var (entryId, features) in reader.ReadActiveLocalFeaturesAsync(null, cancellationToken).ConfigureAwait(false))
        {
            built.Add(entryId, features);
        }

        return built;
    }

    /// <inheritdoc />
    protected override async Task AddAsync(BankSignalReader reader, IReadOnlyCollection<long> entryIds, CancellationToken cancellationToken)
    {
        await foreach (var (entryId, features) in reader.ReadActiveLocalFeaturesAsync(entryIds, cancellationToken).ConfigureAwait(false))
        {
            lock (Gate)
            {
                Index.Remove(entryId);
                Index.Add(entryId, features);
            }
        }
    }

    /// <inheritdoc />
    protected override void Remove(LocalFeatureIndex index, long entryId) => index.Remove(entryId);

    /// <inheritdoc />
    protected override int CountOf(LocalFeatureIndex index) => index.ImageCount;
}
