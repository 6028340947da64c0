using Haechi.Core.Review;
using Haechi.Data;
using Haechi.Pipeline.Ingestion;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Haechi.Pipeline.Review;

/// <summary>
/// The ingestion pipeline's one review sink, in the server and in <c>haechi ingest</c>: matched items
/// go through <see cref="IReviewQueue"/> (so content already decided is classified by fingerprint
/// and not shown again), once per source id. An item fetched from a URL becomes a web item that keeps
/// its URL, so a confirmed match can be noticed to the host.
/// </summary>
internal sealed class ReviewSink(IServiceScopeFactory scopes) : IReviewSink
{
    /// <inheritdoc />
    public async Task<long> SubmitAsync(ReviewCandidate candidate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
        var existing = await db.ReviewItems.AsNoTracking()
            .Where(r => (r.Kind == ReviewItemKind.BankMatch || r.Kind == ReviewItemKind.FaceMatch || r.Kind == ReviewItemKind.WebItem || r.Kind == ReviewItemKind.NudityTriage) && r.SourceId == candidate.SourceId)
            .Select(r => (long?)r.Id).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (existing is { } id)
        {
            return id;
        }

        // An item fetched from the web keeps its URL (what a takedown notice names) and is a web item.
        Uri? url = null;
        if (IngestSource.ItemId(candidate.SourceId) is { } itemId)
        {
            var stored = await db.IngestItems.AsNoTracking().Where(i => i.Id == itemId).Select(i => i.Url).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            _ = Uri.TryCreate(stored, UriKind.Absolute, out url);
        }

        var queue = scope.ServiceProvider.GetRequiredService<IReviewQueue>();
        var enqueued = await queue.EnqueueAsync(
            new ReviewItemInput(KindOf(candidate.Kind, url), candidate.SourceId, MatchStrength: candidate.MatchStrength, NudityScore: candidate.NudityScore, Sha256: candidate.Sha256, Pdq: candidate.Pdq, MatchedEntryId: candidate.MatchedEntryId, Url: url, Signal: candidate.Signal, Priority: candidate.Priority, FrameAt: candidate.FrameAt, PdqQuality: candidate.PdqQuality),
            cancellationToken).ConfigureAwait(false);
        return enqueued.Id;
    }

    // A face match stays a face match (it names a person, not a copy) and a nudity triage item stays
    // one (nothing matched); a fingerprint match fetched from a URL is a web item. All keep their URL for the notice.
    private static ReviewItemKind KindOf(ReviewItemKind kind, Uri? url) =>
        kind is ReviewItemKind.FaceMatch or ReviewItemKind.NudityTriage ? kind : url is null ? ReviewItemKind.BankMatch : ReviewItemKind.WebItem;
}
