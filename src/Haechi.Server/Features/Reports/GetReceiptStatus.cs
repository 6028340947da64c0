using System.Globalization;
using Haechi.Core.Cases;
using Haechi.Core.Reports;
using Haechi.Core.Review;
using Haechi.Data;
using Haechi.Server.Features.Ingestion.WebSources;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Server.Features.Reports;

/// <summary>The answer of <c>GET /api/reports/{receipt}/status</c>: the state and its date only.</summary>
/// <param name="State"><c>received</c>, <c>underReview</c> or <c>actionTaken</c>.</param>
/// <param name="Since">When the report reached that state.</param>
/// <param name="Date">That day in Korea's time zone (<c>2026-12-07 KST</c>).</param>
internal sealed record ReceiptStatusView(ReceiptState State, DateTimeOffset Since, string Date);

/// <summary>
/// A reporter's look-up of her receipt: received, under review or action taken
/// (<see cref="ReceiptProgress"/>) over the report's own review items, the items found at its links
/// and the notices sent for them. Nothing else leaves: no URLs, no analyst, no decision, no content.
/// </summary>
internal sealed class GetReceiptStatus(HaechiDbContext db)
{
    /// <summary>The report's state, or null when <paramref name="receipt"/> is not a stored receipt (malformed or unknown alike).</summary>
    public async Task<ReceiptProgress?> ExecuteAsync(string? receipt, CancellationToken cancellationToken)
    {
        if (ReceiptNumber.Normalize(receipt) is not { } number)
        {
            return null;
        }

        var report = await db.Reports.AsNoTracking().Where(r => r.Receipt == number).Select(r => new { r.Id, r.CreatedAt }).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (report is null)
        {
            return null;
        }

        var reportSourceId = report.Id.ToString(CultureInfo.InvariantCulture);
        var ownIds = await db.ReviewItems.AsNoTracking().Where(r => r.Kind == ReviewItemKind.Report && r.SourceId == reportSourceId)
            .Select(r => r.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        var foundIds = new List<long>();
        var linkIds = await db.ReportLinks.AsNoTracking().Where(l => l.ReportId == report.Id).Select(l => l.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var linkId in linkIds)
        {
            var prefix = VisitReportLink.SourceIdPrefix(linkId);
            foundIds.AddRange(await db.IngestItems.AsNoTracking()
                .Where(i => i.SourceKind == VisitReportLink.SourceKind && i.SourceId.StartsWith(prefix) && i.ReviewItemId != null)
                .Select(i => i.ReviewItemId!.Value).ToListAsync(cancellationToken).ConfigureAwait(false));
        }

        var ids = ownIds.Concat(foundIds).Distinct().ToList();
        var items = await db.ReviewItems.AsNoTracking().Where(r => ids.Contains(r.Id))
            .Select(r => new { r.Id, r.Status, r.Decision, r.DecidedAt, r.CreatedAt }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var notices = await db.NoticedItems.AsNoTracking().Where(n => ids.Contains(n.ReviewItemId) && n.FirstNoticeAt != null)
            .Select(n => new { n.ReviewItemId, n.FirstNoticeAt }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var own = ownIds.ToHashSet();
        var progress = items.Select(i => new ReportItemProgress(
            i.Status, i.Decision, i.DecidedAt, i.CreatedAt, FoundAtLink: !own.Contains(i.Id),
            notices.Where(n => n.ReviewItemId == i.Id).Select(n => n.FirstNoticeAt).Min()));
        return ReceiptProgress.Of(report.CreatedAt, progress);
    }
}
