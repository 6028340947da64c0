using Haechi.Core.Hashing;
using Haechi.Core.Matching;
using Haechi.Core.Review;
using Haechi.Data;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Pipeline.Review;

/// <summary>
/// The PDQ hashes of decided review items in a <see cref="HammingIndex"/>, so that returning content
/// is recognised without scanning every decision: loaded from the store on first use, then kept
/// current by the server's decision use case after each decision commits. One per process
/// (registered by <see cref="ReviewQueueFeature.AddReviewQueue"/>).
/// </summary>
public sealed class DecidedContentIndex : IDisposable
{
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _loading = new(1, 1);
    private HammingIndex? _index;

    /// <summary>The decided item with the closest PDQ within <see cref="ReviewRules.SameContentPdqDistance"/> (oldest on ties), or null.</summary>
    public async Task<long?> FindAsync(HaechiDbContext db, Hash256 pdq, CancellationToken cancellationToken)
    {
        var index = await LoadedAsync(db, cancellationToken).ConfigureAwait(false);
        var results = new List<HammingMatch>();
        lock (_gate)
        {
            index.Search(pdq, ReviewRules.SameContentPdqDistance, results);
        }

        HammingMatch? best = null;
        foreach (var match in results)
        {
            if (best is null || match.Distance < best.Value.Distance || (match.Distance == best.Value.Distance && match.Id < best.Value.Id))
            {
                best = match;
            }
        }

        return best?.Id;
    }

    /// <summary>Adds a decided item's PDQ (after its decision committed); before the first load it is read from the store anyway.</summary>
    public void Add(long itemId, Hash256 pdq)
    {
        lock (_gate)
        {
            _index?.Add(pdq, itemId);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _loading.Dispose();

    private async Task<HammingIndex> LoadedAsync(HaechiDbContext db, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _index) is { } ready)
        {
            return ready;
        }

        await _loading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_index is { } loaded)
            {
                return loaded;
            }

            var index = new HammingIndex();
            var rows = db.ReviewItems.AsNoTracking().Where(r => r.Status == ReviewStatus.Decided && r.Pdq != null).Select(r => new { r.Id, r.Pdq }).AsAsyncEnumerable();
            await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                index.Add(Hash256.ReadBigEndian(row.Pdq), row.Id);
            }

            lock (_gate)
            {
                _index = index;
            }

            return index;
        }
        finally
        {
            _loading.Release();
        }
    }
}
