using Haechi.Core.Faces;
using Haechi.Core.Hashing;
using Haechi.Core.Review;
using Haechi.Data.Ingestion;

namespace Haechi.Pipeline.Ingestion;

/// <summary>
/// Hands an item to review: the strongest signal (a bank match, an enrolled face, or, when nothing
/// matched, an explicit score over <see cref="IngestionOptions.QueueNudityAbove"/>) sets the
/// priority (<see cref="ReviewPriority"/>; a face a victim enrolled herself takes the top tier); an item with a signal is submitted to the
/// <see cref="IReviewSink"/> once its match is committed. An item whose youngest face the age estimate
/// puts under <see cref="FaceAge.MinorBelow"/> is flagged as a possible minor, so the queue shows it
/// first (a triage flag, never a verdict; a face alone does not queue an item).
/// </summary>
internal sealed class ReviewStep(IReviewSink sink, IngestionOptions options)
{
    /// <summary>Sets the item's signal, priority and (for a video) the frame behind it; true when it goes to review.</summary>
    public bool Prioritise(IngestItemRecord item, MatchSignal bankSignal, VisionResult seen)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(seen);

        // The strongest signal decides: an enrolled face on sexual content outranks a fingerprint match.
        var signal = bankSignal;
        var nudity = item.NudityScore ?? 0;
        var priority = signal == MatchSignal.None ? ReviewPriority.Compute(MatchSignal.None, 0, nudity) : ReviewPriority.Compute(signal, item.MatchStrength, nudity);
        if (item.FaceSimilarity is { } similarity)
        {
            // A face she enrolled herself is reviewed first, whatever the nudity score (ReviewPriority.ComputeVictimFace).
            var facePriority = seen.IsVictimFace ? ReviewPriority.ComputeVictimFace(similarity, nudity) : ReviewPriority.Compute(MatchSignal.Face, similarity, nudity);
            if (signal == MatchSignal.None || facePriority > priority)
            {
                signal = MatchSignal.Face;
                priority = facePriority;
            }
        }

        // Nothing matched, but the classifier scores it as explicit: queued below every match (it may
        // show an unregistered victim). The explicit score leaves out "sexy", which many clothed photos get.
        if (signal == MatchSignal.None && item.ExplicitScore is { } explicitScore && options.QueueNudityAbove is { } above && explicitScore > above)
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
        return signal != MatchSignal.None;
    }

    /// <summary>Submits a matched item unless it was sent before (the sink is idempotent on its source id too).</summary>
    public async Task SubmitAsync(ItemWork work, CancellationToken cancellationToken)
    {
        try
        {
            work.Record.ReviewItemId ??= await sink.SubmitAsync(Candidate(work.Record), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            work.Fail("review-sink-error", permanent: false);
        }
    }

    private static ReviewCandidate Candidate(IngestItemRecord item)
    {
        var signal = ReviewPriority.Parse(item.Signal);
        var face = signal == MatchSignal.Face;
        return new ReviewCandidate(
            IngestSource.SourceId(item.Id),
            face ? item.FaceSimilarity ?? 0 : item.MatchStrength,
            face ? item.FaceEntryId : item.MatchedEntryId,
            item.Sha256,
            item.Pdq is { } pdq ? Hash256.ReadBigEndian(pdq) : null,
            signal switch { MatchSignal.Face => ReviewItemKind.FaceMatch, MatchSignal.Nudity => ReviewItemKind.NudityTriage, _ => ReviewItemKind.BankMatch },
            item.Signal,
            item.NudityScore ?? 0,
            item.Priority,
            item.FrameAt,
            item.Pdq is null ? null : item.Quality,
            FaceAge.MayShowMinor(item.YoungestAge) ? item.YoungestAge : null);
    }
}
