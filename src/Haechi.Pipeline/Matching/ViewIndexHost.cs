using Haechi.Core.Robust;
using Haechi.Core.Signals;
using Haechi.Data.Banks;
using Haechi.Data.Matching;

namespace Haechi.Pipeline.Matching;

/// <summary>
/// The PDQ views (<see cref="SignalType.PdqView"/>) of every active entry whose bank keeps extra
/// views, victims' photos among them: a <see cref="RobustIndex"/> built from the rows at load and
/// changed by the change log. Searches and changes are serialised (the index has a single writer
/// and a search takes microseconds).
/// </summary>
public sealed class ViewIndexHost : IIndexHost
{
    private readonly Lock _gate = new();
    private RobustIndex _index = new();
    private long _applied;
    private string _source = "not loaded";

    /// <inheritdoc />
    public SignalType SignalType => SignalType.PdqView;

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
            var built = new RobustIndex();
            await AddAsync(built, reader, null, cancellationToken).ConfigureAwait(false);
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
        if (withdrawn.Count > 0)
        {
            lock (_gate)
            {
                foreach (var id in withdrawn)
                {
                    _index.Remove(id);
                }
            }
        }

        if (added.Count > 0)
        {
            await AddAsync(null, reader, added, cancellationToken).ConfigureAwait(false);
        }

        Volatile.Write(ref _applied, Math.Max(AppliedChange, upTo));
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

    // Reads the views of the entries (all, or some) grouped by entry and adds them to 'target', or to the live index under the lock.
    private async Task AddAsync(RobustIndex? target, BankSignalReader reader, IReadOnlyCollection<long>? entryIds, CancellationToken cancellationToken)
    {
        var views = new List<RobustView>();
        long current = -1;
        await foreach (var (entryId, view) in reader.ReadActiveViewsAsync(entryIds, cancellationToken).ConfigureAwait(false))
        {
            if (entryId != current && views.Count > 0)
            {
                Add(target, current, views);
            }

            current = entryId;
            views.Add(view);
        }

        if (views.Count > 0)
        {
            Add(target, current, views);
        }
    }

    private void Add(RobustIndex? target, long entryId, List<RobustView> views)
    {
        RobustView[] array = [.. views];
        views.Clear();
        if (target is not null)
        {
            target.Add(entryId, array);
            return;
        }

        lock (_gate)
        {
            _index.Remove(entryId);
            _index.Add(entryId, array);
        }
    }
}
