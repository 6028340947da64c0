using System.Globalization;
using Haechi.Core.Hashing;
using Haechi.Core.Takedowns;
using Haechi.Core.Video;
using Haechi.Data;
using Haechi.Data.Audit;
using Haechi.Data.Takedowns;
using Haechi.Pipeline.Ingestion;
using Haechi.Pipeline.Notices;
using Haechi.Server.Features.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Haechi.Server.Features.Takedowns;

/// <summary>What one pass of the loop did (counts only).</summary>
internal sealed record LoopPass(int Delivered, int Rechecked, int Removed, int Renotified, int Escalated);

/// <summary>
/// One pass of the notice loop: (1) deliver pending notices that are due (retries with back-off);
/// (2) re-check open noticed URLs whose re-check or re-notify time has come (fetch + re-fingerprint
/// via <see cref="RecheckNoticedItem"/>): gone or changed → removed; (3) items still there whose
/// re-notify interval passed get one new notice per contact, escalated to the police after N notices
/// (the escalation creates the item's police referral). Items the host called unavailable are
/// re-checked (gone → removed) but never noticed; removed, moved and "not illegal" items are left alone.
/// </summary>
internal sealed partial class RunNoticeLoop(HaechiDbContext db, DeliverNotice deliver, RecheckNoticedItem recheck, Police.CreatePoliceReferral referrals, AuditLog audit, Cases.RecordCaseMatch caseProgress, IOptions<TakedownsOptions> options, TimeProvider time, ILogger<RunNoticeLoop> logger)
{
    public async Task<LoopPass> ExecuteAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var policy = o.Policy;
        var now = time.GetUtcNow();
        var delivered = 0;
        var due = await db.TakedownNotices.AsNoTracking().Where(n => n.Delivery == NoticeDelivery.Pending)
            .Select(n => new { n.Id, n.NextAttemptAt }).ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var notice in due.Where(n => n.NextAttemptAt is null || n.NextAttemptAt <= now).OrderBy(n => n.Id))
        {
            if (await deliver.ExecuteAsync(notice.Id, creator: false, cancellationToken).ConfigureAwait(false) == NoticeDelivery.Sent)
            {
                delivered++;
            }
        }

        var removedFromCases = new List<long>();
        var open = await db.NoticedItems
            .Where(n => n.Status == NoticeStatus.ReferredToHost || n.Status == NoticeStatus.ReferredToPolice || n.Status == NoticeStatus.Unavailable)
            .OrderBy(n => n.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        int rechecked = 0, removed = 0, escalated = 0;
        var renotify = new List<(NoticedItemRecord Item, bool Escalate)>();
        foreach (var item in open)
        {
            now = time.GetUtcNow();
            var action = NoticeRules.NextAction(NoticeStates.Of(item), now, policy);
            var recheckDue = item.LastCheckedAt is not { } last || now - last >= o.RecheckInterval;
            if (action == NoticeAction.None && !recheckDue)
            {
                continue;
            }

            if (!Uri.TryCreate(item.Url, UriKind.Absolute, out var url))
            {
                continue;
            }

            // A noticed video is re-checked by its vPDQ frames (kept with the ingested item), an image by its PDQ.
            RecheckResult? result;
            if (await VideoFramesAsync(item.ReviewItemId, cancellationToken).ConfigureAwait(false) is { } frames)
            {
                result = await recheck.RunVideoAsync(url, frames, cancellationToken).ConfigureAwait(false);
            }
            else if (item.Pdq is { Length: 32 } pdq)
            {
                result = await recheck.RunAsync(url, Hash256.ReadBigEndian(pdq), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                continue;
            }

            rechecked++;
            item.LastCheckedAt = time.GetUtcNow();
            db.Rechecks.Add(new RecheckRecord
            {
                NoticedItemId = item.Id,
                CheckedAt = item.LastCheckedAt.Value,
                Outcome = result?.Outcome,
                Fetch = (result?.Fetch.ToString() ?? "Unknown")[..Math.Min(32, (result?.Fetch.ToString() ?? "Unknown").Length)],
                Distance = result?.Distance,
            });
            if (result is null)
            {
                LogUnknown(logger, item.Id);
                continue;
            }

            NoticeStates.Apply(item, NoticeRules.Rechecked(NoticeStates.Of(item), result.Outcome, result.CheckedAt));
            if (item.Status == NoticeStatus.Unavailable && result.Outcome == RecheckOutcome.StillThere && !item.SecondLook)
            {
                // The host said "unavailable" but the content is still served: an analyst takes a second look (notices stay stopped until then).
                item.SecondLook = true;
            }

            if (item.Status == NoticeStatus.Removed)
            {
                removed++;
                if (item.CaseId is { } caseId)
                {
                    removedFromCases.Add(caseId);
                }

                LogRemoved(logger, item.Id, (long)(item.RemovedAt!.Value - item.FirstNoticeAt!.Value).TotalSeconds);
                continue;
            }

            if (action != NoticeAction.None)
            {
                renotify.Add((item, action == NoticeAction.RecheckAndEscalate));
            }
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);

        // The victims' cases show each removal (after the statuses above are saved, so "all removed" is seen).
        foreach (var caseId in removedFromCases)
        {
            await caseProgress.RemovedAsync(caseId, cancellationToken).ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }

        var renotified = 0;
        var contacts = await db.PlatformContacts.AsNoTracking().ToDictionaryAsync(c => c.Id, cancellationToken).ConfigureAwait(false);
        foreach (var group in renotify.GroupBy(r => r.Item.ContactId))
        {
            if (!contacts.TryGetValue(group.Key, out var contact) || SendNotice.Channel(contact) is not { } channel)
            {
                continue;
            }

            // A notice already waiting for delivery for these items is not doubled.
            var ids = group.Select(g => g.Item.Id).ToList();
            var pending = await (from link in db.TakedownNoticeItems
                                 join n in db.TakedownNotices on link.NoticeId equals n.Id
                                 where ids.Contains(link.NoticedItemId) && n.Delivery == NoticeDelivery.Pending
                                 select link.NoticedItemId).Distinct().ToListAsync(cancellationToken).ConfigureAwait(false);
            var items = group.Where(g => !pending.Contains(g.Item.Id)).ToList();
            if (items.Count == 0)
            {
                continue;
            }

            var escalate = items.Any(i => i.Escalate);
            foreach (var (item, toPolice) in items)
            {
                if (toPolice)
                {
                    // The status, its audit entry and the item's police referral (once per item) commit together.
                    var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                    await using (transaction.ConfigureAwait(false))
                    {
                        NoticeStates.Apply(item, NoticeRules.Escalated(NoticeStates.Of(item)));
                        item.EscalatedAt = time.GetUtcNow();
                        escalated++;
                        await audit.AppendAsync("system:notice-loop", "takedown.escalated", "noticed-item:" + item.Id.ToString(CultureInfo.InvariantCulture),
                            "notices=" + item.NoticesSent.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
                        await referrals.ForEscalationAsync(item, cancellationToken).ConfigureAwait(false);
                        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            var round = items.Max(i => i.Item.NoticesSent) + 1;
            var notice = await SendNotice.QueueAsync(db, o, time, contact.Id, channel, contact.Language, [.. items.Select(i => i.Item)], round, escalate, userId: null, cancellationToken).ConfigureAwait(false);
            await audit.AppendAsync("system:notice-loop", "takedown.renotified", "notice:" + notice.Id.ToString(CultureInfo.InvariantCulture),
                string.Create(CultureInfo.InvariantCulture, $"items={items.Count} round={round}"), cancellationToken).ConfigureAwait(false);
            if (await deliver.ExecuteAsync(notice.Id, creator: true, cancellationToken).ConfigureAwait(false) == NoticeDelivery.Sent)
            {
                renotified++;
            }
        }

        return new LoopPass(delivered, rechecked, removed, renotified, escalated);
    }

    // The vPDQ frames of the ingested video behind a noticed review item, or null for an image (or a report's video, whose frames are not kept).
    private async Task<IReadOnlyList<VpdqFrame>?> VideoFramesAsync(long id, CancellationToken cancellationToken)
    {
        var sourceId = await db.ReviewItems.AsNoTracking().Where(r => r.Id == id).Select(r => r.SourceId).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (IngestSource.ItemId(sourceId) is not { } ingestId)
        {
            return null;
        }

        var packed = await db.IngestItems.AsNoTracking().Where(i => i.Id == ingestId).Select(i => i.Frames).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return packed is { Length: > 0 } ? PackedFrames.Unpack(packed) : null;
    }

    [LoggerMessage(EventId = 6010, Level = LogLevel.Information, Message = "Noticed item {ItemId} removed after {Seconds} s")]
    private static partial void LogRemoved(ILogger logger, long itemId, long seconds);

    [LoggerMessage(EventId = 6011, Level = LogLevel.Information, Message = "Noticed item {ItemId}: re-check inconclusive, retried later")]
    private static partial void LogUnknown(ILogger logger, long itemId);
}

/// <summary>Runs <see cref="RunNoticeLoop"/> every <see cref="TakedownsOptions.LoopInterval"/> when this process has the notices role (<see cref="HostRoles.Notices"/>).</summary>
internal sealed partial class NoticeLoopService(IServiceScopeFactory scopes, HostRoles roles, RoleActivity activity, IOptions<TakedownsOptions> options, TimeProvider time, ILogger<NoticeLoopService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!roles.Notices)
        {
            return;
        }

        activity.Started(BackgroundDuty.NoticeLoop);
        try
        {
            using var timer = new PeriodicTimer(options.Value.LoopInterval, time);
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var pass = await scope.ServiceProvider.GetRequiredService<RunNoticeLoop>().ExecuteAsync(stoppingToken).ConfigureAwait(false);
                    activity.Passed(BackgroundDuty.NoticeLoop);
                    if (pass.Rechecked + pass.Delivered + pass.Renotified > 0)
                    {
                        LogPass(logger, pass.Delivered, pass.Rechecked, pass.Removed, pass.Renotified, pass.Escalated);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // One bad pass (database busy, a host misbehaving) must not stop the loop; the next pass retries.
                    LogPassFailed(logger, e.GetType().Name);
                    activity.Failed(BackgroundDuty.NoticeLoop, e.GetType().Name);
                }
            }
        }
        finally
        {
            activity.Stopped(BackgroundDuty.NoticeLoop);
        }
    }

    [LoggerMessage(EventId = 6020, Level = LogLevel.Information, Message = "Notice loop: {Delivered} delivered, {Rechecked} re-checked, {Removed} removed, {Renotified} re-notified, {Escalated} escalated")]
    private static partial void LogPass(ILogger logger, int delivered, int rechecked, int removed, int renotified, int escalated);

    [LoggerMessage(EventId = 6021, Level = LogLevel.Warning, Message = "Notice loop pass failed ({Error}); next pass retries")]
    private static partial void LogPassFailed(ILogger logger, string error);
}
