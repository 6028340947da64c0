using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Haechi.Core.Hashing;
using Haechi.Core.Review;
using Haechi.Core.Robust;
using Haechi.Core.Sealing;
using Haechi.Core.Video;
using Haechi.Data;
using Haechi.Data.Audit;
using Haechi.Data.Banks;
using Haechi.Data.Ingestion;
using Haechi.Data.Matching;
using Haechi.Media.Images;
using Haechi.Media.Video;
using Haechi.Watch.Fetching;
using Haechi.Watch.Matching;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Watch.Ingestion;

/// <summary>
/// The embedded ingestion pipeline: a durable queue in Haechi's store and in-process workers.
/// Each item goes queued → fetched (bytes sealed at rest, SHA-256, exact repeats counted and
/// finished) → fingerprinted (PDQ, or vPDQ for videos) → matched (every bank, through
/// <see cref="BankMatcher"/>) → done (sent to the <see cref="IReviewSink"/> when it matched). A
/// worker claims items with a lease; each step saves its result, the next state and (when fetching)
/// the audit entry in one transaction, only while it still holds the lease, so a worker killed
/// mid-step leaves the item as it was and another worker repeats that step after the lease ends.
/// </summary>
public sealed class IngestionPipeline(
    Func<CancellationToken, Task<HaechiDbContext>> openContext,
    ContentSealer sealer,
    SafeFetcher fetcher,
    IReviewSink sink,
    string dataDirectory,
    IngestionOptions? options = null,
    TimeProvider? time = null,
    string? workerId = null) : IIngestionPipeline
{
    /// <summary>The actor the pipeline writes in the audit log.</summary>
    public const string AuditActor = "pipeline";

    /// <summary>Longest source kind.</summary>
    public const int MaxSourceKindLength = 32;

    /// <summary>Longest source id.</summary>
    public const int MaxSourceIdLength = 200;

    private const int FrameRecordLength = 4 + 4 + 32 + 8;
    private static readonly TimeSpan MatcherMaxAge = TimeSpan.FromMinutes(1);

    private readonly IngestionOptions _options = options ?? IngestionOptions.Default;
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly string _worker = workerId ?? NewWorkerId();

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
        await using var matcherDb = await openContext(cancellationToken).ConfigureAwait(false);
        var store = new BankStore(matcherDb, _time);
        var loader = new SignalIndexLoader(dataDirectory, _time);
        BankMatcher? matcher = null;
        var loadedAt = 0L;
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var claimed = await ClaimAsync(_options.Concurrency * 2, cancellationToken).ConfigureAwait(false);
                if (claimed.Count == 0)
                {
                    if (untilIdle && !await AnyAwaitingOtherWorkerAsync(cancellationToken).ConfigureAwait(false))
                    {
                        return finished;
                    }

                    await Task.Delay(_options.PollInterval, _time, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                // Reloaded now and then: entries added or withdrawn meanwhile count.
                if (matcher is null || _time.GetElapsedTime(loadedAt) > MatcherMaxAge)
                {
                    matcher?.Dispose();
                    matcher = null;
                    matcherDb.ChangeTracker.Clear();
                    matcher = await BankMatcher.LoadAsync(store, loader, withVideo: true, cancellationToken).ConfigureAwait(false);
                    loadedAt = _time.GetTimestamp();
                }

                var current = matcher;
                await Parallel.ForEachAsync(
                    claimed,
                    new ParallelOptions { MaxDegreeOfParallelism = _options.Concurrency, CancellationToken = cancellationToken },
                    async (id, ct) =>
                    {
                        if (await ProcessAsync(id, current, ct).ConfigureAwait(false))
                        {
                            Interlocked.Increment(ref finished);
                        }
                    }).ConfigureAwait(false);
            }
        }
        finally
        {
            matcher?.Dispose();
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
        return new IngestStatus(byState, byError, duplicates, sent, _options.MaxPending);
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

    private async Task<List<long>> ClaimAsync(int count, CancellationToken cancellationToken)
    {
        await using var db = await openContext(cancellationToken).ConfigureAwait(false);
        var now = NowMs();
        var candidates = await db.IngestItems.AsNoTracking()
            .Where(i => i.State != IngestState.Done && i.State != IngestState.Failed && i.LeaseUntil < now)
            .OrderBy(i => i.Id).Select(i => i.Id).Take(count).ToListAsync(cancellationToken).ConfigureAwait(false);
        var claimed = new List<long>(candidates.Count);
        var until = now + (long)_options.Lease.TotalMilliseconds;
        foreach (var id in candidates)
        {
            // Only one worker's update matches: the lease condition is re-checked by the database.
            var rows = await db.IngestItems
                .Where(i => i.Id == id && i.State != IngestState.Done && i.State != IngestState.Failed && i.LeaseUntil < now)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.LeaseOwner, _worker).SetProperty(i => i.LeaseUntil, until), cancellationToken).ConfigureAwait(false);
            if (rows == 1)
            {
                claimed.Add(id);
            }
        }

        return claimed;
    }

    // Pending items held by a live (or crashed, not yet expired) lease that have not failed yet: worth waiting for.
    private async Task<bool> AnyAwaitingOtherWorkerAsync(CancellationToken cancellationToken)
    {
        await using var db = await openContext(cancellationToken).ConfigureAwait(false);
        return await db.IngestItems.AsNoTracking()
            .AnyAsync(i => i.State != IngestState.Done && i.State != IngestState.Failed && i.Attempts == 0, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs the item's remaining steps. True when it reached <see cref="IngestState.Done"/> here.</summary>
    private async Task<bool> ProcessAsync(long id, BankMatcher matcher, CancellationToken cancellationToken)
    {
        await using var db = await openContext(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            db.ChangeTracker.Clear();
            var item = await db.IngestItems.FirstOrDefaultAsync(i => i.Id == id, cancellationToken).ConfigureAwait(false);
            if (item is null || item.LeaseOwner != _worker || item.State is IngestState.Done or IngestState.Failed)
            {
                return false;
            }

            try
            {
                switch (item.State)
                {
                    case IngestState.Queued:
                        await FetchAsync(db, item, cancellationToken).ConfigureAwait(false);
                        break;
                    case IngestState.Fetched:
                        await FingerprintAsync(db, item, cancellationToken).ConfigureAwait(false);
                        break;
                    case IngestState.Fingerprinted:
                        await MatchAsync(db, item, matcher, cancellationToken).ConfigureAwait(false);
                        break;
                    case IngestState.Matched:
                        await SendAsync(db, item, cancellationToken).ConfigureAwait(false);
                        return true;
                }
            }
            catch (DbUpdateConcurrencyException)
            {
                // The lease was lost (expired and taken): the other worker carries on.
                return false;
            }
            catch (StepFailedException ex)
            {
                await FailAsync(db, id, ex.Code, ex.Permanent, cancellationToken).ConfigureAwait(false);
                return false;
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not DbUpdateConcurrencyException)
            {
                await FailAsync(db, id, "internal-error", permanent: false, cancellationToken).ConfigureAwait(false);
                return false;
            }

            if (item.State == IngestState.Done)
            {
                return true;
            }
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

    private async Task FetchAsync(HaechiDbContext db, IngestItemRecord item, CancellationToken cancellationToken)
    {
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

        var sha = SHA256.HashData(bytes);
        var now = _time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        item.Sha256 = sha;
        item.Length = bytes.Length;
        item.ContentKind = kind == SniffedKind.Video ? "video" : "image";
        item.FetchedAt = now;
        Advance(item, IngestState.Fetched);

        // The first write takes the store's write lock and checks the lease (concurrency tokens).
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO ingest_digests (sha256, first_item_id, seen_count, last_seen_at) VALUES ({sha}, {item.Id}, 1, {now}) ON CONFLICT (sha256) DO UPDATE SET seen_count = ingest_digests.seen_count + 1, last_seen_at = excluded.last_seen_at",
            cancellationToken).ConfigureAwait(false);
        var first = await db.IngestDigests.AsNoTracking().Where(d => d.Sha256 == sha).Select(d => d.FirstItemId).FirstAsync(cancellationToken).ConfigureAwait(false);
        if (first != item.Id)
        {
            // An exact repeat: counted in the digest register, not reviewed again.
            item.DuplicateOf = first;
            Advance(item, IngestState.Done);
        }
        else
        {
            db.IngestContents.Add(new IngestContentRecord { ItemId = item.Id, Sealed = sealer.Seal(bytes, SealingContext(item.Id)) });
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        var detail = string.Create(CultureInfo.InvariantCulture, $"source={item.SourceKind} kind={item.ContentKind} bytes={bytes.Length} sha256={Convert.ToHexStringLower(sha)}{(first != item.Id ? $" duplicate-of={first}" : string.Empty)}");
        await new AuditLog(db, _time).AppendAsync(AuditActor, "ingest.fetched", string.Create(CultureInfo.InvariantCulture, $"ingest-item:{item.Id}"), detail, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);

        // A copy the pipeline owns (unpacked from an imported archive) is not kept in the clear once sealed.
        if (item.FilePath is { } copy && copy.StartsWith(Path.Combine(Path.GetFullPath(dataDirectory), "imports") + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            File.Delete(copy);
        }
    }

    private async Task<byte[]> OpenContentAsync(HaechiDbContext db, long itemId, CancellationToken cancellationToken)
    {
        var sealedBlob = await db.IngestContents.AsNoTracking().Where(c => c.ItemId == itemId).Select(c => c.Sealed)
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false) ?? throw new StepFailedException("content-missing", permanent: true);
        try
        {
            return sealer.Open(sealedBlob, SealingContext(itemId));
        }
        catch (SealedContentException)
        {
            throw new StepFailedException("sealed-content-damaged", permanent: true);
        }
    }

    private async Task FingerprintAsync(HaechiDbContext db, IngestItemRecord item, CancellationToken cancellationToken)
    {
        var bytes = await OpenContentAsync(db, item.Id, cancellationToken).ConfigureAwait(false);
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
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
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

    private async Task MatchAsync(HaechiDbContext db, IngestItemRecord item, BankMatcher matcher, CancellationToken cancellationToken)
    {
        var filter = _options.Filter;
        item.MatchCount = 0;
        item.MatchedEntryId = null;
        item.MatchStrength = 0;
        if (item.ContentKind == "video")
        {
            var matches = await matcher.MatchVideoAsync(UnpackFrames(item.Frames ?? []), filter, cancellationToken).ConfigureAwait(false);
            if (matches.Count > 0)
            {
                item.MatchCount = matches.Count;
                item.MatchedEntryId = matches[0].Entry.Id;
                item.MatchStrength = Math.Clamp(matches[0].Comparison.QueryMatchPercent / 100.0, 0, 1);
            }
        }
        else if (item.Pdq is { } pdq && item.Quality is { } quality && quality >= filter.MinQuality)
        {
            // The stored PDQ is enough unless banks keep extra views, which need the pixels again.
            var fingerprint = matcher.HasExtraViews
                ? Fingerprint(await OpenContentAsync(db, item.Id, cancellationToken).ConfigureAwait(false), FingerprintParts.RobustViews, matcher.QueryFamilies)
                : new ImageFingerprint { Pdq = Hash256.ReadBigEndian(pdq), Quality = quality, Width = 0, Height = 0, DecodeTime = TimeSpan.Zero, HashTime = TimeSpan.Zero };
            var matches = await matcher.MatchImageAsync(fingerprint, filter, cancellationToken).ConfigureAwait(false);
            if (matches.Count > 0)
            {
                item.MatchCount = matches.Count;
                item.MatchedEntryId = matches[0].Entry.Id;
                item.MatchStrength = ReviewRules.PdqMatchStrength(matches[0].Distance, filter.Radius + 1);
            }
        }

        Advance(item, IngestState.Matched);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task SendAsync(HaechiDbContext db, IngestItemRecord item, CancellationToken cancellationToken)
    {
        if (item.MatchCount > 0 && item.ReviewItemId is null)
        {
            // The sink is idempotent on the source id: a repeat after a crash finds the first submit.
            item.ReviewItemId = await sink.SubmitAsync(
                new ReviewCandidate(
                    string.Create(CultureInfo.InvariantCulture, $"ingest:{item.Id}"),
                    item.MatchStrength,
                    item.MatchedEntryId,
                    item.Sha256,
                    item.Pdq is { } pdq ? Hash256.ReadBigEndian(pdq) : null),
                cancellationToken).ConfigureAwait(false);
        }

        Advance(item, IngestState.Done);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task FailAsync(HaechiDbContext db, long id, string code, bool permanent, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var item = await db.IngestItems.FirstOrDefaultAsync(i => i.Id == id, cancellationToken).ConfigureAwait(false);
        if (item is null || item.LeaseOwner != _worker)
        {
            return;
        }

        item.Attempts++;
        item.LastError = code;
        item.UpdatedAt = _time.GetUtcNow();
        item.LeaseOwner = null;
        if (permanent || item.Attempts >= _options.MaxAttempts)
        {
            item.FailedIn = item.State;
            item.State = IngestState.Failed;
            item.LeaseUntil = 0;
        }
        else
        {
            item.LeaseUntil = NowMs() + (long)_options.RetryDelay.TotalMilliseconds;
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Lost the lease meanwhile: the new holder decides.
        }
    }

    private sealed class StepFailedException(string code, bool permanent) : Exception(code)
    {
        public string Code { get; } = code;

        public bool Permanent { get; } = permanent;
    }
}
