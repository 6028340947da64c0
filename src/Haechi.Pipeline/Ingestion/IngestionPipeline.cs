using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Haechi.Core.Faces;
using Haechi.Core.Hashing;
using Haechi.Core.Review;
using Haechi.Core.Signals;
using Haechi.Core.Robust;
using Haechi.Core.Video;
using Haechi.Data;
using Haechi.Data.Audit;
using Haechi.Data.Ingestion;
using Haechi.Data.Sealing;
using Haechi.Media.Images;
using Haechi.Media.Video;
using Haechi.Pipeline.Fetching;
using Haechi.Pipeline.Matching;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Pipeline.Ingestion;

/// <summary>
/// The embedded ingestion pipeline: a durable queue in Haechi's store and in-process workers.
/// Each item goes queued → fetched (bytes sealed at rest, SHA-256, exact repeats counted and
/// finished) → fingerprinted (PDQ, or vPDQ for videos) → matched (every bank, through
/// the one <see cref="Matcher"/>, whose indexes each batch brings up to date; when the vision models are installed, faces against every face bank
/// and the nudity score, for videos on a bounded number of frames spread over them; the priority
/// from <see cref="ReviewPriority"/>) → done (sent to the <see cref="IReviewSink"/> when it matched,
/// or when nothing matched but the explicit score is over <see cref="IngestionOptions.QueueNudityAbove"/>).
/// A worker claims a batch of items with a lease, runs their steps in memory and commits the
/// batch's results in one transaction (group commit), only for the items whose lease it still
/// holds, so a worker killed at any point leaves each item as its last commit left it and another
/// worker repeats only uncommitted work after the lease ends.
/// </summary>
public sealed class IngestionPipeline(
    Func<CancellationToken, Task<HaechiDbContext>> openContext,
    ContentSealer sealer,
    SafeFetcher fetcher,
    IReviewSink sink,
    string dataDirectory,
    Matcher matcher,
    IngestionOptions? options = null,
    TimeProvider? time = null,
    string? workerId = null,
    IngestVision? vision = null) : IIngestionPipeline
{
    /// <summary>The actor the pipeline writes in the audit log.</summary>
    public const string AuditActor = "pipeline";

    /// <summary>Longest source kind.</summary>
    public const int MaxSourceKindLength = 32;

    /// <summary>Longest source id.</summary>
    public const int MaxSourceIdLength = 200;

    private const int FrameRecordLength = 4 + 4 + 32 + 8;

    private readonly IngestionOptions _options = options ?? IngestionOptions.Default;
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly string _worker = workerId ?? NewWorkerId();
    private readonly IngestVision _vision = vision ?? IngestVision.None();

    /// <summary>The options in force.</summary>
    public IngestionOptions Options => _options;

    /// <summary>The lease owner name of this pipeline's workers.</summary>
    public string WorkerId => _worker;

    /// <inheritdoc />
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

        if (pending >= _options.MaxPending)
        {
            return new EnqueueResult(EnqueueStatus.QueueFull, null, pending);
        }

        var now = _time.GetUtcNow();
        var item = new IngestItemRecord
        {
            SourceKind = request.SourceKind,
            SourceId = request.SourceId,
            Url = request.Url?.AbsoluteUri,
            FilePath = request.FilePath is null ? null : Path.GetFullPath(request.FilePath),
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

    /// <inheritdoc />
    public async Task<int> RunAsync(bool untilIdle, CancellationToken cancellationToken)
    {
        var finished = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var claimed = await ClaimAsync(_options.BatchSize, cancellationToken).ConfigureAwait(false);
            if (claimed.Count == 0)
            {
                if (untilIdle && !await AnyAwaitingOtherWorkerAsync(cancellationToken).ConfigureAwait(false))
                {
                    return finished;
                }

                await Task.Delay(_options.PollInterval, _time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            // The one matcher of the process: each batch first applies the bank changes committed
            // meanwhile (by any process), so entries added, enrolled or withdrawn count at once.
            await matcher.RefreshAsync(cancellationToken).ConfigureAwait(false);
            var faceBanks = _vision.EmbeddingModel is { } model ? matcher.FaceBanks(model) : [];
            finished += await ProcessBatchAsync(claimed, faceBanks, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
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
        var faceBanks = 0;
        if (_vision.EmbeddingModel is { } model)
        {
            faceBanks = await db.Banks.AsNoTracking().CountAsync(b => b.EmbeddingModel == model, cancellationToken).ConfigureAwait(false);
        }

        return new IngestStatus(byState, byError, duplicates, sent, _options.MaxPending, _vision.Status, faceBanks, faceMatches, nudityScored);
    }

    /// <inheritdoc />
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
        item.UpdatedAt = _time.GetUtcNow();
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

    /// <summary>The associated data a fetched item's bytes are sealed with: a blob moved to another item does not open.</summary>
    public static byte[] SealingContext(long itemId) => Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"ingest-item:{itemId}"));

    /// <summary>Packs vPDQ frames for <see cref="IngestItemRecord.Frames"/>.</summary>
    public static byte[] PackFrames(IReadOnlyList<VpdqFrame> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        var packed = new byte[frames.Count * FrameRecordLength];
        for (var i = 0; i < frames.Count; i++)
        {
            var span = packed.AsSpan(i * FrameRecordLength, FrameRecordLength);
            BinaryPrimitives.WriteInt32LittleEndian(span, frames[i].FrameNumber);
            BinaryPrimitives.WriteInt32LittleEndian(span[4..], frames[i].Quality);
            frames[i].Hash.WriteBigEndian(span.Slice(8, 32));
            BinaryPrimitives.WriteDoubleLittleEndian(span[40..], frames[i].Timestamp);
        }

        return packed;
    }

    /// <summary>Unpacks what <see cref="PackFrames"/> wrote.</summary>
    public static VpdqFrame[] UnpackFrames(ReadOnlySpan<byte> packed)
    {
        if (packed.Length % FrameRecordLength != 0)
        {
            throw new ArgumentException("Not a packed frame list.", nameof(packed));
        }

        var frames = new VpdqFrame[packed.Length / FrameRecordLength];
        for (var i = 0; i < frames.Length; i++)
        {
            var span = packed.Slice(i * FrameRecordLength, FrameRecordLength);
            frames[i] = new VpdqFrame(
                BinaryPrimitives.ReadInt32LittleEndian(span),
                BinaryPrimitives.ReadInt32LittleEndian(span[4..]),
                Hash256.ReadBigEndian(span.Slice(8, 32)),
                BinaryPrimitives.ReadDoubleLittleEndian(span[40..]));
        }

        return frames;
    }

    // Host (at most 20 characters), process and a random part: unique per pipeline instance, at most 64 characters.
    private static string NewWorkerId()
    {
        var host = Environment.MachineName.Length > 20 ? Environment.MachineName[..20] : Environment.MachineName;
        return string.Create(CultureInfo.InvariantCulture, $"{host}:{Environment.ProcessId}:{Guid.NewGuid():N}");
    }

    private static void Validate(IngestRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.SourceKind) || request.SourceKind.Length > MaxSourceKindLength)
        {
            throw new ArgumentException($"The source kind must be 1..{MaxSourceKindLength} characters.", nameof(request));
        }

        if (string.IsNullOrWhiteSpace(request.SourceId) || request.SourceId.Length > MaxSourceIdLength)
        {
            throw new ArgumentException($"The source id must be 1..{MaxSourceIdLength} characters.", nameof(request));
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

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    // One statement claims the whole batch (one commit); the lease condition is re-checked by the
    // database, so of two workers racing for an item only one gets it.
    private async Task<List<long>> ClaimAsync(int count, CancellationToken cancellationToken)
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

        var until = now + (long)_options.Lease.TotalMilliseconds;
        await db.IngestItems
            .Where(i => candidates.Contains(i.Id) && i.State != IngestState.Done && i.State != IngestState.Failed && i.LeaseUntil < now)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.LeaseOwner, _worker).SetProperty(i => i.LeaseUntil, until), cancellationToken).ConfigureAwait(false);
        return await db.IngestItems.AsNoTracking()
            .Where(i => candidates.Contains(i.Id) && i.LeaseOwner == _worker && i.LeaseUntil == until)
            .OrderBy(i => i.Id).Select(i => i.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    // Pending items held by a live (or crashed, not yet expired) lease that have not failed yet: worth waiting for.
    private async Task<bool> AnyAwaitingOtherWorkerAsync(CancellationToken cancellationToken)
    {
        await using var db = await openContext(cancellationToken).ConfigureAwait(false);
        return await db.IngestItems.AsNoTracking()
            .AnyAsync(i => i.State != IngestState.Done && i.State != IngestState.Failed && i.Attempts == 0, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs the remaining steps of a claimed batch in memory (in parallel, up to the concurrency),
    /// then commits every item's results in one transaction (group commit): fetched content, digest,
    /// audit entry, fingerprints, matches, faces, nudity, the next state and any failure. Items that
    /// matched are then sent to the review sink (idempotent on the source id) and marked done in a
    /// second transaction. Each commit first re-takes the leases and keeps only the items this
    /// worker still holds, so a worker killed at any point leaves each item as its last commit left
    /// it, and another worker repeats only uncommitted work. Returns the items finished.
    /// </summary>
    private async Task<int> ProcessBatchAsync(List<long> ids, IReadOnlyList<FaceBank> faceBanks, CancellationToken cancellationToken)
    {
        await using var db = await openContext(cancellationToken).ConfigureAwait(false);
        var records = await db.IngestItems.Where(i => ids.Contains(i.Id)).OrderBy(i => i.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        var work = new List<ItemWork>(records.Count);
        foreach (var record in records)
        {
            if (record.LeaseOwner == _worker && record.State is not IngestState.Done and not IngestState.Failed)
            {
                work.Add(new ItemWork(record));
            }
        }

        if (work.Count == 0)
        {
            return 0;
        }

        await Parallel.ForEachAsync(
            work,
            new ParallelOptions { MaxDegreeOfParallelism = _options.Concurrency, CancellationToken = cancellationToken },
            async (item, ct) => await RunStepsAsync(item, faceBanks, ct).ConfigureAwait(false)).ConfigureAwait(false);

        var finished = await CommitStepsAsync(db, work, cancellationToken).ConfigureAwait(false);

        // Matched items go to review, outside the store's write transaction (the sink may write the same store).
        var toSend = new List<ItemWork>();
        foreach (var item in work)
        {
            if (item.Committed && item.Record.State == IngestState.Matched)
            {
                try
                {
                    item.Record.ReviewItemId ??= await sink.SubmitAsync(Candidate(item.Record), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    item.Fail("review-sink-error", permanent: false);
                }

                toSend.Add(item);
            }
        }

        if (toSend.Count > 0)
        {
            finished += await CommitSentAsync(db, toSend, cancellationToken).ConfigureAwait(false);
        }

        return finished;
    }

    private static ReviewCandidate Candidate(IngestItemRecord item)
    {
        var signal = ReviewPriority.Parse(item.Signal);
        var face = signal == MatchSignal.Face;
        return new ReviewCandidate(
            string.Create(CultureInfo.InvariantCulture, $"ingest:{item.Id}"),
            face ? item.FaceSimilarity ?? 0 : item.MatchStrength,
            face ? item.FaceEntryId : item.MatchedEntryId,
            item.Sha256,
            item.Pdq is { } pdq ? Hash256.ReadBigEndian(pdq) : null,
            signal switch { MatchSignal.Face => ReviewItemKind.FaceMatch, MatchSignal.Nudity => ReviewItemKind.NudityTriage, _ => ReviewItemKind.BankMatch },
            item.Signal,
            item.NudityScore ?? 0,
            item.Priority,
            item.FrameAt);
    }

    /// <summary>Runs the item's steps in memory until it is done, matched (waiting for review) or failed; touches no shared context.</summary>
    private async Task RunStepsAsync(ItemWork work, IReadOnlyList<FaceBank> faceBanks, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                switch (work.Record.State)
                {
                    case IngestState.Queued:
                        await FetchAsync(work, cancellationToken).ConfigureAwait(false);
                        break;
                    case IngestState.Fetched:
                        await FingerprintAsync(work, cancellationToken).ConfigureAwait(false);
                        break;
                    case IngestState.Fingerprinted:
                        await MatchAsync(work, faceBanks, cancellationToken).ConfigureAwait(false);
                        break;
                    default:
                        return;
                }
            }
        }
        catch (StepFailedException ex)
        {
            work.Fail(ex.Code, ex.Permanent);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            work.Fail("internal-error", permanent: false);
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

        var until = NowMs() + (long)_options.Lease.TotalMilliseconds;
        await db.IngestItems.Where(i => ids.Contains(i.Id) && i.LeaseOwner == _worker)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.LeaseUntil, until), cancellationToken).ConfigureAwait(false);
        var held = await db.IngestItems.AsNoTracking().Where(i => ids.Contains(i.Id) && i.LeaseOwner == _worker)
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

    private async Task<int> CommitStepsAsync(HaechiDbContext db, List<ItemWork> work, CancellationToken cancellationToken)
    {
        var finished = 0;
        var deletable = new List<string>();
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        {
            var audit = new AuditLog(db, _time);
            foreach (var item in await KeepHeldAsync(db, work, cancellationToken).ConfigureAwait(false))
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
                    await audit.AppendAsync(AuditActor, "ingest.fetched", string.Create(CultureInfo.InvariantCulture, $"ingest-item:{record.Id}"), detail, cancellationToken).ConfigureAwait(false);
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

    private async Task<int> CommitSentAsync(HaechiDbContext db, List<ItemWork> sent, CancellationToken cancellationToken)
    {
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

    private bool IsImportCopy(string path) =>
        path.StartsWith(Path.Combine(Path.GetFullPath(dataDirectory), "imports") + Path.DirectorySeparatorChar, StringComparison.Ordinal);

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
        item.UpdatedAt = _time.GetUtcNow();
        item.LeaseOwner = null;
        if (failure.Permanent || item.Attempts >= _options.MaxAttempts)
        {
            item.FailedIn = item.State;
            item.State = IngestState.Failed;
            item.LeaseUntil = 0;
        }
        else
        {
            item.LeaseUntil = NowMs() + (long)_options.RetryDelay.TotalMilliseconds;
        }
    }

    private void Advance(IngestItemRecord item, IngestState next)
    {
        var now = _time.GetUtcNow();
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
            item.LeaseUntil = now.ToUnixTimeMilliseconds() + (long)_options.Lease.TotalMilliseconds;
        }
    }

    private async Task FetchAsync(ItemWork work, CancellationToken cancellationToken)
    {
        var item = work.Record;
        byte[] bytes;
        SniffedKind kind;
        if (item.Url is { } url)
        {
            var fetched = await fetcher.FetchAsync(new Uri(url), FetchPurpose.Media, cancellationToken).ConfigureAwait(false);
            if (fetched.Status != FetchStatus.Ok || fetched.Body is null)
            {
                var permanent = fetched.Status is FetchStatus.InvalidUrl or FetchStatus.BlockedPrivate or FetchStatus.TooLarge or FetchStatus.NotMedia;
                throw new StepFailedException(fetched.Status.Name(), permanent);
            }

            bytes = fetched.Body;
            kind = fetched.Kind;
        }
        else
        {
            var file = new FileInfo(item.FilePath!);
            if (!file.Exists)
            {
                throw new StepFailedException("file-missing", permanent: true);
            }

            if (file.Length > _options.MaxFileBytes)
            {
                throw new StepFailedException("too-large", permanent: true);
            }

            bytes = await File.ReadAllBytesAsync(file.FullName, cancellationToken).ConfigureAwait(false);
            kind = ContentSniffer.Sniff(bytes.AsSpan(0, Math.Min(bytes.Length, ContentSniffer.PrefixLength)));
        }

        if (kind is not SniffedKind.Image and not SniffedKind.Video)
        {
            throw new StepFailedException("not-media", permanent: true);
        }

        item.Sha256 = SHA256.HashData(bytes);
        item.Length = bytes.Length;
        item.ContentKind = kind == SniffedKind.Video ? "video" : "image";
        item.FetchedAt = _time.GetUtcNow();
        work.Bytes = bytes;
        work.Fetched = sealer.Seal(bytes, SealingContext(item.Id));
        Advance(item, IngestState.Fetched);
    }

    private async Task<byte[]> ContentAsync(ItemWork work, CancellationToken cancellationToken)
    {
        if (work.Bytes is { } bytes)
        {
            return bytes;
        }

        await using var db = await openContext(cancellationToken).ConfigureAwait(false);
        var itemId = work.Record.Id;
        var sealedBlob = await db.IngestContents.AsNoTracking().Where(c => c.ItemId == itemId).Select(c => c.Sealed)
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false) ?? throw new StepFailedException("content-missing", permanent: true);
        try
        {
            return work.Bytes = sealer.Open(sealedBlob, SealingContext(itemId));
        }
        catch (SealedContentException)
        {
            throw new StepFailedException("sealed-content-damaged", permanent: true);
        }
    }

    private async Task FingerprintAsync(ItemWork work, CancellationToken cancellationToken)
    {
        var item = work.Record;
        var bytes = await ContentAsync(work, cancellationToken).ConfigureAwait(false);
        if (item.ContentKind == "video")
        {
            var directory = Directory.CreateTempSubdirectory("haechi-ingest-");
            try
            {
                var path = Path.Combine(directory.FullName, "item.video");
                await File.WriteAllBytesAsync(path, bytes, cancellationToken).ConfigureAwait(false);
                var fingerprint = new VideoFingerprinter(_options.VideoDecode, trimBorders: true).Fingerprint(path, cancellationToken);
                item.Frames = PackFrames(fingerprint.Frames);
            }
            catch (VideoDecodeException)
            {
                throw new StepFailedException("undecodable", permanent: true);
            }
            finally
            {
                directory.Delete(recursive: true);
            }
        }
        else
        {
            var fingerprint = Fingerprint(bytes, FingerprintParts.Pdq, RobustFamilies.None);
            var pdq = new byte[32];
            fingerprint.Pdq.WriteBigEndian(pdq);
            item.Pdq = pdq;
            item.Quality = fingerprint.Quality;
        }

        Advance(item, IngestState.Fingerprinted);
    }

    private ImageFingerprint Fingerprint(byte[] bytes, FingerprintParts parts, RobustFamilies families)
    {
        try
        {
            return new ImageFingerprinter(_options.ImageDecode) { QueryViews = families }.Fingerprint(bytes, parts);
        }
        catch (ImageDecodeException ex)
        {
            throw new StepFailedException(ex.Error == ImageDecodeError.TooManyPixels ? "too-many-pixels" : "undecodable", permanent: true);
        }
    }

    /// <summary>
    /// Banks (PDQ and extra views, or vPDQ), then faces against every face bank and the nudity score
    /// when the models are installed (for a video, on sampled frames); the strongest signal sets the
    /// priority (<see cref="ReviewPriority"/>). An unmatched item over the explicit threshold is queued
    /// with signal "nudity" (tier 0). Queued items wait for review; the others are done.
    /// </summary>
    private async Task MatchAsync(ItemWork work, IReadOnlyList<FaceBank> faceBanks, CancellationToken cancellationToken)
    {
        var item = work.Record;
        var filter = _options.Filter;
        item.MatchCount = 0;
        item.MatchedEntryId = null;
        item.MatchStrength = 0;
        var signal = MatchSignal.None;
        if (item.ContentKind == "video")
        {
            var matches = await matcher.MatchVideoAsync(UnpackFrames(item.Frames ?? []), filter, cancellationToken).ConfigureAwait(false);
            if (matches.Count > 0)
            {
                item.MatchCount = matches.Count;
                item.MatchedEntryId = matches[0].Entry.Id;
                item.MatchStrength = matches[0].Strength;
                signal = MatchSignal.Vpdq;
            }
        }
        else if (item.Pdq is { } pdq && item.Quality is { } quality && quality >= filter.MinQuality)
        {
            // What every caller of the matcher computes from one decode (dihedral PDQ, the views and
            // keypoints banks keep); only a plain-PDQ query can use the stored hash without the pixels.
            var parts = _options.Dihedral ? matcher.QueryParts : matcher.QueryParts & ~FingerprintParts.Dihedral;
            var fingerprint = parts != FingerprintParts.Pdq
                ? Fingerprint(await ContentAsync(work, cancellationToken).ConfigureAwait(false), parts, matcher.Fingerprinter().QueryViews)
                : new ImageFingerprint { Pdq = Hash256.ReadBigEndian(pdq), Quality = quality, Width = 0, Height = 0, DecodeTime = TimeSpan.Zero, HashTime = TimeSpan.Zero };
            var matches = await matcher.MatchImageAsync(fingerprint, filter, cancellationToken).ConfigureAwait(false);
            if (matches.Count > 0)
            {
                item.MatchCount = matches.Count;
                item.MatchedEntryId = matches[0].Entry.Id;
                item.MatchStrength = matches[0].Strength;
                signal = matches[0].SignalType == SignalType.Pdq ? MatchSignal.Pdq : MatchSignal.View;
            }
        }

        item.FaceCount = null;
        item.FaceEntryId = null;
        item.FaceSimilarity = null;
        item.NudityScore = null;
        item.ExplicitScore = null;
        item.FrameAt = null;
        var seen = new VisionResult(null, null, null);
        if (_vision.Enabled)
        {
            seen = item.ContentKind == "video"
                ? await AnalyseVideoAsync(work, faceBanks, cancellationToken).ConfigureAwait(false)
                : AnalyseImage(await ContentAsync(work, cancellationToken).ConfigureAwait(false), faceBanks);
            item.FaceCount = seen.FaceCount;
            item.NudityScore = seen.Nudity;
            item.ExplicitScore = seen.Explicit;
            if (seen.Match is { } face)
            {
                item.FaceEntryId = face.Id;
                item.FaceSimilarity = face.Similarity;
            }
        }

        // The strongest signal decides: an enrolled face on sexual content outranks a fingerprint match.
        var nudity = item.NudityScore ?? 0;
        var priority = signal == MatchSignal.None ? ReviewPriority.Compute(MatchSignal.None, 0, nudity) : ReviewPriority.Compute(signal, item.MatchStrength, nudity);
        if (item.FaceSimilarity is { } similarity)
        {
            var facePriority = ReviewPriority.Compute(MatchSignal.Face, similarity, nudity);
            if (signal == MatchSignal.None || facePriority > priority)
            {
                signal = MatchSignal.Face;
                priority = facePriority;
            }
        }

        // Nothing matched, but the classifier scores it as explicit: queued below every match (it may
        // show an unregistered victim). The explicit score leaves out "sexy", which many clothed photos get.
        if (signal == MatchSignal.None && item.ExplicitScore is { } explicitScore && _options.QueueNudityAbove is { } above && explicitScore > above)
        {
            signal = MatchSignal.Nudity;
            priority = ReviewPriority.Compute(MatchSignal.Nudity, 0, nudity);
        }

        if (item.ContentKind == "video")
        {
            item.FrameAt = signal switch
            {
                MatchSignal.Face => seen.FaceAt,
                MatchSignal.Nudity => seen.ExplicitAt,
                _ => seen.NudityAt,
            };
        }

        item.Signal = ReviewPriority.Name(signal);
        item.Priority = priority;
        Advance(item, signal == MatchSignal.None || item.ReviewItemId is not null ? IngestState.Done : IngestState.Matched);
    }

    private VisionResult AnalyseImage(byte[] bytes, IReadOnlyList<FaceBank> faceBanks)
    {
        try
        {
            return _vision.Analyse(bytes, faceBanks, _options.FaceThreshold, _options.ImageDecode);
        }
        catch (ImageDecodeException ex)
        {
            throw new StepFailedException(ex.Error == ImageDecodeError.TooManyPixels ? "too-many-pixels" : "undecodable", permanent: true);
        }
    }

    /// <summary>Faces and nudity on at most <see cref="IngestionOptions.VideoVisionFrames"/> frames spread over the video.</summary>
    private async Task<VisionResult> AnalyseVideoAsync(ItemWork work, IReadOnlyList<FaceBank> faceBanks, CancellationToken cancellationToken)
    {
        var bytes = await ContentAsync(work, cancellationToken).ConfigureAwait(false);
        var directory = Directory.CreateTempSubdirectory("haechi-ingest-");
        try
        {
            var path = Path.Combine(directory.FullName, "item.video");
            await File.WriteAllBytesAsync(path, bytes, cancellationToken).ConfigureAwait(false);
            return _vision.AnalyseVideo(path, faceBanks, _options.FaceThreshold, _options.VideoDecode, _options.VideoVisionFrames, _options.VideoVisionMaxSide, cancellationToken);
        }
        catch (VideoDecodeException)
        {
            throw new StepFailedException("undecodable", permanent: true);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>One claimed item during a batch: its tracked record, its bytes and sealed blob once fetched, and a failure.</summary>
    private sealed class ItemWork(IngestItemRecord record)
    {
        public IngestItemRecord Record { get; } = record;

        /// <summary>The bytes, once fetched or opened.</summary>
        public byte[]? Bytes { get; set; }

        /// <summary>The sealed bytes when fetched in this batch (saved with the digest and audit entry at commit).</summary>
        public byte[]? Fetched { get; set; }

        public (string Code, bool Permanent)? Failure { get; private set; }

        /// <summary>Saved by the batch's commit.</summary>
        public bool Committed { get; set; }

        public void Fail(string code, bool permanent) => Failure = (code, permanent);

        public void ClearFailure() => Failure = null;
    }

    private sealed class StepFailedException(string code, bool permanent) : Exception(code)
    {
        public string Code { get; } = code;

        public bool Permanent { get; } = permanent;
    }
}
