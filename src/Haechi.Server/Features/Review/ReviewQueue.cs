using Haechi.Core.Hashing;
using Haechi.Core.Review;
using Haechi.Data;
using Haechi.Data.Review;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Server.Features.Review;

/// <summary>What a producer puts in the review queue.</summary>
/// <param name="Kind">What produced it.</param>
/// <param name="SourceId">The producer's id (report id, watcher item id...).</param>
/// <param name="PossibleMinor">The person shown may be under 18 (reviewed first).</param>
/// <param name="MatchStrength">0..1, strongest bank or face match.</param>
/// <param name="NudityScore">0..1, or 0 when not scored.</param>
/// <param name="Sha256">SHA-256 of the content bytes, if any.</param>
/// <param name="Md5">MD5 of the content bytes, if any.</param>
/// <param name="Pdq">PDQ of the content, if any.</param>
/// <param name="EvidenceId">The encrypted content, if any.</param>
/// <param name="MatchedEntryId">The bank entry matched, if any.</param>
/// <param name="Url">Where the content was seen, if anywhere (what a takedown notice names).</param>
internal sealed record ReviewItemInput(
    ReviewItemKind Kind,
    string SourceId,
    bool PossibleMinor = false,
    double MatchStrength = 0,
    double NudityScore = 0,
    byte[]? Sha256 = null,
    byte[]? Md5 = null,
    Hash256? Pdq = null,
    long? EvidenceId = null,
    long? MatchedEntryId = null,
    Uri? Url = null);

/// <summary>Where an enqueued item went: open for review, or classified by an earlier decision on the same content.</summary>
internal sealed record Enqueued(long Id, ReviewStatus Status, long? SameAsId);

/// <summary>
/// The review queue other features insert into (reports now; bank/face matching and watchers
/// later). Content already decided is recognised by fingerprint (exact SHA-256 or MD5, or PDQ
/// within <see cref="ReviewRules.SameContentPdqDistance"/>) and classified without being shown again.
/// </summary>
internal interface IReviewQueue
{
    /// <summary>Adds an item in the caller's transaction when one is open; saved before it returns.</summary>
    Task<Enqueued> EnqueueAsync(ReviewItemInput input, CancellationToken cancellationToken);
}

/// <inheritdoc />
internal sealed partial class ReviewQueue(HaechiDbContext db, TimeProvider time, ILogger<ReviewQueue> logger) : IReviewQueue
{
    public async Task<Enqueued> EnqueueAsync(ReviewItemInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        byte[]? pdq = null;
        if (input.Pdq is { } hash)
        {
            pdq = new byte[32];
            hash.WriteBigEndian(pdq);
        }

        var same = await FindDecidedAsync(input.Sha256, input.Md5, input.Pdq, cancellationToken).ConfigureAwait(false);
        var record = new ReviewItemRecord
        {
            Kind = input.Kind,
            SourceId = input.SourceId,
            PossibleMinor = input.PossibleMinor,
            MatchStrength = Math.Clamp(input.MatchStrength, 0, 1),
            NudityScore = Math.Clamp(input.NudityScore, 0, 1),
            Sha256 = input.Sha256,
            Md5 = input.Md5,
            Pdq = pdq,
            EvidenceId = input.EvidenceId,
            MatchedEntryId = input.MatchedEntryId,
            Url = input.Url?.AbsoluteUri,
            Status = same is null ? ReviewStatus.Open : ReviewStatus.AutoClassified,
            Decision = same?.Decision,
            SameAsId = same?.Id,
            CreatedAt = time.GetUtcNow(),
        };
        db.ReviewItems.Add(record);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        if (same is not null)
        {
            await db.ReviewItems.Where(r => r.Id == same.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.ReturnCount, r => r.ReturnCount + 1), cancellationToken).ConfigureAwait(false);
            LogAutoClassified(logger, record.Id, same.Id);
        }

        return new Enqueued(record.Id, record.Status, record.SameAsId);
    }

    private sealed record Decided(long Id, ReviewDecision? Decision);

    private async Task<Decided?> FindDecidedAsync(byte[]? sha256, byte[]? md5, Hash256? pdq, CancellationToken cancellationToken)
    {
        var decided = db.ReviewItems.AsNoTracking().Where(r => r.Status == ReviewStatus.Decided);
        if (sha256 is not null)
        {
            var hit = await decided.Where(r => r.Sha256 == sha256).OrderBy(r => r.Id).Select(r => new Decided(r.Id, r.Decision)).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (hit is not null)
            {
                return hit;
            }
        }

        if (md5 is not null)
        {
            var hit = await decided.Where(r => r.Md5 == md5).OrderBy(r => r.Id).Select(r => new Decided(r.Id, r.Decision)).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (hit is not null)
            {
                return hit;
            }
        }

        if (pdq is not { } query)
        {
            return null;
        }

        // Decided content is what analysts have looked at: thousands, not millions; a linear scan
        // of their PDQs is cheap. (Move to a HammingIndex when it is not.)
        var rows = decided.Where(r => r.Pdq != null).OrderBy(r => r.Id).Select(r => new { r.Id, r.Decision, r.Pdq }).AsAsyncEnumerable();
        await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (Hash256.Distance(query, Hash256.ReadBigEndian(row.Pdq)) <= ReviewRules.SameContentPdqDistance)
            {
                return new Decided(row.Id, row.Decision);
            }
        }

        return null;
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Review item {ItemId} classified by the decision on item {SameAsId}")]
    private static partial void LogAutoClassified(ILogger logger, long itemId, long sameAsId);
}
