using Haechi.Core.Cases;
using Haechi.Core.Faces;
using Haechi.Core.Takedowns;
using Haechi.Data;
using Haechi.Data.Cases;
using Haechi.Pipeline.Review;
using Haechi.Server.Features.Matching;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Server.Features.Cases;

/// <summary>
/// The victim's case an item belongs to, found through what it matched: an entry of a victim bank
/// (photos, videos, or the face she enrolled on her device) names the case; an entry of the confirmed-content bank names the review
/// item it was made from, whose own match is followed in turn (a copy of a copy of her photo is
/// still hers). Followed at most <see cref="MaxHops"/> times.
/// </summary>
internal sealed class FindItemCase(HaechiDbContext db)
{
    /// <summary>Most confirmed-content links followed back to a victim's entry.</summary>
    public const int MaxHops = 4;

    /// <summary>The live or withdrawn case (tracked) whose entry <paramref name="matchedEntryId"/> leads to, or null.</summary>
    public async Task<CaseRecord?> ExecuteAsync(long? matchedEntryId, CancellationToken cancellationToken)
    {
        for (var hop = 0; hop <= MaxHops && matchedEntryId is { } entryId; hop++)
        {
            var entry = await (from e in db.BankEntries
                               join bank in db.Banks on e.BankId equals bank.Id
                               where e.Id == entryId
                               select new { e.ExternalId, Bank = bank.Name }).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (entry is null)
            {
                return null;
            }

            // Her registered photos or videos, or the face she enrolled on her device: each names her case.
            if (VictimBank.IsVictimBank(entry.Bank) || entry.Bank == VictimFaces.BankName)
            {
                return await db.Cases.FirstOrDefaultAsync(c => c.CaseNumber == entry.ExternalId, cancellationToken).ConfigureAwait(false);
            }

            if (!ConfirmedContent.IsConfirmedBank(entry.Bank) || ConfirmedContent.ReviewItemOf(entry.ExternalId) is not { } sourceItem)
            {
                return null;
            }

            matchedEntryId = await db.ReviewItems.AsNoTracking().Where(r => r.Id == sourceItem).Select(r => r.MatchedEntryId).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        }

        return null;
    }
}

/// <summary>
/// Writes what happens to a victim's copies into her case, as she sees it: "match found" when an
/// analyst confirms a copy (directly of her registration, or of content confirmed from it), "notice
/// sent" when the first removal notice for a copy goes out, "removed" when a re-check finds a copy
/// gone. The status moves where the state machine allows it (<see cref="CaseStateRules"/>); a history
/// line holds a kind and a time only: no content, no URL. Runs inside the caller's transaction
/// (saved with the caller's next save), so the case changes with the decision or notice, or not at all.
/// </summary>
internal sealed class RecordCaseMatch(HaechiDbContext db, FindItemCase find, TimeProvider time)
{
    /// <summary>Records "match found"; false when the entry leads to no live case.</summary>
    public async Task<bool> ExecuteAsync(long matchedEntryId, CancellationToken cancellationToken) =>
        await RecordAsync(await find.ExecuteAsync(matchedEntryId, cancellationToken).ConfigureAwait(false), CaseStatus.MatchFound, CaseEventKind.MatchFound).ConfigureAwait(false);

    /// <summary>Records "notice sent" for case <paramref name="caseId"/>; false when it is not live.</summary>
    public async Task<bool> NoticeSentAsync(long caseId, CancellationToken cancellationToken) =>
        await RecordAsync(await db.Cases.FirstOrDefaultAsync(c => c.Id == caseId, cancellationToken).ConfigureAwait(false), CaseStatus.NoticeSent, CaseEventKind.NoticeSent).ConfigureAwait(false);

    /// <summary>
    /// Records "removed" for case <paramref name="caseId"/>; the status becomes <see cref="CaseStatus.Removed"/>
    /// only when no other noticed copy of hers is still online.
    /// </summary>
    public async Task<bool> RemovedAsync(long caseId, CancellationToken cancellationToken)
    {
        var record = await db.Cases.FirstOrDefaultAsync(c => c.Id == caseId, cancellationToken).ConfigureAwait(false);
        var stillOnline = await db.NoticedItems.AsNoTracking()
            .AnyAsync(n => n.CaseId == caseId && (n.Status == NoticeStatus.ReferredToHost || n.Status == NoticeStatus.ReferredToPolice), cancellationToken).ConfigureAwait(false);
        return await RecordAsync(record, stillOnline ? null : CaseStatus.Removed, CaseEventKind.Removed).ConfigureAwait(false);
    }

    private Task<bool> RecordAsync(CaseRecord? record, CaseStatus? to, CaseEventKind kind)
    {
        if (record is null || record.Status == CaseStatus.Withdrawn)
        {
            return Task.FromResult(false);
        }

        if (to is { } next && CaseStateRules.CanTransition(record.Status, next))
        {
            record.Status = next;
        }

        db.CaseEvents.Add(new CaseEventRecord { CaseId = record.Id, Kind = kind, At = time.GetUtcNow(), SignalCount = 1 });
        return Task.FromResult(true);
    }
}
