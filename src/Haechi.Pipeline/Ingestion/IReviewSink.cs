using Haechi.Core.Hashing;
using Haechi.Core.Review;

namespace Haechi.Pipeline.Ingestion;

/// <summary>A matched item for the review queue; <see cref="SourceId"/> is stable per item, so a repeated submit is recognised.</summary>
/// <param name="SourceId">"ingest:" plus the item id.</param>
/// <param name="MatchStrength">0..1, the strongest match (the queue's priority after the possible-minor flag).</param>
/// <param name="MatchedEntryId">The strongest bank entry matched.</param>
/// <param name="Sha256">SHA-256 of the bytes (32 bytes).</param>
/// <param name="Pdq">PDQ of an image.</param>
/// <param name="Kind">Face match (an enrolled face), bank match (a fingerprint) or nudity triage (nothing matched, scored as sexual).</param>
/// <param name="Signal">The signal that queued it: "pdq", "view", "vpdq", "face" or "nudity".</param>
/// <param name="NudityScore">0..1, or 0 when not scored.</param>
/// <param name="Priority">0..1, see <see cref="ReviewPriority"/>.</param>
/// <param name="FrameAt">For a video: seconds into it of the frame behind the signal.</param>
/// <param name="PdqQuality">The image PDQ's quality, when there is one.</param>
/// <param name="MinorAge">
/// The youngest face's estimated age in years when it is under <see cref="Haechi.Core.Faces.FaceAge.MinorBelow"/>:
/// the item is flagged as a possible minor (reviewed first); null otherwise.
/// </param>
public sealed record ReviewCandidate(
    string SourceId,
    double MatchStrength,
    long? MatchedEntryId,
    byte[]? Sha256,
    Hash256? Pdq,
    ReviewItemKind Kind = ReviewItemKind.BankMatch,
    string? Signal = null,
    double NudityScore = 0,
    double Priority = 0,
    double? FrameAt = null,
    int? PdqQuality = null,
    double? MinorAge = null);

/// <summary>
/// Where matched items go: in both hosts, the review queue (<c>Haechi.Pipeline.Review.ReviewSink</c>,
/// registered by <c>AddReviewQueue</c>). Implementations must be idempotent on
/// <see cref="ReviewCandidate.SourceId"/>: a worker that crashed after submitting submits again.
/// </summary>
public interface IReviewSink
{
    /// <summary>Adds the candidate unless an item with its source id exists; returns the review item id.</summary>
    Task<long> SubmitAsync(ReviewCandidate candidate, CancellationToken cancellationToken);
}
