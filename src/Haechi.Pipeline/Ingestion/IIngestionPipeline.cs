using Haechi.Data.Ingestion;

namespace Haechi.Pipeline.Ingestion;

/// <summary>What a connector hands the pipeline: one URL or one file, with its source.</summary>
/// <param name="SourceKind">The connector ("web", "file", "telegram"...), at most 32 characters.</param>
/// <param name="SourceId">The connector's id of the item, unique within the kind (a re-send is recognised), at most 200 characters.</param>
/// <param name="Url">An http(s) URL to fetch, or null.</param>
/// <param name="FilePath">A local file to read, or null.</param>
/// <param name="PageUrl">Where the media was seen when that is not where it is read from (the web page that showed it, a Telegram post link), or null.</param>
/// <param name="Link">The address the item is known by when it is not <paramref name="Url"/> (a post's <c>t.me</c> link read through the channel's web preview): the review item's URL, what a notice names.</param>
public sealed record IngestRequest(string SourceKind, string SourceId, Uri? Url = null, string? FilePath = null, Uri? PageUrl = null, Uri? Link = null);

/// <summary>What became of an enqueue request.</summary>
public enum EnqueueStatus
{
    /// <summary>Stored durably; the pipeline will process it.</summary>
    Accepted,

    /// <summary>The same (source kind, source id) was accepted before; nothing new was queued.</summary>
    AlreadyQueued,

    /// <summary>The queue holds more unfinished items than the configured limit: try again later.</summary>
    QueueFull,
}

/// <summary>The outcome of an enqueue: the item id unless the queue was full.</summary>
public sealed record EnqueueResult(EnqueueStatus Status, long? ItemId, int Pending);

/// <summary>How many items are in each state, and the failures by error code.</summary>
/// <param name="ByState">Items per state.</param>
/// <param name="FailuresByError">Failed items per error code.</param>
/// <param name="Duplicates">Exact repeats.</param>
/// <param name="SentToReview">Items sent to the review queue.</param>
/// <param name="MaxPending">The back-pressure limit.</param>
/// <param name="Vision">Whether faces and nudity are on (and why not); null when the pipeline does not say.</param>
/// <param name="FaceBanks">Face banks searched (banks of the embedder's model).</param>
/// <param name="FaceMatches">Items whose priority came from an enrolled face.</param>
/// <param name="NudityScored">Items given a nudity score.</param>
/// <param name="PossibleMinors">Items whose youngest face the age estimate puts under <see cref="Haechi.Core.Faces.FaceAge.MinorBelow"/> (flagged when they reach the review queue).</param>
public sealed record IngestStatus(
    IReadOnlyDictionary<IngestState, int> ByState,
    IReadOnlyDictionary<string, int> FailuresByError,
    int Duplicates,
    int SentToReview,
    int MaxPending,
    VisionStatus? Vision = null,
    int FaceBanks = 0,
    int FaceMatches = 0,
    int NudityScored = 0,
    int PossibleMinors = 0)
{
    /// <summary>Items not yet done or failed.</summary>
    public int Pending
    {
        get
        {
            var pending = 0;
            foreach (var (state, count) in ByState)
            {
                if (state is not IngestState.Done and not IngestState.Failed)
                {
                    pending += count;
                }
            }

            return pending;
        }
    }

    /// <summary>"ok", or "back-pressure" when enqueues are being refused.</summary>
    public string Health => Pending >= MaxPending ? "back-pressure" : "ok";
}

/// <summary>
/// The durable ingestion pipeline: queued → fetched → fingerprinted → matched (banks, and faces and
/// nudity when the vision models are installed) → done (or failed).
/// The embedded implementation (<see cref="IngestionPipeline"/>) keeps the queue in Haechi's store
/// and runs in-process workers; the interface is what a cluster engine would implement instead.
/// </summary>
public interface IIngestionPipeline
{
    /// <summary>Stores an item durably (or refuses it when the queue is full); an item already accepted is not queued twice.</summary>
    Task<EnqueueResult> EnqueueAsync(IngestRequest request, CancellationToken cancellationToken);

    /// <summary>Claims and processes items until none is ready (when <paramref name="untilIdle"/>) or until cancelled; returns the items finished.</summary>
    Task<int> RunAsync(bool untilIdle, CancellationToken cancellationToken);

    /// <summary>Counts per state and failures per error code.</summary>
    Task<IngestStatus> GetStatusAsync(CancellationToken cancellationToken);

    /// <summary>Puts a failed item back where it failed (attempts reset). False when it is not failed.</summary>
    Task<bool> RetryAsync(long itemId, CancellationToken cancellationToken);
}
