using Haechi.Core.Review;
using Haechi.Data;
using Haechi.Server.Features.Review;
using Haechi.Watch.Ingestion;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Server.Features.Ingestion;

/// <summary>
/// The server's review sink: matched items go through <see cref="IReviewQueue"/> (so content already
/// decided is classified by fingerprint), once per source id.
/// </summary>
internal sealed class ReviewQueueSink(IServiceScopeFactory scopes) : IReviewSink
{
    public async Task<long> SubmitAsync(ReviewCandidate candidate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
        var existing = await db.ReviewItems.AsNoTracking()
            .Where(r => (r.Kind == ReviewItemKind.BankMatch || r.Kind == ReviewItemKind.FaceMatch) && r.SourceId == candidate.SourceId)
            .Select(r => (long?)r.Id).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (existing is { } id)
        {
            return id;
        }

        var queue = scope.ServiceProvider.GetRequiredService<IReviewQueue>();
        var enqueued = await queue.EnqueueAsync(
            new ReviewItemInput(candidate.Kind, candidate.SourceId, MatchStrength: candidate.MatchStrength, NudityScore: candidate.NudityScore, Sha256: candidate.Sha256, Pdq: candidate.Pdq, MatchedEntryId: candidate.MatchedEntryId, Signal: candidate.Signal, Priority: candidate.Priority),
            cancellationToken).ConfigureAwait(false);
        return enqueued.Id;
    }
}
