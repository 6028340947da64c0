using Haechi.Core.Review;
using Haechi.Data;
using Haechi.Data.Review;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Pipeline.Ingestion;

/// <summary>
/// Writes matched items straight into the review table of the store (the CLI's sink, so that a
/// server on the same data directory shows them). One item per source id.
/// </summary>
public sealed class DatabaseReviewSink(Func<CancellationToken, Task<HaechiDbContext>> openContext, TimeProvider? time = null) : IReviewSink
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <inheritdoc />
    public async Task<long> SubmitAsync(ReviewCandidate candidate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        await using var db = await openContext(cancellationToken).ConfigureAwait(false);
        var existing = await db.ReviewItems.AsNoTracking()
            .Where(r => (r.Kind == ReviewItemKind.BankMatch || r.Kind == ReviewItemKind.FaceMatch || r.Kind == ReviewItemKind.NudityTriage) && r.SourceId == candidate.SourceId)
            .Select(r => (long?)r.Id).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (existing is { } id)
        {
            return id;
        }

        byte[]? pdq = null;
        if (candidate.Pdq is { } hash)
        {
            pdq = new byte[32];
            hash.WriteBigEndian(pdq);
        }

        var record = new ReviewItemRecord
        {
            Kind = candidate.Kind,
            SourceId = candidate.SourceId,
            MatchStrength = Math.Clamp(candidate.MatchStrength, 0, 1),
            NudityScore = Math.Clamp(candidate.NudityScore, 0, 1),
            Signal = candidate.Signal,
            FrameAt = candidate.FrameAt,
            Priority = Math.Clamp(candidate.Priority, 0, 1),
            MatchedEntryId = candidate.MatchedEntryId,
            Sha256 = candidate.Sha256,
            Pdq = pdq,
            Status = ReviewStatus.Open,
            CreatedAt = _time.GetUtcNow(),
        };
        db.ReviewItems.Add(record);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return record.Id;
    }
}
