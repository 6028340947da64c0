using System.Diagnostics.CodeAnalysis;
using Haechi.Core.Hashing;
using Haechi.Core.Hashing.Pdq;
using Haechi.Core.Review;
using Haechi.Data;
using Haechi.Data.Review;
using Haechi.Data.Writing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Haechi.Pipeline.Review;

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
/// <param name="Signal">The signal that queued it ("pdq", "view", "vpdq", "face", "nudity"), if any.</param>
/// <param name="Priority">0..1 (see <see cref="ReviewPriority"/>); null: computed from the kind, match strength and nudity score.</param>
/// <param name="FrameAt">For a video: seconds into it of the frame behind the signal.</param>
/// <param name="PdqQuality">The PDQ's quality (0..100); the PDQ counts as "the same content" only at <see cref="PdqQuality.DefaultMinimum"/> or more.</param>
/// <param name="PageUrl">The page or Telegram post that showed the content, when it is not <paramref name="Url"/>.</param>
/// <param name="MinorAge">When <paramref name="PossibleMinor"/> comes from the face model's age estimate: the youngest face's estimate in years.</param>
public sealed record ReviewItemInput(
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
    Uri? Url = null,
    string? Signal = null,
    double? Priority = null,
    double? FrameAt = null,
    int? PdqQuality = null,
    Uri? PageUrl = null,
    double? MinorAge = null);

/// <summary>Where an enqueued item went: open for review, or classified by an earlier decision on the same content.</summary>
/// <param name="Id">The review item.</param>
/// <param name="Status">Open, or auto-classified.</param>
/// <param name="SameAsId">The decided item whose decision it took, when auto-classified.</param>
public sealed record Enqueued(long Id, ReviewStatus Status, long? SameAsId);

/// <summary>
/// The one review queue every producer inserts into (reports, Telegram, evidence, and the ingestion
/// pipeline of both hosts through <see cref="ReviewSink"/>). Content already decided is recognised by
/// fingerprint (exact SHA-256 or MD5, a match with the bank of confirmed content (<see cref="ConfirmedContent"/>),
/// or a PDQ of quality at least <see cref="PdqQuality.DefaultMinimum"/> within <see cref="ReviewRules.SameContentPdqDistance"/>). Ingested content is then classified
/// without being shown again; a public report never is: it stays open for an analyst, marked as
/// seen before with the earlier item (its URLs and description are new information).
/// </summary>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "It is a queue: the domain's name for it (DESIGN.md).")]
public interface IReviewQueue
{
    /// <summary>Adds an item in the caller's transaction when one is open; saved before it returns.</summary>
    Task<Enqueued> EnqueueAsync(ReviewItemInput input, CancellationToken cancellationToken);

    /// <summary>Adds several items with one save (in the caller's transaction when one is open); results in input order.</summary>
    Task<IReadOnlyList<Enqueued>> EnqueueManyAsync(IReadOnlyList<ReviewItemInput> inputs, CancellationToken cancellationToken);
}

/// <inheritdoc />
internal sealed partial class ReviewQueue(HaechiDbContext db, DecidedContentIndex decidedContent, TimeProvider time, ILogger<ReviewQueue> logger) : IReviewQueue
{
    // Producers that do not compute a priority: the signal follows from the kind (a report's match is a fingerprint).
    private static double DefaultPriority(ReviewItemInput input)
    {
        var signal = input.Signal is not null ? ReviewPriority.Parse(input.Signal)
            : input.MatchStrength <= 0 ? MatchSignal.None
            : input.Kind == ReviewItemKind.FaceMatch ? MatchSignal.Face
            : MatchSignal.Pdq;
        return ReviewPriority.Compute(signal, input.MatchStrength, input.NudityScore);
    }

    public async Task<Enqueued> EnqueueAsync(ReviewItemInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        return (await EnqueueManyAsync([input], cancellationToken).ConfigureAwait(false))[0];
    }

    public async Task<IReadOnlyList<Enqueued>> EnqueueManyAsync(IReadOnlyList<ReviewItemInput> inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var records = new ReviewItemRecord[inputs.Count];
        var sameAs = new Decided?[inputs.Count];
        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            byte[]? pdq = null;
            if (input.Pdq is { } hash)
            {
                pdq = new byte[32];
                hash.WriteBigEndian(pdq);
            }

            var pdqQuery = input.PdqQuality >= PdqQuality.DefaultMinimum ? input.Pdq : null;
            var same = input.Sha256 is null && input.Md5 is null && pdqQuery is null && input.MatchedEntryId is null
                ? null
                : await FindDecidedAsync(input.Sha256, input.Md5, pdqQuery, input.MatchedEntryId, cancellationToken).ConfigureAwait(false);
            sameAs[i] = same;
            var classify = same is not null && input.Kind != ReviewItemKind.Report;
            records[i] = new ReviewItemRecord
            {
                Kind = input.Kind,
                SourceId = input.SourceId,
                PossibleMinor = input.PossibleMinor,
                MinorAge = input.PossibleMinor ? input.MinorAge : null,
                MatchStrength = Math.Clamp(input.MatchStrength, 0, 1),
                NudityScore = Math.Clamp(input.NudityScore, 0, 1),
                Signal = input.Signal,
                FrameAt = input.FrameAt,
                Priority = Math.Clamp(input.Priority ?? DefaultPriority(input), 0, 1),
                Sha256 = input.Sha256,
                Md5 = input.Md5,
                Pdq = pdq,
                EvidenceId = input.EvidenceId,
                MatchedEntryId = input.MatchedEntryId,
                Url = input.Url?.AbsoluteUri,
                PageUrl = input.PageUrl is { } page && page != input.Url && page.AbsoluteUri.Length <= 2048 ? page.AbsoluteUri : null,
                Status = classify ? ReviewStatus.AutoClassified : ReviewStatus.Open,
                Decision = classify ? same!.Decision : null,
                SameAsId = same?.Id,
                CreatedAt = time.GetUtcNow(),
            };
        }

        if (db.Database.CurrentTransaction is null)
        {
            db.ReviewItems.AddRange(records);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // Inside a caller's transaction (a group of reports): one prepared insert, untracked.
            await RowInserter.InsertAsync(db, records, cancellationToken).ConfigureAwait(false);
        }

        var result = new Enqueued[records.Length];
        for (var i = 0; i < records.Length; i++)
        {
            var record = records[i];
            if (sameAs[i] is { } same)
            {
                await db.ReviewItems.Where(r => r.Id == same.Id)
                    .ExecuteUpdateAsync(s => s.SetProperty(r => r.ReturnCount, r => r.ReturnCount + 1), cancellationToken).ConfigureAwait(false);
                if (record.Status == ReviewStatus.AutoClassified)
                {
                    LogAutoClassified(logger, record.Id, same.Id);
                }
            }

            result[i] = new Enqueued(record.Id, record.Status, record.SameAsId);
        }

        return result;
    }

    private sealed record Decided(long Id, ReviewDecision? Decision);

    private async Task<Decided?> FindDecidedAsync(byte[]? sha256, byte[]? md5, Hash256? pdq, long? matchedEntryId, CancellationToken cancellationToken)
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

        // A copy of confirmed content (any edit the confirmed bank's views catch): the decision it came from.
        if (matchedEntryId is { } entryId)
        {
            var externalId = await db.BankEntries.AsNoTracking().Where(e => e.Id == entryId && (e.Bank!.Name == ConfirmedContent.BankName || e.Bank!.Name == ConfirmedContent.VideoBankName)).Select(e => e.ExternalId).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (ConfirmedContent.ReviewItemOf(externalId) is { } confirmedId)
            {
                var hit = await decided.Where(r => r.Id == confirmedId).Select(r => new Decided(r.Id, r.Decision)).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
                if (hit is not null)
                {
                    return hit;
                }
            }
        }

        if (pdq is not { } query)
        {
            return null;
        }

        if (await decidedContent.FindAsync(db, query, cancellationToken).ConfigureAwait(false) is not { } id)
        {
            return null;
        }

        var decision = await db.ReviewItems.AsNoTracking().Where(r => r.Id == id).Select(r => r.Decision).SingleAsync(cancellationToken).ConfigureAwait(false);
        return new Decided(id, decision);
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Review item {ItemId} classified by the decision on item {SameAsId}")]
    private static partial void LogAutoClassified(ILogger logger, long itemId, long sameAsId);
}
