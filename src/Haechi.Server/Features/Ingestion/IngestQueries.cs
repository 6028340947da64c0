using Haechi.Data;
using Haechi.Data.Ingestion;
using Haechi.Pipeline.Ingestion;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Server.Features.Ingestion;

/// <summary>
/// One ingestion item as staff see it: source, state, error code, fingerprints summary and the signal
/// that matched it (<c>pdq</c>, <c>view</c>, <c>vpdq</c>, <c>face</c>); never the content.
/// </summary>
internal sealed record IngestItemView(
    long Id,
    string SourceKind,
    string SourceId,
    string State,
    string? FailedIn,
    string? LastError,
    int Attempts,
    string? ContentKind,
    long Length,
    string? Sha256,
    int MatchCount,
    long? ReviewItemId,
    bool Duplicate,
    DateTimeOffset ReceivedAt,
    DateTimeOffset UpdatedAt,
    string? Signal = null)
{
    public static IngestItemView Of(IngestItemRecord i)
    {
        ArgumentNullException.ThrowIfNull(i);
        return new IngestItemView(
            i.Id, i.SourceKind, i.SourceId, Name(i.State), i.FailedIn is { } f ? Name(f) : null, i.LastError, i.Attempts, i.ContentKind, i.Length,
            i.Sha256 is null ? null : Convert.ToHexStringLower(i.Sha256), i.MatchCount, i.ReviewItemId, i.DuplicateOf is not null, i.ReceivedAt, i.UpdatedAt, i.Signal);
    }

    public static string Name(IngestState state) => state.ToString().ToLowerInvariant();
}

/// <summary>One import of seized files (CLI <c>haechi ingest import</c> or the upload form): its batch id and item counts.</summary>
internal sealed record ImportBatchView(string Batch, int Items, int Done, int Failed, int Pending, int Matched, DateTimeOffset ReceivedAt);

/// <summary>
/// Reads for the ingestion health page and API: items (failed ones with their error codes first),
/// retry of every failed item with one error code, and the recent imports with their manifests.
/// </summary>
internal sealed class IngestQueries(HaechiDbContext db, IIngestionPipeline pipeline)
{
    /// <summary>The source kind of imported files (as <c>haechi ingest import</c> writes it).</summary>
    public const string ImportKind = "import";

    /// <summary>Items in <paramref name="state"/> (all when null), newest first.</summary>
    public async Task<List<IngestItemView>> ListAsync(IngestState? state, string? sourceKind, int take, CancellationToken cancellationToken)
    {
        var query = db.IngestItems.AsNoTracking();
        if (state is { } s)
        {
            query = query.Where(i => i.State == s);
        }

        if (!string.IsNullOrEmpty(sourceKind))
        {
            query = query.Where(i => i.SourceKind == sourceKind);
        }

        var rows = await query.OrderByDescending(i => i.Id).Take(Math.Clamp(take, 1, 1000)).ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(IngestItemView.Of);
    }

    /// <summary>Retries every failed item whose error code is <paramref name="errorCode"/>; returns how many went back.</summary>
    public async Task<int> RetryAllAsync(string errorCode, CancellationToken cancellationToken)
    {
        var ids = await db.IngestItems.AsNoTracking().Where(i => i.State == IngestState.Failed && i.LastError == errorCode)
            .OrderBy(i => i.Id).Select(i => i.Id).Take(10_000).ToListAsync(cancellationToken).ConfigureAwait(false);
        var retried = 0;
        foreach (var id in ids)
        {
            if (await pipeline.RetryAsync(id, cancellationToken).ConfigureAwait(false))
            {
                retried++;
            }
        }

        return retried;
    }

    /// <summary>The most recent import batches (by their first item).</summary>
    public async Task<List<ImportBatchView>> ImportsAsync(int take, CancellationToken cancellationToken)
    {
        // Source ids are "import:{batch}:{name hash}"; batches are few, items per batch many: group in memory over the recent items.
        var rows = await db.IngestItems.AsNoTracking().Where(i => i.SourceKind == ImportKind).OrderByDescending(i => i.Id).Take(20_000)
            .Select(i => new { i.SourceId, i.State, i.MatchCount, i.ReceivedAt }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var batches = new Dictionary<string, ImportBatchView>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var row in rows)
        {
            if (BatchOf(row.SourceId) is not { } batch)
            {
                continue;
            }

            if (!batches.TryGetValue(batch, out var view))
            {
                view = new ImportBatchView(batch, 0, 0, 0, 0, 0, row.ReceivedAt);
                order.Add(batch);
            }

            batches[batch] = view with
            {
                Items = view.Items + 1,
                Done = view.Done + (row.State == IngestState.Done ? 1 : 0),
                Failed = view.Failed + (row.State == IngestState.Failed ? 1 : 0),
                Pending = view.Pending + (row.State is not IngestState.Done and not IngestState.Failed ? 1 : 0),
                Matched = view.Matched + (row.MatchCount > 0 ? 1 : 0),
                ReceivedAt = row.ReceivedAt < view.ReceivedAt ? row.ReceivedAt : view.ReceivedAt,
            };
        }

        var result = new List<ImportBatchView>(Math.Min(take, order.Count));
        foreach (var batch in order)
        {
            if (result.Count == take)
            {
                break;
            }

            result.Add(batches[batch]);
        }

        return result;
    }

    /// <summary>The manifest of one import: its items in order, or an empty list when the batch is unknown.</summary>
    public async Task<List<IngestItemView>> ManifestAsync(string batch, CancellationToken cancellationToken)
    {
        var prefix = "import:" + batch + ":";
        var rows = await db.IngestItems.AsNoTracking().Where(i => i.SourceKind == ImportKind && i.SourceId.StartsWith(prefix))
            .OrderBy(i => i.Id).Take(100_000).ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(IngestItemView.Of);
    }

    /// <summary>The batch id in an import's source id, or null.</summary>
    public static string? BatchOf(string sourceId)
    {
        ArgumentNullException.ThrowIfNull(sourceId);
        var parts = sourceId.Split(':');
        return parts.Length == 3 && parts[0] == "import" && parts[1].Length > 0 ? parts[1] : null;
    }
}
