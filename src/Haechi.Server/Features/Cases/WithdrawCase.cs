using Haechi.Core.Cases;
using Haechi.Core.Review;
using Haechi.Core.Takedowns;
using Haechi.Data;
using Haechi.Data.Audit;
using Haechi.Data.Banks;
using Haechi.Data.Cases;
using Haechi.Pipeline.Matching;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Server.Features.Cases;

/// <summary>What happens, after her withdrawal, to copies of her content that Haechi already works on.</summary>
internal enum WithdrawalFollowUps
{
    /// <summary>Copies confirmed as abuse stay in the removal work, without her name; open queue items stay for an analyst, unlinked.</summary>
    Continue,

    /// <summary>Everything stops: notices and re-checks of her copies end, queue items found only through her registration leave the queue.</summary>
    Stop,
}

/// <summary>
/// Withdraws a case so that nothing of hers stays: in one transaction every bank entry with her case
/// number (photos with their views and keypoints, videos with their frames, faces) is erased, not
/// marked, after a withdrawal change is logged for each; her MD5 digests are deleted; review items
/// that matched her entries, noticed items and police referrals lose their link to her case; with
/// <see cref="WithdrawalFollowUps.Stop"/> the follow-ups on her copies stop too; the case is marked
/// withdrawn. After commit the matcher applies the withdrawal (nothing of hers matches from then
/// on), the PDQ and vPDQ snapshots are rewritten without her entries, and SQLite's write-ahead log is
/// emptied (freed pages are zeroed by <c>secure_delete</c>). What stays is the case number, the
/// PIN hash, the status and the history's counts, so she can see that it is done.
/// </summary>
internal sealed partial class WithdrawCase(
    HaechiDbContext db,
    CaseAccess access,
    BankStore banks,
    AuditLog audit,
    Matcher matcher,
    TimeProvider time,
    ILogger<WithdrawCase> logger)
{
    /// <summary>Tables vacuumed on PostgreSQL after an erasure.</summary>
    private static readonly string[] ErasedTables = ["bank_entries", "bank_entry_views", "bank_entry_frames", "bank_entry_embeddings", "bank_entry_local_features", "case_digests"];

    /// <summary>Reads the API's <c>followUps</c> value: absent or <c>continue</c>, or <c>stop</c>.</summary>
    public static bool TryParseFollowUps(string? value, out WithdrawalFollowUps choice)
    {
        choice = WithdrawalFollowUps.Continue;
        if (string.IsNullOrEmpty(value) || string.Equals(value, "continue", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        choice = WithdrawalFollowUps.Stop;
        return string.Equals(value, "stop", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>False when the case cannot be opened (404); withdrawing twice is harmless.</summary>
    public async Task<bool> ExecuteAsync(string? caseNumber, string? pin, WithdrawalFollowUps followUps, CancellationToken cancellationToken)
    {
        var record = await access.OpenAsync(caseNumber, pin, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return false;
        }

        if (!CaseStateRules.CanTransition(record.Status, CaseStatus.Withdrawn))
        {
            return true;
        }

        int erased, unlinked, stopped;
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            var ids = await banks.EraseByExternalIdAsync(record.CaseNumber, cancellationToken).ConfigureAwait(false);
            var digests = await db.CaseDigests.Where(d => d.CaseId == record.Id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            erased = ids.Count + digests;
            (unlinked, stopped) = await UnlinkAsync(record.Id, ids, followUps, cancellationToken).ConfigureAwait(false);
            var now = time.GetUtcNow();
            record.Status = CaseStatus.Withdrawn;
            record.WithdrawnAt = now;
            record.Events.Add(new CaseEventRecord { Kind = CaseEventKind.Withdrawn, At = now, SignalCount = erased });
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await audit.AppendAsync("victim", "case.withdrawn", record.CaseNumber, $"signals_erased={erased} links_removed={unlinked} follow_ups={followUps.ToString().ToLowerInvariant()} stopped={stopped}", cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        // Committed: the indexes drop her entries at once, then the snapshots on disk are rewritten without them.
        await matcher.EraseFromSnapshotsAsync(CancellationToken.None).ConfigureAwait(false);
        if (!await HaechiDatabase.FlushErasedAsync(db, ErasedTables, attempts: 40, CancellationToken.None).ConfigureAwait(false))
        {
            LogLogBusy(logger, record.Id);
        }

        LogWithdrawn(logger, record.Id, erased, unlinked, stopped);
        return true;
    }

    /// <summary>Removes every link from Haechi's work to her case; with <see cref="WithdrawalFollowUps.Stop"/> ends that work too.</summary>
    private async Task<(int Unlinked, int Stopped)> UnlinkAsync(long caseId, IReadOnlyList<long> entryIds, WithdrawalFollowUps followUps, CancellationToken cancellationToken)
    {
        var stopped = 0;
        var ids = entryIds.ToList();
        if (followUps == WithdrawalFollowUps.Stop)
        {
            stopped += await db.ReviewItems.Where(r => r.MatchedEntryId != null && ids.Contains(r.MatchedEntryId.Value) && r.Status == ReviewStatus.Open)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, ReviewStatus.StoppedByVictim), cancellationToken).ConfigureAwait(false);
            stopped += await db.NoticedItems.Where(n => n.CaseId == caseId && (n.Status == NoticeStatus.New || n.Status == NoticeStatus.ReferredToHost || n.Status == NoticeStatus.ReferredToPolice || n.Status == NoticeStatus.Unavailable))
                .ExecuteUpdateAsync(s => s.SetProperty(n => n.Status, NoticeStatus.StoppedByVictim), cancellationToken).ConfigureAwait(false);
        }

        var unlinked = await db.ReviewItems.Where(r => r.MatchedEntryId != null && ids.Contains(r.MatchedEntryId.Value))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.MatchedEntryId, (long?)null), cancellationToken).ConfigureAwait(false);
        unlinked += await db.NoticedItems.Where(n => n.CaseId == caseId)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.CaseId, (long?)null), cancellationToken).ConfigureAwait(false);
        unlinked += await db.PoliceReferrals.Where(p => p.CaseId == caseId)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.CaseId, (long?)null), cancellationToken).ConfigureAwait(false);
        return (unlinked, stopped);
    }

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Case {CaseId} withdrawn; {SignalCount} signals erased, {Unlinked} links removed, {Stopped} follow-ups stopped")]
    private static partial void LogWithdrawn(ILogger logger, long caseId, int signalCount, int unlinked, int stopped);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Case {CaseId} withdrawn, but SQLite's write-ahead log stayed busy: it is emptied at the next checkpoint")]
    private static partial void LogLogBusy(ILogger logger, long caseId);
}
