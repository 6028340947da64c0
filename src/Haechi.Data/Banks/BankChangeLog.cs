using Microsoft.EntityFrameworkCore;

namespace Haechi.Data.Banks;

/// <summary>
/// Keeps the bank change log from growing without bound: changes older than a retention period are
/// deleted, and the newest of them becomes the <see cref="BankChangeKind.Pruned"/> horizon, so the
/// log's highest id never goes back (ids are never reused) and an index checkpoint older than the
/// horizon is rebuilt from the rows instead of caught up. Safe to run from several processes.
/// </summary>
public static class BankChangeLog
{
    /// <summary>Prunes the changes committed before <paramref name="before"/>; returns how many rows were deleted.</summary>
    public static async Task<int> PruneAsync(HaechiDbContext db, DateTimeOffset before, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // DateTimeOffset comparisons are not translated on SQLite: find the horizon by id, in id order (ids follow commit order).
        var horizon = 0L;
        var rows = db.BankChanges.AsNoTracking().OrderBy(c => c.Id).Select(c => new { c.Id, c.At, c.Kind }).AsAsyncEnumerable();
        await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (row.At >= before)
            {
                break;
            }

            horizon = row.Id;
        }

        if (horizon == 0)
        {
            return 0;
        }

        var deleted = await db.BankChanges.Where(c => c.Id < horizon).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        await db.BankChanges.Where(c => c.Id == horizon).ExecuteUpdateAsync(u => u.SetProperty(c => c.Kind, BankChangeKind.Pruned), cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted;
    }
}
