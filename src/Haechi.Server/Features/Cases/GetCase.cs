using Haechi.Core.Review;
using Haechi.Core.Takedowns;
using Haechi.Data;
using Haechi.Pipeline.Review;
using Haechi.Server.Features.Matching;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Server.Features.Cases;

/// <summary>A case's status and history for its owner (number + PIN); null means 404.</summary>
internal sealed class GetCase(HaechiDbContext db, CaseAccess access, CaseSignalWriter signals)
{
    /// <summary>Most copies listed on a case.</summary>
    public const int MaxCopies = 200;

    public async Task<CaseView?> ExecuteAsync(string? caseNumber, string? pin, CancellationToken cancellationToken)
    {
        var record = await access.OpenAsync(caseNumber, pin, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return null;
        }

        var history = await db.CaseEvents.AsNoTracking().Where(e => e.CaseId == record.Id).OrderBy(e => e.Id)
            .Select(e => new CaseHistoryItem(e.Kind, e.At, e.SignalCount))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var statuses = await db.NoticedItems.AsNoTracking().Where(n => n.CaseId == record.Id && n.FirstNoticeAt != null).Select(n => n.Status)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var removal = new RemovalProgress(
            statuses.Count,
            statuses.Count(s => s == NoticeStatus.Removed),
            statuses.Count(s => s is NoticeStatus.ReferredToHost or NoticeStatus.ReferredToPolice));
        return new CaseView(record.Status, history, await signals.CountAsync(record, cancellationToken).ConfigureAwait(false), removal)
        {
            Copies = await CopiesAsync(record.CaseNumber, cancellationToken).ConfigureAwait(false),
            Registered = await signals.CountRegisteredAsync(record, cancellationToken).ConfigureAwait(false),
        };
    }

    /// <summary>
    /// The confirmed copies of her content: items confirmed on a match with her entries, then items
    /// matched to the confirmed-content entries made from those (the same chain <see cref="FindItemCase"/> follows back).
    /// </summary>
    private async Task<List<CaseCopy>> CopiesAsync(string caseNumber, CancellationToken cancellationToken)
    {
        var entries = await (from e in db.BankEntries
                             join bank in db.Banks on e.BankId equals bank.Id
                             where (bank.Name == VictimBank.Name || bank.Name == VictimBank.VideoName) && e.ExternalId == caseNumber
                             select e.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        var copies = new Dictionary<long, (DateTimeOffset FoundAt, bool Online)>();
        for (var hop = 0; hop <= FindItemCase.MaxHops && entries.Count > 0 && copies.Count < MaxCopies; hop++)
        {
            var found = await db.ReviewItems.AsNoTracking()
                .Where(r => r.MatchedEntryId != null && entries.Contains(r.MatchedEntryId.Value) && r.Decision == ReviewDecision.Confirm
                    && (r.Status == ReviewStatus.Decided || r.Status == ReviewStatus.AutoClassified))
                .OrderBy(r => r.Id).Take(MaxCopies).Select(r => new { r.Id, r.CreatedAt, Online = r.Url != null }).ToListAsync(cancellationToken).ConfigureAwait(false);
            var fresh = found.Where(f => copies.TryAdd(f.Id, (f.CreatedAt, f.Online))).Select(f => ConfirmedContent.ExternalId(f.Id)).ToList();
            entries = fresh.Count == 0 ? [] : await (from e in db.BankEntries
                                                     join bank in db.Banks on e.BankId equals bank.Id
                                                     where (bank.Name == ConfirmedContent.BankName || bank.Name == ConfirmedContent.VideoBankName) && e.ExternalId != null && fresh.Contains(e.ExternalId)
                                                     select e.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        }

        var ids = copies.Keys.ToList();
        var noticed = await db.NoticedItems.AsNoTracking().Where(n => ids.Contains(n.ReviewItemId) && n.FirstNoticeAt != null)
            .Select(n => new { n.ReviewItemId, n.Status, n.FirstNoticeAt, n.RemovedAt }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var byItem = noticed.ToLookup(n => n.ReviewItemId);
        return [.. copies.OrderBy(c => c.Value.FoundAt).ThenBy(c => c.Key).Take(MaxCopies).Select(c =>
        {
            var notices = byItem[c.Key].ToList();
            var sent = notices.Min(n => n.FirstNoticeAt);
            if (notices.Count == 0)
            {
                return new CaseCopy(c.Value.FoundAt, c.Value.Online ? CaseCopyState.Confirmed : CaseCopyState.NotOnline, null, null);
            }

            var removed = notices.All(n => n.Status == NoticeStatus.Removed);
            return new CaseCopy(c.Value.FoundAt, removed ? CaseCopyState.Removed : CaseCopyState.NoticeSent, sent, removed ? notices.Max(n => n.RemovedAt) : null);
        })];
    }
}
