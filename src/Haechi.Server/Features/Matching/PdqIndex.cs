using Haechi.Core.Hashing;
using Haechi.Core.Matching;

namespace Haechi.Server.Features.Matching;

/// <summary>
/// The PDQ index of every active bank entry, loaded at start-up and kept current by the operations
/// that add or withdraw entries, right after their transaction commits.
/// </summary>
internal sealed class PdqIndex
{
    private volatile HammingIndex? _index;

    /// <summary>Whether the index has been loaded.</summary>
    public bool IsReady => _index is not null;

    /// <summary>Live entries.</summary>
    public int Count => _index?.Count ?? 0;

    public void Publish(HammingIndex index) => _index = index;

    public void Add(IReadOnlyList<(long Id, Hash256 Signal)> entries)
    {
        var index = Loaded();
        foreach (var (id, signal) in entries)
        {
            index.Add(signal, id);
        }
    }

    public void Remove(IReadOnlyList<(long Id, Hash256 Signal)> entries)
    {
        var index = Loaded();
        foreach (var (id, signal) in entries)
        {
            index.Remove(id, signal);
        }
    }

    /// <summary>Entries within <paramref name="radius"/> of <paramref name="query"/>.</summary>
    public List<HammingMatch> Search(Hash256 query, int radius)
    {
        var results = new List<HammingMatch>();
        Loaded().Search(query, radius, results);
        return results;
    }

    private HammingIndex Loaded() => _index ?? throw new InvalidOperationException("The PDQ index is not loaded yet.");
}
