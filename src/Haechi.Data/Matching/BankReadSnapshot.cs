using System.Data.Common;
using Haechi.Data.Banks;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Data.Matching;

/// <summary>
/// Reads bank rows and the change id they correspond to in one read snapshot, so that an index
/// built from them continues from exactly that change: a deferred SQLite transaction (under WAL it
/// never blocks writers) or a repeatable-read PostgreSQL transaction.
/// </summary>
public static class BankReadSnapshot
{
    /// <summary>Runs <paramref name="read"/> with the last change id, inside one read snapshot (the caller's transaction when one is open).</summary>
    public static async Task<T> ReadAsync<T>(BankSignalReader reader, Func<long, Task<T>> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(read);
        var database = reader.Context.Database;
        DbTransaction? owned = null;
        if (database.CurrentTransaction is null)
        {
            var connection = database.GetDbConnection();
            if (connection.State != System.Data.ConnectionState.Open)
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            }

#pragma warning disable CA1849 // BEGIN of a deferred SQLite transaction does no I/O; there is no asynchronous overload that defers.
            owned = connection is Microsoft.Data.Sqlite.SqliteConnection sqlite
                ? sqlite.BeginTransaction(deferred: true)
                : await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
#pragma warning restore CA1849
            await database.UseTransactionAsync(owned, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var lastChange = await reader.GetLastChangeIdAsync(cancellationToken).ConfigureAwait(false);
            return await read(lastChange).ConfigureAwait(false);
        }
        finally
        {
            if (owned is not null)
            {
                await database.UseTransactionAsync(null, cancellationToken).ConfigureAwait(false);
                await owned.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
