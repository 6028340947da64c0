using Haechi.Core.Robust;

namespace Haechi.Server.Features.Matching;

/// <summary>
/// The PDQ views (plain PDQ, crops, canonical views, ...) of every active entry of the banks that
/// keep extra views, the victim-registered bank among them: loaded at start-up from the rows and kept
/// current by case registration, added photos and withdrawal right after their transaction commits,
/// so report screenshots are matched by a registered crop without a restart. Searches and changes are
/// serialised (<see cref="RobustIndex"/> has a single writer; a search takes microseconds).
/// </summary>
internal sealed class ViewIndex
{
    private readonly Lock _gate = new();
    private RobustIndex _index = new();

    /// <summary>Entries with views in the index.</summary>
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

    public void Publish(RobustIndex index)
    {
        ArgumentNullException.ThrowIfNull(index);
        lock (_gate)
        {
            _index = index;
        }
    }

    /// <summary>Adds entries with their views (the plain PDQ first).</summary>
    public void Add(IReadOnlyList<(long Id, RobustView[] Views)> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        lock (_gate)
        {
            foreach (var (id, views) in entries)
            {
                _index.Add(id, views);
            }
        }
    }

    /// <summary>Removes withdrawn entries; ids without views are ignored.</summary>
    public void Remove(IEnumerable<long> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
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

    /// <summary>Entries one of whose views is close to one of the query's views, closest first (one per entry).</summary>
    public List<RobustMatch> Search(ReadOnlySpan<RobustView> queryViews)
    {
        var results = new List<RobustMatch>();
        lock (_gate)
        {
            _index.Search(queryViews, results);
        }

        return results;
    }
}
