using System.Globalization;
using Haechi.Core.Takedowns;
using Haechi.Data;
using Haechi.Data.Audit;
using Haechi.Data.Takedowns;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Haechi.Server.Features.Takedowns;

/// <summary>A host's reply as an analyst enters it: the kind, the host's reason or a note, and for "moved" the new URL (and optionally the contact for it).</summary>
internal sealed record HostReplyRequest(HostReply? Kind, string? Text, string? MovedToUrl, long? ContactId);

/// <summary>The reply recorded: the item's status now, and for "moved" the new noticed item and its first notice.</summary>
internal sealed record HostReplyRecorded(long ReplyId, NoticeStatus Status, long? MovedToItemId, long? NoticeId);

/// <summary>How a reply or a second look ended.</summary>
internal enum ReplyOutcome
{
    Recorded,
    NotFound,
    Invalid,

    /// <summary>The reply does not fit the item's status (e.g. "moved" for removed content).</summary>
    NotAllowed,
}

/// <summary>
/// Records a host's reply on a noticed item (durable, audited in the same transaction) and applies
/// it through <see cref="NoticeRules.HostReplied"/>: "unavailable" stops the notices (the re-check
/// keeps verifying), "moved" makes the new URL its own noticed item (same review item, same contact
/// when the host is the same, else the contact for its host or the one chosen) and sends it its
/// first notice, "not illegal" stops the notices and flags the item for an analyst's second look,
/// "removed by host" asks the loop to re-check at once (only the re-check marks it removed), a note
/// changes nothing. Texts are the host's short reason or the analyst's note, never content.
/// </summary>
internal sealed class RecordHostReply(HaechiDbContext db, DeliverNotice deliver, AuditLog audit, Cases.RecordCaseMatch caseProgress, IOptions<TakedownsOptions> options, TimeProvider time)
{
    /// <summary>Longest URL kept for a noticed item (as the <c>noticed_items</c> table).</summary>
    public const int MaxUrlLength = 2048;

    public async Task<(ReplyOutcome Outcome, HostReplyRecorded? Recorded, Dictionary<string, string[]> Errors)> ExecuteAsync(long noticedItemId, HostReplyRequest request, string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var item = await db.NoticedItems.SingleOrDefaultAsync(n => n.Id == noticedItemId, cancellationToken).ConfigureAwait(false);
        if (item is null)
        {
            return (ReplyOutcome.NotFound, null, errors);
        }

        var text = string.IsNullOrWhiteSpace(request.Text) ? null : request.Text.Trim();
        if (request.Kind is not { } kind || !Enum.IsDefined(kind))
        {
            errors["kind"] = ["Choose unavailable, moved, notIllegal, removedByHost or note."];
            return (ReplyOutcome.Invalid, null, errors);
        }

        if (text is { Length: > HostReplyRecord.MaxTextLength })
        {
            errors["text"] = [string.Create(CultureInfo.InvariantCulture, $"At most {HostReplyRecord.MaxTextLength} characters.")];
        }
        else if (text is null && kind is HostReply.Note or HostReply.NotIllegal)
        {
            errors["text"] = [kind == HostReply.Note ? "Write the note." : "Write the host's reason."];
        }

        Uri? moved = null;
        PlatformContactRecord? contact = null;
        if (kind == HostReply.Moved)
        {
            if (!Uri.TryCreate(request.MovedToUrl?.Trim(), UriKind.Absolute, out moved) || moved.Scheme is not ("http" or "https") || moved.AbsoluteUri.Length > MaxUrlLength)
            {
                errors["movedToUrl"] = ["Give the new http(s) URL."];
            }
            else if (string.Equals(moved.AbsoluteUri, item.Url, StringComparison.Ordinal))
            {
                errors["movedToUrl"] = ["The new URL is the noticed one."];
            }
            else
            {
                var all = await db.PlatformContacts.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
                var host = moved.Host.ToLowerInvariant();
                contact = request.ContactId is { } chosen ? all.FirstOrDefault(c => c.Id == chosen)
                    : string.Equals(host, item.Host, StringComparison.Ordinal) ? all.FirstOrDefault(c => c.Id == item.ContactId)
                    : ManageContacts.Match(all, host);
                if (contact is null)
                {
                    errors["contactId"] = ["No contact for the new URL's host: add one or choose one."];
                }
                else if (SendNotice.Channel(contact) is null)
                {
                    errors["contactId"] = ["This contact has only a web form: choose one with an e-mail or webhook."];
                }
                else if (await db.NoticedItems.AnyAsync(n => n.ReviewItemId == item.ReviewItemId && n.Url == moved.AbsoluteUri, cancellationToken).ConfigureAwait(false))
                {
                    errors["movedToUrl"] = ["This URL is already noticed for the same content."];
                }
            }
        }

        if (errors.Count > 0)
        {
            return (ReplyOutcome.Invalid, null, errors);
        }

        NoticeState next;
        try
        {
            next = NoticeRules.HostReplied(NoticeStates.Of(item), kind);
        }
        catch (InvalidOperationException)
        {
            errors["kind"] = ["This reply does not fit the item's status."];
            return (ReplyOutcome.NotAllowed, null, errors);
        }

        var now = time.GetUtcNow();
        TakedownNoticeRecord? notice = null;
        NoticedItemRecord? movedItem = null;
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            NoticeStates.Apply(item, next);
            switch (kind)
            {
                case HostReply.NotIllegal:
                    item.SecondLook = true;
                    break;
                case HostReply.RemovedByHost:
                    item.LastCheckedAt = null; // the next pass of the loop re-checks now
                    break;
            }

            if (kind == HostReply.Moved)
            {
                movedItem = new NoticedItemRecord
                {
                    Url = moved!.AbsoluteUri,
                    Host = moved.Host.ToLowerInvariant(),
                    Pdq = item.Pdq,
                    Sha256 = item.Sha256,
                    ReviewItemId = item.ReviewItemId,
                    CaseId = item.CaseId,
                    ContactId = contact!.Id,
                    Status = NoticeStatus.New,
                    FirstSeenAt = now,
                    MovedFromId = item.Id,
                };
                db.NoticedItems.Add(movedItem);
            }

            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            var reply = new HostReplyRecord { NoticedItemId = item.Id, Kind = kind, Text = text, MovedToItemId = movedItem?.Id, RecordedBy = userId, RecordedAt = now };
            db.HostReplies.Add(reply);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            var c = CultureInfo.InvariantCulture;
            await audit.AppendAsync("user:" + userId, "takedown.host-replied", "noticed-item:" + item.Id.ToString(c),
                string.Create(c, $"reply={reply.Id} kind={kind} status={item.Status}") + (movedItem is null ? string.Empty : string.Create(c, $" moved-to={movedItem.Id}")), cancellationToken).ConfigureAwait(false);
            if (movedItem is not null)
            {
                notice = await SendNotice.QueueAsync(db, options.Value, time, contact!.Id, SendNotice.Channel(contact)!.Value, contact.Language, [movedItem], round: 1, escalated: false, userId, cancellationToken).ConfigureAwait(false);
                if (movedItem.CaseId is { } victimCase && await caseProgress.NoticeSentAsync(victimCase, cancellationToken).ConfigureAwait(false))
                {
                    await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                }

                await audit.AppendAsync("user:" + userId, "takedown.notice-sent", "review-item:" + item.ReviewItemId.ToString(c),
                    string.Create(c, $"notice={notice.Id} contact={contact.Id} channel={notice.Channel} moved-from={item.Id}"), cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            if (notice is not null)
            {
                await deliver.ExecuteAsync(notice.Id, creator: true, cancellationToken).ConfigureAwait(false);
            }

            return (ReplyOutcome.Recorded, new HostReplyRecorded(reply.Id, item.Status, movedItem?.Id, notice?.Id), errors);
        }
    }

    /// <summary>
    /// An analyst's second look at a flagged item: <paramref name="agree"/> accepts the host's answer
    /// (the flag clears, notices stay stopped); otherwise the item goes back to the host and the
    /// loop's notices resume (<see cref="NoticeRules.Disputed"/>). Audited.
    /// </summary>
    public async Task<ReplyOutcome> SecondLookAsync(long noticedItemId, bool agree, string userId, CancellationToken cancellationToken)
    {
        var item = await db.NoticedItems.SingleOrDefaultAsync(n => n.Id == noticedItemId, cancellationToken).ConfigureAwait(false);
        if (item is null)
        {
            return ReplyOutcome.NotFound;
        }

        if (!item.SecondLook)
        {
            return ReplyOutcome.NotAllowed;
        }

        if (!agree)
        {
            try
            {
                NoticeStates.Apply(item, NoticeRules.Disputed(NoticeStates.Of(item)));
            }
            catch (InvalidOperationException)
            {
                return ReplyOutcome.NotAllowed;
            }
        }

        item.SecondLook = false;
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await audit.AppendAsync("user:" + userId, "takedown.second-look", "noticed-item:" + item.Id.ToString(CultureInfo.InvariantCulture),
                (agree ? "agreed" : "disputed") + " status=" + item.Status, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return ReplyOutcome.Recorded;
    }
}
