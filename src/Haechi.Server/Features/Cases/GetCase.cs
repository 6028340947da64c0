using Haechi.Data;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Server.Features.Cases;

/// <summary>A case's status and history for its owner (number + PIN); null means 404.</summary>
internal sealed class GetCase(HaechiDbContext db, CaseAccess access, CaseSignalWriter signals)
{
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
            statuses.Count(s => s == Core.Takedowns.NoticeStatus.Removed),
            statuses.Count(s => s is Core.Takedowns.NoticeStatus.ReferredToHost or Core.Takedowns.NoticeStatus.ReferredToPolice));
        return new CaseView(record.Status, history, await signals.CountAsync(record, cancellationToken).ConfigureAwait(false), removal);
    }
}
