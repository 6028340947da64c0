using System.Globalization;
using Haechi.Core.Takedowns;
using Haechi.Data;
using Haechi.Data.Audit;
using Haechi.Data.Review;
using Haechi.Data.Takedowns;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Server.Features.Police;

/// <summary>
/// Writes a police referral, inside the caller's transaction (the decision's, or the notice loop's
/// escalation), audited as <c>police.referred</c>: from an analyst's "needs police" decision, or
/// from the loop's escalation of a noticed item (once per item).
/// </summary>
internal sealed class CreatePoliceReferral(HaechiDbContext db, AuditLog audit, TimeProvider time)
{
    /// <summary>The actor of the notice loop's escalations.</summary>
    public const string LoopActor = "system:notice-loop";

    public static string Subject(long id) => "police-referral:" + id.ToString(CultureInfo.InvariantCulture);

    /// <summary>A referral for a review item an analyst decided "needs police" (call inside the decision's transaction).</summary>
    public async Task<PoliceReferralRecord> ForDecisionAsync(ReviewItemRecord item, string userId, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        var caseId = item.MatchedEntryId is { } entryId
            ? await (from entry in db.BankEntries
                     join c in db.Cases on entry.ExternalId equals c.CaseNumber
                     where entry.Id == entryId
                     select (long?)c.Id).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false)
            : null;
        var referral = new PoliceReferralRecord
        {
            ReviewItemId = item.Id,
            CaseId = caseId,
            Origin = PoliceReferralOrigin.Decision,
            DecidedBy = userId,
            Reason = reason.Length > PoliceReferralRules.MaxReasonLength ? reason[..PoliceReferralRules.MaxReasonLength] : reason,
            CreatedAt = time.GetUtcNow(),
            Status = PoliceReferralStatus.Open,
        };
        await SaveAsync(referral, "user:" + userId, cancellationToken).ConfigureAwait(false);
        return referral;
    }

    /// <summary>A referral for a noticed item the loop escalated; null when the item has one already (one per item).</summary>
    public async Task<PoliceReferralRecord?> ForEscalationAsync(NoticedItemRecord item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (await db.PoliceReferrals.AnyAsync(p => p.NoticedItemId == item.Id, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var referral = new PoliceReferralRecord
        {
            ReviewItemId = item.ReviewItemId,
            NoticedItemId = item.Id,
            CaseId = item.CaseId,
            Origin = PoliceReferralOrigin.Escalation,
            DecidedBy = LoopActor,
            Reason = string.Create(CultureInfo.InvariantCulture, $"Escalated by the notice loop: still online after {item.NoticesSent} notices to the host."),
            CreatedAt = time.GetUtcNow(),
            Status = PoliceReferralStatus.Open,
        };
        await SaveAsync(referral, LoopActor, cancellationToken).ConfigureAwait(false);
        return referral;
    }

    private async Task SaveAsync(PoliceReferralRecord referral, string actor, CancellationToken cancellationToken)
    {
        db.PoliceReferrals.Add(referral);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        var c = CultureInfo.InvariantCulture;
        await audit.AppendAsync(actor, "police.referred", Subject(referral.Id),
            string.Create(c, $"review-item={referral.ReviewItemId} origin={referral.Origin}") + (referral.NoticedItemId is { } n ? string.Create(c, $" noticed-item={n}") : string.Empty) + (referral.CaseId is { } k ? string.Create(c, $" case={k}") : string.Empty),
            cancellationToken).ConfigureAwait(false);
    }
}
