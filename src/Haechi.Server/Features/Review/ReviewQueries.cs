using System.Globalization;
using Haechi.Core.Hashing;
using Haechi.Core.Reports;
using Haechi.Core.Review;
using Haechi.Data;
using Haechi.Data.Audit;
using Haechi.Pipeline.Ingestion;
using Haechi.Pipeline.Review;
using Haechi.Server.Features.Cases;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Server.Features.Review;

/// <summary>The report behind a review item, as an analyst sees it (text only: rendered as text, never markup).</summary>
internal sealed record ReviewReportView(string Receipt, ReportPlatform Platform, IReadOnlyList<string> Urls, string? Channel, string? Description, DateTimeOffset ReceivedAt);

/// <summary>
/// One open item of the queue, with the signal that queued it ("pdq", "view", "vpdq", "face",
/// "nudity", or null for a report), its priority (0..1, the order after the possible-minor flag) and,
/// for a video, the time in seconds of the frame behind the signal.
/// </summary>
internal sealed record ReviewItemView(long Id, ReviewItemKind Kind, bool PossibleMinor, double MatchStrength, double NudityScore, bool HasEvidence, ReviewStatus Status, ReviewDecision? Decision, DateTimeOffset CreatedAt, ReviewReportView? Report, string? Url = null, string? Signal = null, double Priority = 0, double? FrameAt = null)
{
    /// <summary>When the possible-minor flag comes from the face model's age estimate (not the reporter): the youngest face's estimate in years.</summary>
    public double? MinorAge { get; init; }

    /// <summary>An open report whose content was decided before: the earlier item (the report still waits for an analyst).</summary>
    public long? SeenBeforeId { get; init; }

    /// <summary>The decision on <see cref="SeenBeforeId"/>.</summary>
    public ReviewDecision? SeenBeforeDecision { get; init; }

    /// <summary>Later copies of this item's content the queue classified by its decision (item page only), newest first.</summary>
    public IReadOnlyList<ReviewCopyView> Copies { get; init; } = [];

    /// <summary>The signal stored, or for producers that store none, the one that follows from the kind (as the queue's default priority reads it).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public MatchSignal SignalKind => Signal is not null ? ReviewPriority.Parse(Signal)
        : MatchStrength <= 0 ? MatchSignal.None
        : Kind == ReviewItemKind.FaceMatch ? MatchSignal.Face
        : MatchSignal.Pdq;

    /// <summary>The signal's resource key suffix: "pdq", "view", "vpdq", "face", "nudity", or "none".</summary>
    public string SignalKey => ReviewPriority.Name(SignalKind) ?? "none";

    /// <summary>The face similarity when an enrolled face queued it (the match strength of a face match), else null.</summary>
    public double? FaceSimilarity => SignalKind == MatchSignal.Face ? MatchStrength : null;
}

/// <summary>A later copy of decided content: where it was seen and when.</summary>
internal sealed record ReviewCopyView(long Id, string? Url, DateTimeOffset CreatedAt);

/// <summary>The queue: open items in priority order, and how many returning items were classified without being shown.</summary>
internal sealed record ReviewQueueView(IReadOnlyList<ReviewItemView> Items, int OpenCount, int AutoClassifiedCount);

/// <summary>Body of a decision.</summary>
internal sealed record DecisionRequest(ReviewDecision? Decision, string? Reason);

/// <summary>Reads the review queue (<c>ListReviewQueue</c>) and one item (<c>GetReviewItem</c>).</summary>
internal sealed class ListReviewQueue(HaechiDbContext db)
{
    public const int MaxTake = 200;

    public async Task<ReviewQueueView> ExecuteAsync(int take, CancellationToken cancellationToken)
    {
        var open = db.ReviewItems.AsNoTracking().Where(r => r.Status == ReviewStatus.Open);
        var rows = await open
            .OrderByDescending(r => r.PossibleMinor).ThenByDescending(r => r.Priority).ThenByDescending(r => r.MatchStrength).ThenByDescending(r => r.NudityScore).ThenBy(r => r.Id)
            .Take(Math.Clamp(take, 1, MaxTake)).ToListAsync(cancellationToken).ConfigureAwait(false);
        var reports = await ReportsAsync(rows, cancellationToken).ConfigureAwait(false);
        var earlier = await EarlierDecisionsAsync(rows, cancellationToken).ConfigureAwait(false);
        var fetched = await FetchedContentAsync(rows, cancellationToken).ConfigureAwait(false);
        var items = rows.Select(r => View(r, reports, earlier, fetched)).ToList();
        var openCount = await open.CountAsync(cancellationToken).ConfigureAwait(false);
        var autoCount = await db.ReviewItems.CountAsync(r => r.Status == ReviewStatus.AutoClassified, cancellationToken).ConfigureAwait(false);
        return new ReviewQueueView(items, openCount, autoCount);
    }

    public async Task<ReviewItemView?> GetAsync(long id, CancellationToken cancellationToken)
    {
        var row = await db.ReviewItems.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken).ConfigureAwait(false);
        if (row is null || row.Status == ReviewStatus.AutoClassified)
        {
            return null;
        }

        var copies = await db.ReviewItems.AsNoTracking().Where(r => r.SameAsId == id && r.Status == ReviewStatus.AutoClassified)
            .OrderByDescending(r => r.Id).Take(MaxTake).Select(r => new ReviewCopyView(r.Id, r.Url, r.CreatedAt)).ToListAsync(cancellationToken).ConfigureAwait(false);
        return View(row, await ReportsAsync([row], cancellationToken).ConfigureAwait(false), await EarlierDecisionsAsync([row], cancellationToken).ConfigureAwait(false), await FetchedContentAsync([row], cancellationToken).ConfigureAwait(false)) with { Copies = copies };
    }

    // The ingested items among the rows whose fetched bytes are sealed in the store (they have a preview too).
    private async Task<HashSet<string>> FetchedContentAsync(List<Haechi.Data.Review.ReviewItemRecord> rows, CancellationToken cancellationToken)
    {
        var ids = rows.Where(r => r.EvidenceId is null).Select(r => IngestSource.ItemId(r.SourceId)).OfType<long>().ToList();
        if (ids.Count == 0)
        {
            return [];
        }

        var stored = await db.IngestContents.AsNoTracking().Where(c => ids.Contains(c.ItemId)).Select(c => c.ItemId).ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. stored.Select(id => IngestSource.SourceId(id))];
    }

    // The decisions an open item's content received before (reports stay open, marked "seen before").
    private async Task<Dictionary<long, ReviewDecision?>> EarlierDecisionsAsync(List<Haechi.Data.Review.ReviewItemRecord> rows, CancellationToken cancellationToken)
    {
        var ids = rows.Where(r => r.Status == ReviewStatus.Open && r.SameAsId is not null).Select(r => r.SameAsId!.Value).Distinct().ToList();
        if (ids.Count == 0)
        {
            return [];
        }

        return await db.ReviewItems.AsNoTracking().Where(r => ids.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.Decision, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Dictionary<long, ReviewReportView>> ReportsAsync(List<Haechi.Data.Review.ReviewItemRecord> rows, CancellationToken cancellationToken)
    {
        var ids = rows.Where(r => r.Kind == ReviewItemKind.Report)
            .Select(r => long.TryParse(r.SourceId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : -1).Where(id => id > 0).Distinct().ToList();
        var reports = await db.Reports.AsNoTracking().Where(r => ids.Contains(r.Id)).ToListAsync(cancellationToken).ConfigureAwait(false);
        return reports.ToDictionary(r => r.Id, r => new ReviewReportView(r.Receipt, r.Platform, r.Urls.Split('\n', StringSplitOptions.RemoveEmptyEntries), r.Channel, r.Description, r.CreatedAt));
    }

    private static ReviewItemView View(Haechi.Data.Review.ReviewItemRecord r, Dictionary<long, ReviewReportView> reports, Dictionary<long, ReviewDecision?> earlier, HashSet<string> fetched)
    {
        ReviewReportView? report = null;
        if (r.Kind == ReviewItemKind.Report && long.TryParse(r.SourceId, NumberStyles.None, CultureInfo.InvariantCulture, out var reportId))
        {
            reports.TryGetValue(reportId, out report);
        }

        var seenBefore = r.Status == ReviewStatus.Open && r.SameAsId is { } sameAs && earlier.ContainsKey(sameAs) ? r.SameAsId : null;
        return new ReviewItemView(r.Id, r.Kind, r.PossibleMinor, r.MatchStrength, r.NudityScore, r.EvidenceId is not null || fetched.Contains(r.SourceId), r.Status, r.Decision, r.CreatedAt, report, r.Url, r.Signal, r.Priority, r.FrameAt)
        {
            SeenBeforeId = seenBefore,
            MinorAge = r.PossibleMinor ? r.MinorAge : null,
            SeenBeforeDecision = seenBefore is { } id ? earlier[id] : null,
        };
    }
}

/// <summary>The outcome of a decision.</summary>
internal enum DecideOutcome
{
    Decided,
    NotFound,
    Invalid,
    AlreadyDecided,
}

/// <summary>Records an analyst's decision with its reason, audited in the same transaction.</summary>
internal sealed class DecideReviewItem(HaechiDbContext db, AuditLog audit, DecidedContentIndex decided, RecordCaseMatch caseMatch, AddConfirmedContent confirmed, Police.CreatePoliceReferral referrals, TimeProvider time)
{
    public async Task<(DecideOutcome Outcome, Dictionary<string, string[]> Errors)> ExecuteAsync(long id, string userId, DecisionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request.Decision is not { } decision || !Enum.IsDefined(decision))
        {
            errors["decision"] = ["Choose confirm, notAbuse, needsPolice or duplicate."];
        }

        if (ReviewRules.ValidateReason(request.Reason) is { } problem)
        {
            errors["reason"] = [problem];
        }

        var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            var item = await db.ReviewItems.SingleOrDefaultAsync(r => r.Id == id, cancellationToken).ConfigureAwait(false);
            if (item is null || item.Status == ReviewStatus.AutoClassified)
            {
                return (DecideOutcome.NotFound, errors);
            }

            if (errors.Count > 0)
            {
                return (DecideOutcome.Invalid, errors);
            }

            if (item.Status != ReviewStatus.Open)
            {
                return (DecideOutcome.AlreadyDecided, errors);
            }

            item.Status = ReviewStatus.Decided;
            item.Decision = request.Decision;
            item.Reason = request.Reason!.Trim();
            item.DecidedBy = userId;
            item.DecidedAt = time.GetUtcNow();
            if (item.Decision == ReviewDecision.Confirm && item.MatchedEntryId is { } entryId)
            {
                // The victim's case shows the match in the same transaction as the decision.
                await caseMatch.ExecuteAsync(entryId, cancellationToken).ConfigureAwait(false);
            }

            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            if (item.Decision == ReviewDecision.NeedsPolice)
            {
                // "Needs police" puts the item in the police queue in the same transaction as the decision.
                await referrals.ForDecisionAsync(item, userId, item.Reason, cancellationToken).ConfigureAwait(false);
            }

            await audit.AppendAsync("user:" + userId, "review.decided", "review-item:" + id.ToString(CultureInfo.InvariantCulture), "decision=" + request.Decision, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            if (item.Pdq is { } pdq)
            {
                decided.Add(item.Id, Hash256.ReadBigEndian(pdq));
            }
        }

        // Confirmed content is hunted everywhere: its fingerprints join the confirmed bank (after the commit).
        if (request.Decision == ReviewDecision.Confirm)
        {
            var item = await db.ReviewItems.AsNoTracking().SingleAsync(r => r.Id == id, cancellationToken).ConfigureAwait(false);
            await confirmed.ExecuteAsync(item, cancellationToken).ConfigureAwait(false);
        }

        return (DecideOutcome.Decided, errors);
    }
}
