using System.Globalization;
using Haechi.Core.Takedowns;
using Haechi.Data;
using Haechi.Data.Audit;
using Haechi.Server.Features.Accounts;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Server.Features.Police;

/// <summary>A referral in the police queue: who decided it (by name), why, the noticed URL when the loop escalated, the victim's case number when linked.</summary>
internal sealed record PoliceReferralView(long Id, long ReviewItemId, long? NoticedItemId, string? Url, long? CaseId, string? CaseNumber, PoliceReferralOrigin Origin, string DecidedBy, string Reason, DateTimeOffset CreatedAt, PoliceReferralStatus Status, string? UpdatedBy, DateTimeOffset? UpdatedAt);

/// <summary>Body of a status change.</summary>
internal sealed record ReferralStatusRequest(PoliceReferralStatus? Status);

/// <summary>How a status change ended.</summary>
internal enum ReferralChange
{
    Changed,
    NotFound,
    NotAllowed,
}

/// <summary>The police queue: open referrals first, then accepted, then closed, newest first in each; accept and close (audited).</summary>
internal sealed class ListPoliceReferrals(HaechiDbContext db, UserNames names, AuditLog audit, TimeProvider time)
{
    /// <summary>Most referrals listed.</summary>
    public const int MaxListed = 500;

    public async Task<IReadOnlyList<PoliceReferralView>> ExecuteAsync(CancellationToken cancellationToken)
    {
        var rows = await (from p in db.PoliceReferrals.AsNoTracking()
                          join r in db.ReviewItems on p.ReviewItemId equals r.Id
                          join n in db.NoticedItems on p.NoticedItemId equals n.Id into noticed
                          from n in noticed.DefaultIfEmpty()
                          join k in db.Cases on p.CaseId equals k.Id into cases
                          from k in cases.DefaultIfEmpty()
                          orderby p.Status, p.Id descending
                          select new { p, ReviewUrl = r.Url, NoticedUrl = n == null ? null : n.Url, CaseNumber = k == null ? null : k.CaseNumber })
            .Take(MaxListed).ToListAsync(cancellationToken).ConfigureAwait(false);
        var userNames = await names.LookUpAsync(rows.Select(r => r.p.DecidedBy).Concat(rows.Select(r => r.p.UpdatedBy)), cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => new PoliceReferralView(r.p.Id, r.p.ReviewItemId, r.p.NoticedItemId, r.NoticedUrl ?? r.ReviewUrl, r.p.CaseId, r.CaseNumber, r.p.Origin,
            UserNames.Display(r.p.DecidedBy, userNames), r.p.Reason, r.p.CreatedAt, r.p.Status, r.p.UpdatedBy is null ? null : UserNames.Display(r.p.UpdatedBy, userNames), r.p.UpdatedAt))];
    }

    /// <summary>Accepts or closes a referral (open → accepted → closed, or open → closed), audited as <c>police.referral-status</c>.</summary>
    public async Task<ReferralChange> ChangeAsync(long id, PoliceReferralStatus to, string userId, CancellationToken cancellationToken)
    {
        var referral = await db.PoliceReferrals.SingleOrDefaultAsync(p => p.Id == id, cancellationToken).ConfigureAwait(false);
        if (referral is null)
        {
            return ReferralChange.NotFound;
        }

        if (!PoliceReferralRules.CanMove(referral.Status, to))
        {
            return ReferralChange.NotAllowed;
        }

        var from = referral.Status;
        referral.Status = to;
        referral.UpdatedBy = userId;
        referral.UpdatedAt = time.GetUtcNow();
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await audit.AppendAsync("user:" + userId, "police.referral-status", CreatePoliceReferral.Subject(id), string.Create(CultureInfo.InvariantCulture, $"from={from} to={to}"), cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return ReferralChange.Changed;
    }
}
