using System.Globalization;
using Haechi.Core.Faces;
using Haechi.Core.Review;
using Haechi.Data;
using Haechi.Data.Ingestion;
using Haechi.Data.Sealing;
using Haechi.Pipeline.Fetching;
using Haechi.Pipeline.Matching;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Pipeline.Ingestion;

/// <summary>
/// The embedded ingestion pipeline: a durable queue in Haechi's store (<see cref="IngestQueue"/>) and
/// in-process workers that run the steps. Each item goes queued → fetched (<see cref="FetchStep"/>:
/// bytes sealed at rest, SHA-256, exact repeats counted and finished at commit) → fingerprinted
/// (<see cref="FingerprintStep"/>: PDQ, or vPDQ for videos) → matched (<see cref="MatchStep"/>: every
/// bank through the one <see cref="Matcher"/>; <see cref="VisionStep"/>: when the vision models are
/// installed, faces against every face bank and the nudity score, for videos on a bounded number of
/// frames spread over them; the priority from <see cref="ReviewPriority"/>) → done
/// (<see cref="ReviewStep"/>: sent to the <see cref="IReviewSink"/> when it matched, or when nothing
/// matched but the explicit score is over <see cref="IngestionOptions.QueueNudityAbove"/>).
/// A worker claims a batch of items with a lease, runs their steps in memory and commits the
/// batch's results in one transaction (group commit), only for the items whose lease it still
/// holds, so a worker killed at any point leaves each item as its last commit left it and another
/// worker repeats only uncommitted work after the lease ends.
/// </summary>
public sealed class IngestionPipeline : IIngestionPipeline
{
    /// <summary>The actor the pipeline writes in the audit log.</summary>
    public const string AuditActor = "pipeline";

    /// <summary>Longest source kind.</summary>
    public const int MaxSourceKindLength = 32;

    /// <summary>Longest source id.</summary>
    public const int MaxSourceIdLength = 200;

    private readonly Func<CancellationToken, Task<HaechiDbContext>> _openContext;
    private readonly Matcher _matcher;
    private readonly TimeProvider _time;
    private readonly IngestVision _vision;
    private readonly IngestQueue _queue;
    private readonly FetchStep _fetch;
    private readonly FingerprintStep _fingerprint;
    private readonly MatchStep _match;
    private readonly VisionStep _see;
    private readonly ReviewStep _review;

    /// <summary>A pipeline on the store that <paramref name="openContext"/> opens (its schema current).</summary>
    /// <param name="openContext">Opens a new context per unit of work.</param>
    /// <param name="sealer">Seals fetched bytes at rest.</param>
    /// <param name="fetcher">Fetches URLs.</param>
    /// <param name="sink">Where matched items go.</param>
    /// <param name="dataDirectory">The data directory (imported copies).</param>
    /// <param name="matcher">The one matcher of the process; each batch first brings its indexes up to date.</param>
    /// <param name="options">Limits and thresholds; <see cref="IngestionOptions.Default"/> when null.</param>
    /// <param name="time">The clock; the system clock when null.</param>
    /// <param name="workerId">The lease owner name; a new unique one when null.</param>
    /// <param name="vision">Faces and nudity; off when null.</param>
    public IngestionPipeline(
        Func<CancellationToken, Task<HaechiDbContext>> openContext,
        ContentSealer sealer,
        SafeFetcher fetcher,
        IReviewSink sink,
        string dataDirectory,
        Matcher matcher,
        IngestionOptions? options = null,
        TimeProvider? time = null,
        string? workerId = null,
        IngestVision? vision = null)
    {
        _openContext = openContext;
        _matcher = matcher;
        Options = options ?? IngestionOptions.Default;
        _time = time ?? TimeProvider.System;
        WorkerId = workerId ?? NewWorkerId();
        _vision = vision ?? IngestVision.None();
        var content = new ItemContent(openContext, sealer);
        _queue = new IngestQueue(openContext, dataDirectory, Options, _time, WorkerId);
        _fetch = new FetchStep(fetcher, content, Options, _time);
        _fingerprint = new FingerprintStep(content, Options);
        _match = new MatchStep(content, Options);
        _see = new VisionStep(_vision, content, Options);
        _review = new ReviewStep(sink, Options);
    }

    /// <summary>The options in force.</summary>
    public IngestionOptions Options { get; }

    /// <summary>The lease owner name of this pipeline's workers.</summary>
    public string WorkerId { get; }

    /// <inheritdoc />
    public Task<EnqueueResult> EnqueueAsync(IngestRequest request, CancellationToken cancellationToken) => _queue.EnqueueAsync(request, cancellationToken);

    /// <inheritdoc />
    public async Task<int> RunAsync(bool untilIdle, CancellationToken cancellationToken)
    {
        var finished = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var claimed = await _queue.ClaimAsync(Options.BatchSize, cancellationToken).ConfigureAwait(false);
            if (claimed.Count == 0)
            {
                if (untilIdle && !await _queue.AnyAwaitingOtherWorkerAsync(cancellationToken).ConfigureAwait(false))
                {
                    return finished;
                }

                await Task.Delay(Options.PollInterval, _time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            // The one matcher of the process: each batch first applies the bank changes committed
            // meanwhile (by any process), so entries added, enrolled or withdrawn count at once.
            await _matcher.RefreshAsync(cancellationToken).ConfigureAwait(false);
            var faceBanks = _vision.EmbeddingModel is { } model ? _matcher.FaceBanks(model) : [];
            finished += await ProcessBatchAsync(claimed, faceBanks, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task<IngestStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        var status = await _queue.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        var faceBanks = 0;
        if (_vision.EmbeddingModel is { } model)
        {
            await using var db = await _openContext(cancellationToken).ConfigureAwait(false);
            faceBanks = await db.Banks.AsNoTracking().CountAsync(b => b.EmbeddingModel == model, cancellationToken).ConfigureAwait(false);
        }

        return status with { Vision = _vision.Status, FaceBanks = faceBanks };
    }

    /// <inheritdoc />
    public Task<bool> RetryAsync(long itemId, CancellationToken cancellationToken) => _queue.RetryAsync(itemId, cancellationToken);

    /// <summary>The associated data a fetched item's bytes are sealed with: a blob moved to another item does not open.</summary>
    public static byte[] SealingContext(long itemId) => ItemContent.SealingContext(itemId);

    // Host (at most 20 characters), process and a random part: unique per pipeline instance, at most 64 characters.
    private static string NewWorkerId()
    {
        var host = Environment.MachineName.Length > 20 ? Environment.MachineName[..20] : Environment.MachineName;
        return string.Create(CultureInfo.InvariantCulture, $"{host}:{Environment.ProcessId}:{Guid.NewGuid():N}");
    }

    /// <summary>
    /// Runs the remaining steps of a claimed batch in memory (in parallel, up to the concurrency),
    /// then commits every item's results in one transaction (group commit). Items that matched are
    /// then sent to the review sink (idempotent on the source id) and marked done in a second
    /// transaction. Each commit first re-takes the leases and keeps only the items this worker still
    /// holds, so a worker killed at any point leaves each item as its last commit left it, and
    /// another worker repeats only uncommitted work. Returns the items finished.
    /// </summary>
    private async Task<int> ProcessBatchAsync(List<long> ids, IReadOnlyList<FaceBank> faceBanks, CancellationToken cancellationToken)
    {
        await using var batch = await _queue.OpenBatchAsync(ids, cancellationToken).ConfigureAwait(false);
        if (batch.Work.Count == 0)
        {
            return 0;
        }

        await Parallel.ForEachAsync(
            batch.Work,
            new ParallelOptions { MaxDegreeOfParallelism = Options.Concurrency, CancellationToken = cancellationToken },
            async (item, ct) => await RunStepsAsync(item, faceBanks, ct).ConfigureAwait(false)).ConfigureAwait(false);

        var finished = await _queue.CommitStepsAsync(batch, cancellationToken).ConfigureAwait(false);

        // Matched items go to review, outside the store's write transaction (the sink may write the same store).
        var sent = new List<ItemWork>();
        foreach (var item in batch.Work)
        {
            if (item.Committed && item.Record.State == IngestState.Matched)
            {
                await _review.SubmitAsync(item, cancellationToken).ConfigureAwait(false);
                sent.Add(item);
            }
        }

        if (sent.Count > 0)
        {
            finished += await _queue.CommitSentAsync(batch, sent, cancellationToken).ConfigureAwait(false);
        }

        return finished;
    }

    /// <summary>Runs the item's steps in memory until it is done, matched (waiting for review) or failed; touches no shared context.</summary>
    private async Task RunStepsAsync(ItemWork work, IReadOnlyList<FaceBank> faceBanks, CancellationToken cancellationToken)
    {
        var item = work.Record;
        try
        {
            while (true)
            {
                switch (item.State)
                {
                    case IngestState.Queued:
                        await _fetch.RunAsync(work, cancellationToken).ConfigureAwait(false);
                        _queue.Advance(item, IngestState.Fetched);
                        break;
                    case IngestState.Fetched:
                        await _fingerprint.RunAsync(work, cancellationToken).ConfigureAwait(false);
                        _queue.Advance(item, IngestState.Fingerprinted);
                        break;
                    case IngestState.Fingerprinted:
                        var signal = await _match.RunAsync(work, _matcher, cancellationToken).ConfigureAwait(false);
                        var seen = await _see.RunAsync(work, faceBanks, cancellationToken).ConfigureAwait(false);
                        var toReview = _review.Prioritise(item, signal, seen);
                        _queue.Advance(item, !toReview || item.ReviewItemId is not null ? IngestState.Done : IngestState.Matched);
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
}
