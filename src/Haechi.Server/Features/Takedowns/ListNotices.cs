using Haechi.Core.Takedowns;
using Haechi.Data;
using Haechi.Data.Takedowns;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Server.Features.Takedowns;

/// <summary>A notice as analysts see it (delivery and failures visible).</summary>
internal sealed record NoticeView(long Id, long ContactId, NoticeChannel Channel, int Round, bool Escalated, NoticeDelivery Delivery, int Attempts, string? LastError, DateTimeOffset CreatedAt, DateTimeOffset? NextAttemptAt, DateTimeOffset? SentAt, string? MessageId, IReadOnlyList<long> Items);

/// <summary>A noticed item as analysts see it.</summary>
internal sealed record NoticedItemView(long Id, string Url, string Host, long ReviewItemId, long ContactId, NoticeStatus Status, int NoticesSent, int Rechecks, DateTimeOffset FirstSeenAt, DateTimeOffset? FirstNoticeAt, DateTimeOffset? LastNoticeAt, DateTimeOffset? RemovedAt, DateTimeOffset? EscalatedAt, double? HoursToRemoval)
{
    /// <summary>Flagged for an analyst's second look (the host said "not illegal", or "unavailable" content is still there).</summary>
    public bool SecondLook { get; init; }

    /// <summary>The kind of the host's latest recorded reply, if any.</summary>
    public HostReply? LastReply { get; init; }
}

/// <summary>Notices and noticed items, newest first.</summary>
internal sealed record NoticesView(IReadOnlyList<NoticeView> Notices, IReadOnlyList<NoticedItemView> Items);

/// <summary>Lists notices (with their items) and noticed items.</summary>
internal sealed class ListNotices(HaechiDbContext db)
{
    public async Task<NoticesView> ExecuteAsync(CancellationToken cancellationToken)
    {
        var notices = await db.TakedownNotices.AsNoTracking().OrderByDescending(n => n.Id).Take(500).ToListAsync(cancellationToken).ConfigureAwait(false);
        var ids = notices.Select(n => n.Id).ToList();
        var links = await db.TakedownNoticeItems.AsNoTracking().Where(l => ids.Contains(l.NoticeId)).ToListAsync(cancellationToken).ConfigureAwait(false);
        var items = await db.NoticedItems.AsNoTracking().OrderByDescending(n => n.Id).Take(1000).ToListAsync(cancellationToken).ConfigureAwait(false);
        var itemIds = items.Select(i => i.Id).ToList();
        var replies = await db.HostReplies.AsNoTracking().Where(r => itemIds.Contains(r.NoticedItemId)).OrderBy(r => r.Id)
            .Select(r => new { r.NoticedItemId, r.Kind }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var lastReply = new Dictionary<long, HostReply>();
        foreach (var reply in replies)
        {
            lastReply[reply.NoticedItemId] = reply.Kind;
        }

        return new NoticesView(
            [.. notices.Select(n => new NoticeView(n.Id, n.ContactId, n.Channel, n.Round, n.Escalated, n.Delivery, n.Attempts, n.LastError, n.CreatedAt, n.NextAttemptAt, n.SentAt, n.MessageId,
                [.. links.Where(l => l.NoticeId == n.Id).Select(l => l.NoticedItemId).Order()]))],
            [.. items.Select(i => GetNoticeHistory.View(i) with { LastReply = lastReply.TryGetValue(i.Id, out var kind) ? kind : null })]);
    }
}
