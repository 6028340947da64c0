using Haechi.Core.Review;
using Haechi.Core.Takedowns;
using Haechi.Data;
using Haechi.Data.Takedowns;
using Haechi.Server.Features.Accounts;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Server.Features.Takedowns;

/// <summary>One notice that listed an item: round, channel, contact, delivery, and who sent it (a name; the loop reads as <c>system:notice-loop</c>).</summary>
internal sealed record NoticeHistoryEntry(long NoticeId, int Round, bool Escalated, NoticeChannel Channel, string Contact, NoticeDelivery Delivery, DateTimeOffset CreatedAt, DateTimeOffset? SentAt, string? MessageId, string SentBy);

/// <summary>One re-check of the item's URL: when, what it found, the fetch (<c>HTTP 404</c> when the host answered with a status, else the fetch outcome) and the PDQ distance.</summary>
internal sealed record RecheckEntry(DateTimeOffset CheckedAt, RecheckOutcome? Outcome, string Fetch, int? Distance);

/// <summary>One host reply, as recorded (by the analyst's name).</summary>
internal sealed record HostReplyEntry(long Id, HostReply Kind, string? Text, long? MovedToItemId, string RecordedBy, DateTimeOffset RecordedAt);

/// <summary>A police referral as the histories show it.</summary>
internal sealed record ReferralEntry(long Id, PoliceReferralOrigin Origin, PoliceReferralStatus Status, DateTimeOffset CreatedAt);

/// <summary>A noticed item with everything that happened to it.</summary>
internal sealed record NoticedItemHistory(NoticedItemView Item, string Contact, bool SecondLook, long? MovedFromId, IReadOnlyList<NoticeHistoryEntry> Notices, IReadOnlyList<RecheckEntry> Rechecks, IReadOnlyList<HostReplyEntry> Replies, ReferralEntry? Referral);

/// <summary>The decision on a review item (by the analyst's name), its noticed items with their histories, and its police referrals.</summary>
internal sealed record NoticeHistoryView(long ReviewItemId, ReviewDecision? Decision, string? DecidedBy, DateTimeOffset? DecidedAt, IReadOnlyList<NoticedItemHistory> Items, IReadOnlyList<ReferralEntry> Referrals);

/// <summary>
/// Reads the notice history of a review item or of one noticed item: notices sent, re-checks,
/// host replies and police referrals, with user names instead of ids (the ids stay in the records).
/// </summary>
internal sealed class GetNoticeHistory(HaechiDbContext db, UserNames names)
{
    /// <summary>The history of a review item; null when the item is unknown.</summary>
    public async Task<NoticeHistoryView?> ForReviewItemAsync(long reviewItemId, CancellationToken cancellationToken)
    {
        var review = await db.ReviewItems.AsNoTracking().Where(r => r.Id == reviewItemId)
            .Select(r => new { r.Decision, r.DecidedBy, r.DecidedAt }).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (review is null)
        {
            return null;
        }

        var items = await db.NoticedItems.AsNoTracking().Where(n => n.ReviewItemId == reviewItemId).OrderBy(n => n.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        var referrals = await db.PoliceReferrals.AsNoTracking().Where(p => p.ReviewItemId == reviewItemId).OrderBy(p => p.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        var histories = await HistoriesAsync(items, referrals, [review.DecidedBy], cancellationToken).ConfigureAwait(false);
        return new NoticeHistoryView(reviewItemId, review.Decision, review.DecidedBy is null ? null : UserNames.Display(review.DecidedBy, histories.Names), review.DecidedAt, histories.Items,
            [.. referrals.Select(Referral)]);
    }

    /// <summary>The history of one noticed item; null when unknown.</summary>
    public async Task<NoticedItemHistory?> ForNoticedItemAsync(long noticedItemId, CancellationToken cancellationToken)
    {
        var item = await db.NoticedItems.AsNoTracking().SingleOrDefaultAsync(n => n.Id == noticedItemId, cancellationToken).ConfigureAwait(false);
        if (item is null)
        {
            return null;
        }

        var referrals = await db.PoliceReferrals.AsNoTracking().Where(p => p.NoticedItemId == noticedItemId).ToListAsync(cancellationToken).ConfigureAwait(false);
        return (await HistoriesAsync([item], referrals, [], cancellationToken).ConfigureAwait(false)).Items[0];
    }

    private async Task<(IReadOnlyList<NoticedItemHistory> Items, IReadOnlyDictionary<string, string> Names)> HistoriesAsync(List<NoticedItemRecord> items, List<PoliceReferralRecord> referrals, IEnumerable<string?> moreUsers, CancellationToken cancellationToken)
    {
        var ids = items.Select(i => i.Id).ToList();
        var notices = await (from link in db.TakedownNoticeItems
                             join n in db.TakedownNotices on link.NoticeId equals n.Id
                             where ids.Contains(link.NoticedItemId)
                             orderby n.Id
                             select new { link.NoticedItemId, Notice = n }).AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
        var rechecks = await db.Rechecks.AsNoTracking().Where(r => ids.Contains(r.NoticedItemId)).OrderBy(r => r.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        var replies = await db.HostReplies.AsNoTracking().Where(r => ids.Contains(r.NoticedItemId)).OrderBy(r => r.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        var contacts = await db.PlatformContacts.AsNoTracking().Select(c => new { c.Id, c.Name }).ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken).ConfigureAwait(false);
        var userNames = await names.LookUpAsync(notices.Select(n => n.Notice.SentBy).Concat(replies.Select(r => r.RecordedBy)).Concat(moreUsers), cancellationToken).ConfigureAwait(false);
        string Contact(long id) => contacts.TryGetValue(id, out var name) ? name : "–";
        var histories = items.Select(i => new NoticedItemHistory(
            View(i),
            Contact(i.ContactId),
            i.SecondLook,
            i.MovedFromId,
            [.. notices.Where(n => n.NoticedItemId == i.Id).Select(n => new NoticeHistoryEntry(n.Notice.Id, n.Notice.Round, n.Notice.Escalated, n.Notice.Channel, Contact(n.Notice.ContactId), n.Notice.Delivery, n.Notice.CreatedAt, n.Notice.SentAt, n.Notice.MessageId,
                n.Notice.SentBy is null ? "system:notice-loop" : UserNames.Display(n.Notice.SentBy, userNames)))],
            [.. rechecks.Where(r => r.NoticedItemId == i.Id).Select(r => new RecheckEntry(r.CheckedAt, r.Outcome, r.HttpStatus is { } code ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"HTTP {code}") : r.Fetch, r.Distance))],
            [.. replies.Where(r => r.NoticedItemId == i.Id).Select(r => new HostReplyEntry(r.Id, r.Kind, r.Text, r.MovedToItemId, UserNames.Display(r.RecordedBy, userNames), r.RecordedAt))],
            referrals.Where(p => p.NoticedItemId == i.Id).Select(Referral).FirstOrDefault())).ToList();
        return (histories, userNames);
    }

    /// <summary>A noticed item row as the lists show it.</summary>
    public static NoticedItemView View(NoticedItemRecord i)
    {
        ArgumentNullException.ThrowIfNull(i);
        return new NoticedItemView(i.Id, i.Url, i.Host, i.ReviewItemId, i.ContactId, i.Status, i.NoticesSent, i.Rechecks, i.FirstSeenAt, i.FirstNoticeAt, i.LastNoticeAt, i.RemovedAt, i.EscalatedAt,
            i is { RemovedAt: { } removed, FirstNoticeAt: { } first } ? (removed - first).TotalHours : null)
        {
            SecondLook = i.SecondLook,
        };
    }

    private static ReferralEntry Referral(PoliceReferralRecord p) => new(p.Id, p.Origin, p.Status, p.CreatedAt);
}
