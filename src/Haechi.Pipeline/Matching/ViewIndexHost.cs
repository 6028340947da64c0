using Haechi.Core.Robust;
using Haechi.Core.Signals;
using Haechi.Data.Banks;

namespace Haechi.Pipeline.Matching;

/// <summary>
/// The PDQ views (<see cref="SignalType.PdqView"/>) of every active entry whose bank keeps extra
/// views, victims' photos among them: a <see cref="RobustIndex"/> built from the rows at load and
/// changed by the change log. Searches and changes are serialised (the index has a single writer
/// and a search takes microseconds).
/// </summary>
public sealed class ViewIndexHost : LockedIndexHost<RobustIndex>
{
    /// <inheritdoc />
    public override SignalType SignalType => SignalType.PdqView;

    /// <summary>Whether entry <paramref name="entryId"/> has views in the index.</summary>
    public bool Contains(long entryId)
    {
        lock (Gate)
        {
            return Index?.Contains(entryId) == true;
        }
    }

    /// <summary>Entries one of whose views is close to one of the query's views, closest first (one per entry).</summary>
    public List<RobustMatch> Search(ReadOnlySpan<RobustView> queryViews)
    {
        var results = new List<RobustMatch>();
        lock (Gate)
        {
            Index?.Search(queryViews, results);
        }

        return results;
    }

    /// <inheritdoc />
    protected override async Task<RobustIndex> BuildAsync(BankSignalReader reader, CancellationToken cancellationToken)
    {
        // One build of the whole bank: adding image by image would rebuild the index every few thousand views.
        var builder = new RobustIndex.Builder();
        await ReadAsync(reader, null, (id, views) => builder.Add(id, views), cancellationToken).ConfigureAwait(false);
        return builder.Build();
    }

    /// <inheritdoc />
    protected override Task AddAsync(BankSignalReader reader, IReadOnlyCollection<long> entryIds, CancellationToken cancellationToken) =>
        ReadAsync(
            reader,
            entryIds,
            (id, views) =>
            {
                lock (Gate)
                {
                    Index.Remove(id);
                    Index.Add(id, views);
                }
            },
            cancellationToken);

    /// <inheritdoc />
    protected override void Remove(RobustIndex index, long entryId) => index.Remove(entryId);

    /// <inheritdoc />
    protected override int CountOf(RobustIndex index) => index.ImageCount;

    // Reads the views of the entries (all, or some), grouped by entry.
    private static async Task ReadAsync(BankSignalReader reader, IReadOnlyCollection<long>? entryIds, Action<long, RobustView[]> add, CancellationToken cancellationToken)
    {
        var views = new List<RobustView>();
        long current = -1;
        await foreach (var (entryId, view) in reader.ReadActiveViewsAsync(entryIds, cancellationToken).ConfigureAwait(false))
        {
            if (entryId != current && views.Count > 0)
            {
                add(current, [.. views]);
                views.Clear();
            }

            current = entryId;
            views.Add(view);
        }

        if (views.Count > 0)
        {
            add(current, [.. views]);
        }
    }
}
