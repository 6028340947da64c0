using Haechi.Core.Robust.Local;

namespace Haechi.Server.Features.Matching;

/// <summary>
/// The local-feature index of every active bank entry that has local features (victims who opted in,
/// banks created with the local signal), loaded at start-up and kept current by the operations that
/// add or withdraw entries, right after their transaction commits. Searches and changes are
/// serialised (the index allows concurrent searches only without writers).
/// </summary>
internal sealed class LocalIndex
{
    private readonly Lock _gate = new();
    private LocalFeatureIndex _index = new();

    /// <summary>Images (bank entries) in the index.</summary>
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

    public void Publish(LocalFeatureIndex index)
    {
        ArgumentNullException.ThrowIfNull(index);
        lock (_gate)
        {
            _index = index;
        }
    }

    public void Add(IReadOnlyList<(long Id, LocalFeatures Features)> entries)
    {
        lock (_gate)
        {
            foreach (var (id, features) in entries)
            {
                _index.Add(id, features);
            }
        }
    }

    /// <summary>Removes withdrawn entries; ids without local features are ignored.</summary>
    public void Remove(IEnumerable<long> ids)
    {
        lock (_gate)
        {
            foreach (var id in ids)
            {
                _index.Remove(id);
            }
        }
    }

    public bool Contains(long id)
    {
        lock (_gate)
        {
            return _index.Contains(id);
        }
    }

    /// <summary>Entries whose local features a query's features match (geometry verified), strongest first.</summary>
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
