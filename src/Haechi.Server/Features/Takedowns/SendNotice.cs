using System.Globalization;
using Haechi.Core.Review;
using Haechi.Core.Takedowns;
using Haechi.Data;
using Haechi.Data.Audit;
using Haechi.Data.Takedowns;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Haechi.Server.Features.Takedowns;

/// <summary>What the analyst sees before sending: the contact chosen by host, the channel and the exact text.</summary>
internal sealed record NoticePreview(long ReviewItemId, string Url, string Host, ContactView? Contact, IReadOnlyList<ContactView> Contacts, NoticeChannel? Channel, string? Subject, string? Body, long? NoticedItemId, string? Problem);

/// <summary>The result of sending: the notice and its delivery.</summary>
internal sealed record NoticeSent(long NoticeId, long NoticedItemId, NoticeDelivery Delivery, string? Error);

/// <summary>
/// From a confirmed review item with a URL (or a later copy of confirmed content, which takes the same decision): chooses the contact by host (or the one the analyst
/// picks), previews the notice, and sends it (recorded, audited, delivered at once, retried by the
/// loop when delivery fails).
/// </summary>
internal sealed class SendNotice(HaechiDbContext db, ManageContacts contacts, DeliverNotice deliver, AuditLog audit, Cases.FindItemCase findCase, Cases.RecordCaseMatch caseProgress, IOptions<TakedownsOptions> options, TimeProvider time)
{
    public async Task<NoticePreview?> PreviewAsync(long reviewItemId, long? contactId, CancellationToken cancellationToken)
    {
        var item = await db.ReviewItems.AsNoTracking().FirstOrDefaultAsync(r => r.Id == reviewItemId, cancellationToken).ConfigureAwait(false);
        // A decided item, or a later copy the queue linked to a confirm decision (classified without being shown).
        if (item is null || item.Status is not (ReviewStatus.Decided or ReviewStatus.AutoClassified) || item.Decision != ReviewDecision.Confirm || !Uri.TryCreate(item.Url, UriKind.Absolute, out var url))
        {
            return null;
        }

        var all = await db.PlatformContacts.AsNoTracking().OrderBy(c => c.Name).ToListAsync(cancellationToken).ConfigureAwait(false);
        var contact = contactId is { } chosen ? all.FirstOrDefault(c => c.Id == chosen) : ManageContacts.Match(all, url.Host);
        var views = await contacts.ListAsync(cancellationToken).ConfigureAwait(false);
        var found = await db.NoticedItems.AsNoTracking().Where(n => n.ReviewItemId == reviewItemId && n.Url == url.AbsoluteUri).Select(n => new { n.Id, n.Status }).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        var existing = found?.Id;

        // Notices stop when content is gone: an item removed, unavailable, moved or answered "not illegal" gets no notice.
        var repeat = found is null ? null : NoticeRules.AcceptsNotices(found.Status) ? "already-noticed" : "content-gone";
        if (contact is null)
        {
            return new NoticePreview(reviewItemId, url.AbsoluteUri, url.Host, null, views, null, null, null, existing, repeat ?? "no-contact");
        }

        var channel = Channel(contact);
        var line = new NoticeLine(url.AbsoluteUri, item.Pdq, item.Sha256, item.CreatedAt, null, 0, item.PageUrl);
        var text = NoticeText.Build(contact.Language, options.Value.Organisation, 0, 1, escalated: false, [line]);
        return new NoticePreview(reviewItemId, url.AbsoluteUri, url.Host, views.First(v => v.Id == contact.Id), views, channel, text.Subject, text.Body, existing, repeat ?? (channel is null ? "no-channel" : null));
    }

    public async Task<NoticeSent?> ExecuteAsync(long reviewItemId, long? contactId, string userId, CancellationToken cancellationToken)
    {
        var preview = await PreviewAsync(reviewItemId, contactId, cancellationToken).ConfigureAwait(false);
        if (preview is not { Problem: null, Contact: { } contact, Channel: { } channel })
        {
            return preview is null ? null : new NoticeSent(0, preview.NoticedItemId ?? 0, NoticeDelivery.Failed, preview.Problem);
        }

        var review = await db.ReviewItems.AsNoTracking().FirstAsync(r => r.Id == reviewItemId, cancellationToken).ConfigureAwait(false);
        // The victim's case, also for a copy of content confirmed from her registration.
        var caseId = (await findCase.ExecuteAsync(review.MatchedEntryId, cancellationToken).ConfigureAwait(false))?.Id;
        var now = time.GetUtcNow();
        var url = new Uri(preview.Url);
        var noticed = new NoticedItemRecord
        {
            Url = url.AbsoluteUri,
            Host = url.Host.ToLowerInvariant(),
            PageUrl = review.PageUrl,
            Pdq = review.Pdq,
            Sha256 = review.Sha256,
            ReviewItemId = reviewItemId,
            CaseId = caseId,
            ContactId = contact.Id,
            Status = NoticeStatus.New,
            FirstSeenAt = review.CreatedAt,
        };

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        db.NoticedItems.Add(noticed);
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException)
        {
            return new NoticeSent(0, 0, NoticeDelivery.Failed, "already-noticed");
        }

        var notice = await QueueAsync(db, options.Value, time, contact.Id, channel, contact.Language, [noticed], round: 1, escalated: false, userId, cancellationToken).ConfigureAwait(false);
        if (caseId is { } victimCase && await caseProgress.NoticeSentAsync(victimCase, cancellationToken).ConfigureAwait(false))
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }

        await audit.AppendAsync("user:" + userId, "takedown.notice-sent", "review-item:" + reviewItemId.ToString(CultureInfo.InvariantCulture),
            string.Create(CultureInfo.InvariantCulture, $"notice={notice.Id} contact={contact.Id} channel={channel}"), cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);

        var delivery = await deliver.ExecuteAsync(notice.Id, creator: true, cancellationToken).ConfigureAwait(false);
        var error = await db.TakedownNotices.AsNoTracking().Where(n => n.Id == notice.Id).Select(n => n.LastError).FirstAsync(cancellationToken).ConfigureAwait(false);
        return new NoticeSent(notice.Id, noticed.Id, delivery, error);
    }

    /// <summary>The channel a contact is reached by: its webhook when set, else its e-mail; null when it has only a web form.</summary>
    public static NoticeChannel? Channel(PlatformContactRecord contact)
    {
        ArgumentNullException.ThrowIfNull(contact);
        return !string.IsNullOrEmpty(contact.WebhookUrl) ? NoticeChannel.Webhook : !string.IsNullOrEmpty(contact.Email) ? NoticeChannel.Email : null;
    }

    /// <summary>Writes a pending notice listing <paramref name="items"/> (saved, not yet delivered).</summary>
    public static async Task<TakedownNoticeRecord> QueueAsync(HaechiDbContext db, TakedownsOptions options, TimeProvider time, long contactId, NoticeChannel channel, string language, IReadOnlyList<NoticedItemRecord> items, int round, bool escalated, string? userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(items);
        var now = time.GetUtcNow();
        var notice = new TakedownNoticeRecord
        {
            ContactId = contactId,
            Channel = channel,
            Language = language,
            Round = round,
            Escalated = escalated,
            Subject = "-",
            Body = "-",
            Delivery = NoticeDelivery.Pending,
            CreatedAt = now,
            NextAttemptAt = now + DeliverNotice.Lease,
            SentBy = userId,
        };
        db.TakedownNotices.Add(notice);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        var lines = items.Select(i => new NoticeLine(i.Url, i.Pdq, i.Sha256, i.FirstSeenAt, i.FirstNoticeAt, i.NoticesSent, i.PageUrl)).ToList();
        var text = NoticeText.Build(language, options.Organisation, notice.Id, round, escalated, lines);
        notice.Subject = text.Subject;
        notice.Body = text.Body;
        foreach (var item in items)
        {
            db.TakedownNoticeItems.Add(new TakedownNoticeItemRecord { NoticeId = notice.Id, NoticedItemId = item.Id });
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return notice;
    }
}
