using System.Globalization;
using Haechi.Core.Faces;
using Haechi.Data;
using Haechi.Data.Audit;
using Haechi.Data.Ingestion;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Pipeline.Ingestion;

/// <summary>
/// The durable ingestion queue in Haechi's store: enqueue (unique per source, with back-pressure),
/// claim a batch with a lease, the state transitions of an item, and the group commit of a batch's
/// results (only for the items whose lease this worker still holds), with the digest register of
/// exact repeats. Every statement the queue runs on the store is here.
/// </summary>
internal sealed class IngestQueue(Func<CancellationToken, Task<HaechiDbContext>> openContext, string dataDirectory, IngestionOptions options, TimeProvider time, string worker)
{
    /// <summary>Stores an item durably, or refuses it when the queue is full; an item already accepted is not queued twice.</summary>
    public async Task<EnqueueResult> EnqueueAsync(IngestRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Validate(request);
        await using var db = await openContext(cancellationToken).ConfigureAwait(false);
        var existing = await FindAsync(db, request, cancellationToken).ConfigureAwait(false);
        var pending = await CountPendingAsync(db, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            return new EnqueueResult(EnqueueStatus.AlreadyQueued, existing, pending);
        }

        if (pending >= options.MaxPending)
        {
            return new EnqueueResult(EnqueueStatus.QueueFull, null, pending);
        }

        var now = time.GetUtcNow();
        var item = new IngestItemRecord
        {
            SourceKind = request.SourceKind,
            SourceId = request.SourceId,
            Url = request.Url?.AbsoluteUri,
            FilePath = request.FilePath is null ? null : Path.GetFullPath(request.FilePath),
            PageUrl = request.PageUrl?.AbsoluteUri,
            Link = request.Link?.AbsoluteUri,
            State = IngestState.Queued,
            ReceivedAt = now,
            UpdatedAt = now,
        };
        db.IngestItems.Add(item);
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException)
        {
            // Another enqueue of the same (kind, id) won the unique index.
            db.ChangeTracker.Clear();
            var winner = await FindAsync(db, request, cancellationToken).ConfigureAwait(false);
            if (winner is null)
            {
                throw;
            }

            return new EnqueueResult(EnqueueStatus.AlreadyQueued, winner, pending);
        }

        return new EnqueueResult(EnqueueStatus.Accepted, item.Id, pending + 1);
    }

    /// <summary>Items per state, failures per error code, duplicates, items sent to review, face matches and items scored (vision left to the caller).</summary>
    public async Task<IngestStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        await using var db = await openContext(cancellationToken).ConfigureAwait(false);
        var byState = new Dictionary<IngestState, int>();
        foreach (var state in Enum.GetValues<IngestState>())
        {
            byState[state] = 0;
        }

        var rows = await db.IngestItems.AsNoTracking().GroupBy(i => i.State).Select(g => new { State = g.Key, Count = g.Count() }).ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var row in rows)
        {
            byState[row.State] = row.Count;
        }

        var failures = await db.IngestItems.AsNoTracking().Where(i => i.State == IngestState.Failed)
            .GroupBy(i => i.LastError).Select(g => new { Error = g.Key, Count = g.Count() }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var byError = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in failures)
        {
            byError[row.Error ?? "unknown"] = row.Count;
        }

        var duplicates = await db.IngestItems.AsNoTracking().CountAsync(i => i.DuplicateOf != null, cancellationToken).ConfigureAwait(false);
        var sent = await db.IngestItems.AsNoTracking().CountAsync(i => i.ReviewItemId != null, cancellationToken).ConfigureAwait(false);
        var faceMatches = await db.IngestItems.AsNoTracking().CountAsync(i => i.Signal == "face", cancellationToken).ConfigureAwait(false);
        var nudityScored = await db.IngestItems.AsNoTracking().CountAsync(i => i.NudityScore != null, cancellationToken).ConfigureAwait(false);
        var minors = await db.IngestItems.AsNoTracking().CountAsync(i => i.YoungestAge < FaceAge.MinorBelow, cancellationToken).ConfigureAwait(false);
        return new IngestStatus(byState, byError, duplicates, sent, options.MaxPending, FaceMatches: faceMatches, NudityScored: nudityScored, PossibleMinors: minors);
    }

    /// <summary>Puts a failed item back where it failed (attempts reset). False when it is not failed.</summary>
    public async Task<bool> RetryAsync(long itemId, CancellationToken cancellationToken)
    {
        await using var db = await openContext(cancellationToken).ConfigureAwait(false);
        var item = await db.IngestItems.FirstOrDefaultAsync(i => i.Id == itemId, cancellationToken).ConfigureAwait(false);
        if (item is null || item.State != IngestState.Failed)
        {
            return false;
        }

        item.State = item.FailedIn ?? IngestState.Queued;
        item.FailedIn = null;
        item.Attempts = 0;
        item.LeaseOwner = null;
        item.LeaseUntil = 0;
        item.UpdatedAt = time.GetUtcNow();
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
    }

    /// <summary>
    /// Claims up to <paramref name="count"/> unfinished items whose lease ran out. One statement
    /// claims the whole batch (one commit); the lease condition is re-checked by the database, so of
    /// two workers racing for an item only one gets it.
    /// </summary>
    public async Task<List<long>> ClaimAsync(int count, CancellationToken cancellationToken)
    {
        await using var db = await openContext(cancellationToken).ConfigureAwait(false);
        var now = NowMs();
        var candidates = await db.IngestItems.AsNoTracking()
            .Where(i => i.State != IngestState.Done && i.State != IngestState.Failed && i.LeaseUntil < now)
            .OrderBy(i => i.Id).Select(i => i.Id).Take(count).ToListAsync(cancellationToken).ConfigureAwait(false);
        if (candidates.Count == 0)
        {
            return candidates;
        }

        var until = now + (long)options.Lease.TotalMilliseconds;
        await db.IngestItems
            .Where(i => candidates.Contains(i.Id) && i.State != IngestState.Done && i.State != IngestState.Failed && i.LeaseUntil < now)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.LeaseOwner, worker).SetProperty(i => i.LeaseUntil, until), cancellationToken).ConfigureAwait(false);
        return await db.IngestItems.AsNoTracking()
            .Where(i => candidates.Contains(i.Id) && i.LeaseOwner == worker && i.LeaseUntil == until)
            .OrderBy(i => i.Id).Select(i => i.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Pending items held by a live (or crashed, not yet expired) lease that have not failed yet: worth waiting for.</summary>
    public async Task<bool> AnyAwaitingOtherWorkerAsync(CancellationToken cancellationToken)
    {
        await using var db = await openContext(cancellationToken).ConfigureAwait(false);
        return await db.IngestItems.AsNoTracking()
            .AnyAsync(i => i.State != IngestState.Done && i.State != IngestState.Failed && i.Attempts == 0, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Loads the claimed items this worker holds, tracked on one context that the batch's commits use.</summary>
    public async Task<ClaimedBatch> OpenBatchAsync(List<long> ids, CancellationToken cancellationToken)
    {
        var db = await openContext(cancellationToken).ConfigureAwait(false);
        try
        {
            var records = await db.IngestItems.Where(i => ids.Contains(i.Id)).OrderBy(i => i.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
            var work = new List<ItemWork>(records.Count);
            foreach (var record in records)
            {
                if (record.LeaseOwner == worker && record.State is not IngestState.Done and not IngestState.Failed)
                {
                    work.Add(new ItemWork(record));
                }
            }

            return new ClaimedBatch(db, work);
        }
        catch
        {
            await db.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Commits every item's step results in one transaction (group commit): fetched content, digest
    /// (an exact repeat is counted and finished, what was computed for it dropped), audit entry,
    /// fingerprints, matches, faces, nudity, the next state and any failure. Returns the items finished.
    /// </summary>
    public async Task<int> CommitStepsAsync(ClaimedBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var db = batch.Db;
        var finished = 0;
        var deletable = new List<string>();
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        {
            var audit = new AuditLog(db, time);
            foreach (var item in await KeepHeldAsync(db, batch.Work, cancellationToken).ConfigureAwait(false))
            {
                var record = item.Record;
                if (item.Fetched is { } fetched)
                {
                    await db.Database.ExecuteSqlAsync(
                        $"INSERT INTO ingest_digests (sha256, first_item_id, seen_count, last_seen_at) VALUES ({record.Sha256}, {record.Id}, 1, {record.FetchedAt}) ON CONFLICT (sha256) DO UPDATE SET seen_count = ingest_digests.seen_count + 1, last_seen_at = excluded.last_seen_at",
                        cancellationToken).ConfigureAwait(false);
                    var first = await db.IngestDigests.AsNoTracking().Where(d => d.Sha256 == record.Sha256).Select(d => d.FirstItemId).FirstAsync(cancellationToken).ConfigureAwait(false);
                    if (first != record.Id)
                    {
                        // An exact repeat: counted in the digest register, not reviewed again; what was computed for it is dropped.
                        ForgetResults(record);
                        record.DuplicateOf = first;
                        item.ClearFailure();
                        Advance(record, IngestState.Done);
                    }
                    else
                    {
                        db.IngestContents.Add(new IngestContentRecord { ItemId = record.Id, Sealed = fetched });
                    }

                    var detail = string.Create(CultureInfo.InvariantCulture, $"source={record.SourceKind} kind={record.ContentKind} bytes={record.Length} sha256={Convert.ToHexStringLower(record.Sha256!)}{(first != record.Id ? $" duplicate-of={first}" : string.Empty)}");
                    await audit.AppendAsync(IngestionPipeline.AuditActor, "ingest.fetched", string.Create(CultureInfo.InvariantCulture, $"ingest-item:{record.Id}"), detail, cancellationToken).ConfigureAwait(false);
                    if (record.FilePath is { } copy && IsImportCopy(copy))
                    {
                        deletable.Add(copy);
                    }
                }

                ApplyFailure(item);
                item.Committed = true;
                if (record.State == IngestState.Done)
                {
                    finished++;
                }
            }

            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        // A copy the pipeline owns (unpacked from an imported archive) is not kept in the clear once sealed.
        foreach (var copy in deletable)
        {
            File.Delete(copy);
        }

        return finished;
    }

    /// <summary>Commits the items handed to review: done, or the sink's failure. Returns the items finished.</summary>
    public async Task<int> CommitSentAsync(ClaimedBatch batch, List<ItemWork> sent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var db = batch.Db;
        var finished = 0;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var item in await KeepHeldAsync(db, sent, cancellationToken).ConfigureAwait(false))
        {
            if (item.Failure is null)
            {
                Advance(item.Record, IngestState.Done);
                finished++;
            }

            ApplyFailure(item);
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return finished;
    }

    /// <summary>Moves an item to its next state: attempts and error cleared; the lease extended, or released when done.</summary>
    public void Advance(IngestItemRecord item, IngestState next)
    {
        var now = time.GetUtcNow();
        item.State = next;
        item.UpdatedAt = now;
        item.Attempts = 0;
        item.LastError = null;
        if (next == IngestState.Done)
        {
            item.CompletedAt = now;
            item.LeaseOwner = null;
            item.LeaseUntil = 0;
        }
        else
        {
            item.LeaseUntil = now.ToUnixTimeMilliseconds() + (long)options.Lease.TotalMilliseconds;
        }
    }

    private static void Validate(IngestRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.SourceKind) || request.SourceKind.Length > IngestionPipeline.MaxSourceKindLength)
        {
            throw new ArgumentException($"The source kind must be 1..{IngestionPipeline.MaxSourceKindLength} characters.", nameof(request));
        }

        if (string.IsNullOrWhiteSpace(request.SourceId) || request.SourceId.Length > IngestionPipeline.MaxSourceIdLength)
        {
            throw new ArgumentException($"The source id must be 1..{IngestionPipeline.MaxSourceIdLength} characters.", nameof(request));
        }

        if ((request.Url is null) == (request.FilePath is null))
        {
            throw new ArgumentException("Give either a URL or a file path.", nameof(request));
        }

        if (request.Url is { } url && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
        {
            throw new ArgumentException("The URL must be absolute http or https.", nameof(request));
        }
    }

    private static async Task<long?> FindAsync(HaechiDbContext db, IngestRequest request, CancellationToken cancellationToken) =>
        await db.IngestItems.AsNoTracking().Where(i => i.SourceKind == request.SourceKind && i.SourceId == request.SourceId)
            .Select(i => (long?)i.Id).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);

    private static Task<int> CountPendingAsync(HaechiDbContext db, CancellationToken cancellationToken) =>
        db.IngestItems.AsNoTracking().CountAsync(i => i.State != IngestState.Done && i.State != IngestState.Failed, cancellationToken);

    private static void ForgetResults(IngestItemRecord item)
    {
        item.Pdq = null;
        item.Quality = null;
        item.Frames = null;
        item.MatchCount = 0;
        item.MatchedEntryId = null;
        item.MatchStrength = 0;
        item.FaceCount = null;
        item.FaceEntryId = null;
        item.FaceSimilarity = null;
        item.NudityScore = null;
        item.ExplicitScore = null;
        item.FrameAt = null;
        item.Signal = null;
        item.Priority = 0;
    }

    private long NowMs() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private bool IsImportCopy(string path) =>
        path.StartsWith(Path.Combine(Path.GetFullPath(dataDirectory), "imports") + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    // A failed step leaves the item in the last state it reached; the failure is saved with the batch.
    private void ApplyFailure(ItemWork work)
    {
        if (work.Failure is not { } failure)
        {
            return;
        }

        var item = work.Record;
        item.Attempts++;
        item.LastError = failure.Code;
        item.UpdatedAt = time.GetUtcNow();
        item.LeaseOwner = null;
        if (failure.Permanent || item.Attempts >= options.MaxAttempts)
        {
            item.FailedIn = item.State;
            item.State = IngestState.Failed;
            item.LeaseUntil = 0;
        }
        else
        {
            item.LeaseUntil = NowMs() + (long)options.RetryDelay.TotalMilliseconds;
        }
    }

    /// <summary>
    /// Takes the store's write lock by extending the leases of the batch, and returns the items this
    /// worker still holds in the state it read (the others were taken by another worker after the
    /// lease ran out: they are left to it, and forgotten here).
    /// </summary>
    private async Task<List<ItemWork>> KeepHeldAsync(HaechiDbContext db, List<ItemWork> work, CancellationToken cancellationToken)
    {
        var ids = new List<long>(work.Count);
        foreach (var item in work)
        {
            ids.Add(item.Record.Id);
        }

        var until = NowMs() + (long)options.Lease.TotalMilliseconds;
        await db.IngestItems.Where(i => ids.Contains(i.Id) && i.LeaseOwner == worker)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.LeaseUntil, until), cancellationToken).ConfigureAwait(false);
        var held = await db.IngestItems.AsNoTracking().Where(i => ids.Contains(i.Id) && i.LeaseOwner == worker)
            .Select(i => new { i.Id, i.State }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var kept = new List<ItemWork>(held.Count);
        foreach (var item in work)
        {
            var found = false;
            foreach (var row in held)
            {
                found |= row.Id == item.Record.Id && row.State == (IngestState)db.Entry(item.Record).Property(i => i.State).OriginalValue;
            }

            if (found)
            {
                kept.Add(item);
            }
            else
            {
                db.Entry(item.Record).State = EntityState.Detached;
            }
        }

        return kept;
    }
}

/// <summary>A claimed batch: the items this worker holds, tracked on the context its commits use.</summary>
internal sealed class ClaimedBatch(HaechiDbContext db, List<ItemWork> work) : IAsyncDisposable
{
    public HaechiDbContext Db { get; } = db;

    public List<ItemWork> Work { get; } = work;

    public ValueTask DisposeAsync() => Db.DisposeAsync();
}
