using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Haechi.Data;

/// <summary>
/// The one place SQLite's durability is set: every connection a <see cref="HaechiDbContext"/> opens
/// gets write-ahead logging, full fsync, foreign keys and secure deletion, so a change is on disk when SaveChanges
/// returns and deleted rows leave no trace in free pages. <see cref="HaechiDatabase.Configure"/> adds it to every SQLite context (server, CLI,
/// workers, tests); PostgreSQL is durable on commit without it.
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    public static SqlitePragmas Instance { get; } = new();

    // journal_mode is stored in the file (a no-op once it is WAL); synchronous, foreign_keys and secure_delete
    // (deleted content is overwritten with zeros, so an erased fingerprint leaves no trace in free pages) hold per connection.
    private const string Pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (connection is not SqliteConnection)
        {
            return;
        }

        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (connection is not SqliteConnection)
        {
            return;
        }

        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.CommandText = Pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
