using Haechi.Core.Cases;
using Haechi.Data;
using Haechi.Data.Cases;
using Haechi.Server.Features.Matching;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Server.Features.Cases;

/// <summary>
/// When an analyst confirms an item that matched a victim-registered entry, the victim's case
/// records "match found": the status moves to <see cref="CaseStatus.MatchFound"/> where the state
/// machine allows it, and the history gets a line (kind and time only: no content, no URL).
/// Runs inside the caller's transaction, so the history changes with the decision or not at all.
/// </summary>
internal sealed class RecordCaseMatch(HaechiDbContext db, TimeProvider time)
{
    /// <summary>Adds the history line (saved with the caller's next save); false when the entry is not a live case's.</summary>
    public async Task<bool> ExecuteAsync(long matchedEntryId, CancellationToken cancellationToken)
    {
        var record = await (from entry in db.BankEntries
                            join bank in db.Banks on entry.BankId equals bank.Id
                            join c in db.Cases on entry.ExternalId equals c.CaseNumber
                            where entry.Id == matchedEntryId && bank.Name == VictimBank.Name
                            select c).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (record is null || record.Status == CaseStatus.Withdrawn)
        {
            return false;
        }

        if (CaseStateRules.CanTransition(record.Status, CaseStatus.MatchFound))
        {
            record.Status = CaseStatus.MatchFound;
        }

        db.CaseEvents.Add(new CaseEventRecord { CaseId = record.Id, Kind = CaseEventKind.MatchFound, At = time.GetUtcNow(), SignalCount = 1 });
        return true;
    }
}
