using Haechi.Core.Cases;
using Haechi.Core.Review;
using Haechi.Data;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Server.Features.Cases;

/// <summary>The victim case a review item is linked to, as the analyst's item page shows it.</summary>
/// <param name="CaseNumber">Her case number (no PIN, no content).</param>
/// <param name="Withdrawn">She withdrew the case.</param>
/// <param name="ByFace">The link is her enrolled face (a possible new deepfake of her), not a copy of a registered photo.</param>
internal sealed record ItemCaseLink(string CaseNumber, bool Withdrawn, bool ByFace);

/// <summary>Follows a review item's matched entry to a victim's case (<see cref="FindItemCase"/>): her photos, her face, or content confirmed from them.</summary>
internal sealed class GetItemCase(HaechiDbContext db, FindItemCase find)
{
    /// <summary>The linked case, or null when the item matched no victim's entry.</summary>
    public async Task<ItemCaseLink?> ExecuteAsync(long reviewItemId, CancellationToken cancellationToken)
    {
        var item = await db.ReviewItems.AsNoTracking().Where(r => r.Id == reviewItemId)
            .Select(r => new { r.MatchedEntryId, r.Signal, r.Kind }).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (item?.MatchedEntryId is not { } entryId)
        {
            return null;
        }

        var record = await find.ExecuteAsync(entryId, cancellationToken).ConfigureAwait(false);
        var byFace = item.Signal == ReviewPriority.Name(MatchSignal.Face) || (item.Signal is null && item.Kind == ReviewItemKind.FaceMatch);
        return record is null ? null : new ItemCaseLink(record.CaseNumber, record.Status == CaseStatus.Withdrawn, byFace);
    }
}
