using System.Globalization;
using Haechi.Core.Cases;
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

/// <summary>
/// One page of the queue (items in priority order: possible minors first), how many items the filter
/// matches, and over the whole queue how many wait and how many returning items were classified without being shown.
/// </summary>
internal sealed record ReviewQueueView(IReadOnlyList<ReviewItemView> Items, int OpenCount, int AutoClassifiedCount)
{
    /// <summary>Items the filter matches (all pages).</summary>
    public int Total { get; init; }

    /// <summary>This page's number, from 1.</summary>
    public int Page { get; init; } = 1;

    /// <summary>Items per page.</summary>
    public int PageSize { get; init; } = ReviewQueueFilter.DefaultPageSize;
}

/// <summary>
/// The queue's filters and search, as GET query parameters (a filtered view can be bookmarked):
/// <c>state</c> (<c>open</c>, the default; <c>decided</c>; <c>awaiting-notice</c>: confirmed, with a URL, no notice prepared),
/// <c>signal</c> (pdq, view, vpdq, face, nudity, none), <c>source</c> (report, web, telegram, import, admin),
/// <c>platform</c> (a report's platform; telegram also takes Telegram channel posts, website the watched web),
/// <c>age</c> (24h, 7d, older), <c>minor</c> (only items flagged "possible minor"), <c>q</c> (a receipt HR-…,
/// an item number, or part of a URL) and <c>page</c>. Unknown values are ignored, never an error.
/// </summary>
internal sealed record ReviewQueueFilter(string State = ReviewQueueFilter.Open, string? Signal = null, string? Source = null, ReportPlatform? Platform = null, string? Age = null, bool MinorOnly = false, string? Search = null, int Page = 1, int PageSize = ReviewQueueFilter.DefaultPageSize)
{
    public const int DefaultPageSize = 50;
    public const string Open = "open";
    public const string Decided = "decided";
    public const string AwaitingNotice = "awaiting-notice";

    public static readonly string[] States = [Open, Decided, AwaitingNotice];
    public static readonly string[] Signals = ["pdq", "view", "vpdq", "face", "nudity", "none"];
    public static readonly string[] Sources = ["report", "web", "telegram", SeizedFileImport.SourceKind, "admin"];
    public static readonly string[] Ages = ["24h", "7d", "older"];

    /// <summary>The filter of the query parameters; unknown values fall back to "no filter".</summary>
    public static ReviewQueueFilter Parse(string? state, string? signal, string? source, string? platform, string? age, string? minor, string? search, int? page, int? pageSize = null) => new(
        Known(States, state) ?? Open,
        Known(Signals, signal),
        Known(Sources, source),
        Enum.TryParse<ReportPlatform>(platform, ignoreCase: true, out var p) && Enum.IsDefined(p) && !int.TryParse(platform, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) ? p : null,
        Known(Ages, age),
        minor is "1" or "true" or "on",
        string.IsNullOrWhiteSpace(search) ? null : search.Trim()[..Math.Min(search.Trim().Length, 2048)],
        Math.Max(1, page ?? 1),
        Math.Clamp(pageSize ?? DefaultPageSize, 1, ListReviewQueue.MaxTake));

    private static string? Known(string[] values, string? value) => values.FirstOrDefault(v => string.Equals(v, value?.Trim(), StringComparison.OrdinalIgnoreCase));
}

/// <summary>Body of a decision.</summary>
internal sealed record DecisionRequest(ReviewDecision? Decision, string? Reason);

/// <summary>Reads the review queue (<c>ListReviewQueue</c>) and one item (<c>GetReviewItem</c>).</summary>
internal sealed class ListReviewQueue(HaechiDbContext db, TimeProvider time)
{
    public const int MaxTake = 200;

    public Task<ReviewQueueView> ExecuteAsync(int take, CancellationToken cancellationToken) =>
        ExecuteAsync(new ReviewQueueFilter(PageSize: Math.Clamp(take, 1, MaxTake)), cancellationToken);

    /// <summary>One page of the items <paramref name="filter"/> matches, filtered, counted and paged in SQL.</summary>
    public async Task<ReviewQueueView> ExecuteAsync(ReviewQueueFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var matching = Filter(filter);
        var total = await matching.CountAsync(cancellationToken).ConfigureAwait(false);
        var rows = await matching
            .OrderByDescending(r => r.PossibleMinor).ThenByDescending(r => r.Priority).ThenByDescending(r => r.MatchStrength).ThenByDescending(r => r.NudityScore).ThenBy(r => r.Id)
            .Skip((filter.Page - 1) * filter.PageSize).Take(filter.PageSize).ToListAsync(cancellationToken).ConfigureAwait(false);
        var reports = await ReportsAsync(rows, cancellationToken).ConfigureAwait(false);
        var earlier = await EarlierDecisionsAsync(rows, cancellationToken).ConfigureAwait(false);
        var fetched = await FetchedContentAsync(rows, cancellationToken).ConfigureAwait(false);
        var items = rows.Select(r => View(r, reports, earlier, fetched)).ToList();
        var openCount = await db.ReviewItems.CountAsync(r => r.Status == ReviewStatus.Open, cancellationToken).ConfigureAwait(false);
        var autoCount = await db.ReviewItems.CountAsync(r => r.Status == ReviewStatus.AutoClassified, cancellationToken).ConfigureAwait(false);
        return new ReviewQueueView(items, openCount, autoCount) { Total = total, Page = filter.Page, PageSize = filter.PageSize };
    }

    // Every condition is an EF expression: SQLite and PostgreSQL filter, count and page in the database
    // (ToString and ToLower are translated to SQL's CAST and lower(), where no culture applies).
#pragma warning disable CA1304, CA1305, CA1311, CA1862
    private IQueryable<Haechi.Data.Review.ReviewItemRecord> Filter(ReviewQueueFilter filter)
    {
        var now = time.GetUtcNow();
        var query = filter.Age switch
        {
            "24h" => CreatedSince(now.AddHours(-24), before: false),
            "7d" => CreatedSince(now.AddDays(-7), before: false),
            "older" => CreatedSince(now.AddDays(-7), before: true),
            _ => db.ReviewItems.AsNoTracking(),
        };
        query = filter.State switch
        {
            ReviewQueueFilter.Decided => query.Where(r => r.Status == ReviewStatus.Decided),
            ReviewQueueFilter.AwaitingNotice => query.Where(r => r.Status == ReviewStatus.Decided && r.Decision == ReviewDecision.Confirm && r.Url != null && r.Url != string.Empty
                && !db.NoticedItems.Any(n => n.ReviewItemId == r.Id)),
            _ => query.Where(r => r.Status == ReviewStatus.Open),
        };
        if (filter.MinorOnly)
        {
            query = query.Where(r => r.PossibleMinor);
        }

        // The signal as the queue shows it: the stored one, or for producers that store none, the one the kind implies.
        query = filter.Signal switch
        {
            null => query,
            "none" => query.Where(r => r.Signal == null && r.MatchStrength <= 0),
            "pdq" => query.Where(r => r.Signal == "pdq" || (r.Signal == null && r.MatchStrength > 0 && r.Kind != ReviewItemKind.FaceMatch)),
            "face" => query.Where(r => r.Signal == "face" || (r.Signal == null && r.MatchStrength > 0 && r.Kind == ReviewItemKind.FaceMatch)),
            var name => query.Where(r => r.Signal == name),
        };
        if (filter.Source is { } source)
        {
            query = source == "report" ? query.Where(r => r.Kind == ReviewItemKind.Report) : query.Where(r => IngestedFrom(source).Contains(r.SourceId));
        }

        if (filter.Platform is { } platform)
        {
            var reports = db.Reports.Where(p => p.Platform == platform).Select(p => p.Id.ToString());
            var ingested = platform switch { ReportPlatform.Telegram => IngestedFrom("telegram"), ReportPlatform.Website => IngestedFrom("web"), _ => null };
            query = ingested is null
                ? query.Where(r => r.Kind == ReviewItemKind.Report && reports.Contains(r.SourceId))
                : query.Where(r => (r.Kind == ReviewItemKind.Report && reports.Contains(r.SourceId)) || ingested.Contains(r.SourceId));
        }

        if (filter.Search is { } search)
        {
            if (ReceiptNumber.Normalize(search) is { } receipt)
            {
                var reports = db.Reports.Where(p => p.Receipt == receipt).Select(p => p.Id.ToString());
                query = query.Where(r => r.Kind == ReviewItemKind.Report && reports.Contains(r.SourceId));
            }
            else
            {
                var id = long.TryParse(search.TrimStart('#'), NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : -1;
                var part = search.ToLowerInvariant();
                var reports = db.Reports.Where(p => p.Urls.ToLower().Contains(part)).Select(p => p.Id.ToString());
                query = query.Where(r => r.Id == id || (r.Url != null && r.Url.ToLower().Contains(part)) || (r.Kind == ReviewItemKind.Report && reports.Contains(r.SourceId)));
            }
        }

        return query;
    }

    // The review source ids ("ingest:{id}") of the items one connector brought in.
    private IQueryable<string> IngestedFrom(string sourceKind) =>
        db.IngestItems.Where(i => i.SourceKind == sourceKind).Select(i => IngestSource.Prefix + i.Id.ToString());
#pragma warning restore CA1304, CA1305, CA1311, CA1862

    // SQLite stores DateTimeOffset as text that EF does not compare (UTC times sort as text); PostgreSQL compares timestamps.
    private IQueryable<Haechi.Data.Review.ReviewItemRecord> CreatedSince(DateTimeOffset cutoff, bool before)
    {
        if (!db.Database.IsSqlite())
        {
            return before ? db.ReviewItems.AsNoTracking().Where(r => r.CreatedAt < cutoff) : db.ReviewItems.AsNoTracking().Where(r => r.CreatedAt >= cutoff);
        }

        var text = cutoff.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);
        return before
            ? db.ReviewItems.FromSql($"SELECT * FROM review_items WHERE created_at < {text}").AsNoTracking()
            : db.ReviewItems.FromSql($"SELECT * FROM review_items WHERE created_at >= {text}").AsNoTracking();
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
