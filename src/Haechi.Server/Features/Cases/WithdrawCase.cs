using Haechi.Core.Cases;
using Haechi.Data;
using Haechi.Data.Audit;
using Haechi.Data.Banks;
using Haechi.Data.Cases;
using Haechi.Pipeline.Matching;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Server.Features.Cases;

/// <summary>
/// Withdraws a case: in one transaction its PDQ entries leave every bank (fingerprints erased), its
/// MD5 digests are deleted and it is marked withdrawn; right after commit its entries leave the
/// PDQ, view and local-feature indexes (its views and local features are deleted with the entries). What stays is the case number, the PIN hash, the status and counts in the history.
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
    /// <summary>False when the case cannot be opened (404); withdrawing twice is harmless.</summary>
    public async Task<bool> ExecuteAsync(string? caseNumber, string? pin, CancellationToken cancellationToken)
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

        var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            var withdrawn = await banks.WithdrawByExternalIdAsync(null, record.CaseNumber, cancellationToken).ConfigureAwait(false);
            var digests = await db.CaseDigests.Where(d => d.CaseId == record.Id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            var now = time.GetUtcNow();
            record.Status = CaseStatus.Withdrawn;
            record.WithdrawnAt = now;
            record.Events.Add(new CaseEventRecord { Kind = CaseEventKind.Withdrawn, At = now, SignalCount = withdrawn + digests });
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await audit.AppendAsync("victim", "case.withdrawn", record.CaseNumber, $"signals_erased={withdrawn + digests}", cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            // Committed: the matcher applies the change log now, so the withdrawn entries stop matching at once.
            await matcher.RefreshAsync(CancellationToken.None).ConfigureAwait(false);
            LogWithdrawn(logger, record.Id, withdrawn + digests);
        }

        return true;
    }

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Case {CaseId} withdrawn; {SignalCount} signals erased")]
    private static partial void LogWithdrawn(ILogger logger, long caseId, int signalCount);
}
