using Haechi.Core.Review;

namespace Haechi.Core.Reports;

/// <summary>What a reporter may learn about her report from its receipt, and nothing more. Stored nowhere; never renumber.</summary>
public enum ReceiptState
{
    /// <summary>Stored; no analyst has decided anything about it yet.</summary>
    Received = 0,

    /// <summary>Analysts are working on it: something of it was decided, or content found at its links waits for review.</summary>
    UnderReview = 1,

    /// <summary>Something was done: content of it was confirmed as abuse or passed to the police, or a removal notice was sent.</summary>
    ActionTaken = 2,
}

/// <summary>One review item of a report (its own, or one found at its links), as the receipt look-up sees it.</summary>
/// <param name="Status">Where the item stands.</param>
/// <param name="Decision">The decision, once decided (or classified as content decided before).</param>
/// <param name="DecidedAt">When it was decided.</param>
/// <param name="CreatedAt">When the item entered the queue.</param>
/// <param name="FoundAtLink">Found at one of the report's links (not the report itself).</param>
/// <param name="NoticeSentAt">When the first removal notice naming it was sent, if one was.</param>
public readonly record struct ReportItemProgress(ReviewStatus Status, ReviewDecision? Decision, DateTimeOffset? DecidedAt, DateTimeOffset CreatedAt, bool FoundAtLink, DateTimeOffset? NoticeSentAt = null);

/// <summary>A report's state for its reporter and since when (the date she is shown).</summary>
/// <param name="State">Received, under review or action taken.</param>
/// <param name="Since">When it reached that state: the report's arrival, the first decision or content found, the first action.</param>
public sealed record ReceiptProgress(ReceiptState State, DateTimeOffset Since)
{
    /// <summary>
    /// The furthest state any of the report's items reached: <see cref="ReceiptState.ActionTaken"/> when
    /// one was confirmed or passed to the police, or a notice naming one was sent (since the first of
    /// those); else <see cref="ReceiptState.UnderReview"/> when one was decided otherwise, or content
    /// found at its links waits for review (since the first of those); else
    /// <see cref="ReceiptState.Received"/> since <paramref name="receivedAt"/>. A decision such as
    /// "not abuse" shows as under review: the look-up never says what was decided.
    /// </summary>
    public static ReceiptProgress Of(DateTimeOffset receivedAt, IEnumerable<ReportItemProgress> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        DateTimeOffset? acted = null, reviewed = null;
        foreach (var item in items)
        {
            var decided = item.Status != ReviewStatus.Open && item.Decision is not null;
            var decidedAt = item.DecidedAt ?? item.CreatedAt;
            if (decided && item.Decision is ReviewDecision.Confirm or ReviewDecision.NeedsPolice)
            {
                acted = Earliest(acted, decidedAt);
            }

            if (item.NoticeSentAt is { } sent)
            {
                acted = Earliest(acted, sent);
            }

            if (decided)
            {
                reviewed = Earliest(reviewed, decidedAt);
            }
            else if (item.FoundAtLink)
            {
                reviewed = Earliest(reviewed, item.CreatedAt);
            }
        }

        return acted is { } a ? new ReceiptProgress(ReceiptState.ActionTaken, a)
            : reviewed is { } r ? new ReceiptProgress(ReceiptState.UnderReview, r < receivedAt ? receivedAt : r)
            : new ReceiptProgress(ReceiptState.Received, receivedAt);
    }

    private static DateTimeOffset Earliest(DateTimeOffset? current, DateTimeOffset candidate) =>
        current is { } c && c <= candidate ? c : candidate;
}
