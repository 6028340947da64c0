using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Haechi.Data;

/// <summary>
/// Where Haechi's store lives: the SQLite file <c>haechi.db</c> in the data directory by default,
/// or a PostgreSQL database when a connection string is given (<c>ConnectionStrings:Haechi</c> in
/// either host's configuration; in the environment, <c>ConnectionStrings__Haechi</c>).
/// </summary>
/// <param name="DataDirectory">The data directory (SQLite file, index snapshots, models).</param>
/// <param name="PostgresConnectionString">Npgsql connection string, or null for SQLite.</param>
public sealed record DatabaseLocation(string DataDirectory, string? PostgresConnectionString = null)
{
    /// <summary>True when the store is PostgreSQL.</summary>
    public bool IsPostgres => !string.IsNullOrWhiteSpace(PostgresConnectionString);
}

/// <summary>Opens Haechi's store and keeps its schema current.</summary>
public static class HaechiDatabase
{
    /// <summary>File name of the SQLite store inside the data directory.</summary>
    public const string FileName = "haechi.db";

    /// <summary>The assembly holding the PostgreSQL migrations (SQLite's live in this one).</summary>
    public const string PostgresMigrationsAssembly = "Haechi.Data.PostgreSql";

    /// <summary>Options for the store in <paramref name="location"/>, as <see cref="Configure"/> sets them.</summary>
    public static DbContextOptions<HaechiDbContext> Options(DatabaseLocation location) =>
        ((DbContextOptionsBuilder<HaechiDbContext>)Configure(new DbContextOptionsBuilder<HaechiDbContext>(), location)).Options;

    /// <summary>Connection string of the SQLite file in <paramref name="dataDirectory"/> (for hosts that register the context in DI).</summary>
    public static string SqliteConnectionString(string dataDirectory) => new SqliteConnectionStringBuilder
    {
        DataSource = Path.Combine(dataDirectory, FileName),
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = false,
        DefaultTimeout = 30,
    }.ToString();

    /// <summary>
    /// Points <paramref name="builder"/> at the store in <paramref name="location"/>: the one code path
    /// every context takes (server, CLI, workers, tests). SQLite connections get <see cref="SqlitePragmas"/>
    /// (WAL, full fsync, foreign keys) each time they open.
    /// </summary>
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder builder, DatabaseLocation location)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(location);
        return location.IsPostgres
            ? builder.UseNpgsql(location.PostgresConnectionString, npgsql => npgsql.MigrationsAssembly(PostgresMigrationsAssembly))
            : builder.UseSqlite(SqliteConnectionString(location.DataDirectory)).AddInterceptors(SqlitePragmas.Instance);
    }

    /// <summary>
    /// After an erasure has committed: on SQLite, copies the write-ahead log into the database and
    /// truncates it (<c>wal_checkpoint(TRUNCATE)</c>, retried while readers hold it), so the log file no
    /// longer holds the erased rows and the freed pages of the database are zeroed (<c>secure_delete</c>);
    /// on PostgreSQL, vacuums <paramref name="tables"/> so the dead rows' space is marked free (PostgreSQL
    /// does not overwrite it until it is reused). Returns false when SQLite's log could not be emptied
    /// within <paramref name="attempts"/> tries (a long reader); the erasure itself stands either way.
    /// </summary>
    public static async Task<bool> FlushErasedAsync(HaechiDbContext db, IReadOnlyList<string> tables, int attempts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(tables);
        if (db.Database.IsNpgsql())
        {
            foreach (var table in tables)
            {
                // Table names are the store's own constants, never input.
#pragma warning disable EF1003
                await db.Database.ExecuteSqlRawAsync("VACUUM " + table, cancellationToken).ConfigureAwait(false);
#pragma warning restore EF1003
            }

            return true;
        }

        var connection = db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            for (var attempt = 0; attempt < attempts; attempt++)
            {
                var command = connection.CreateCommand();
                await using (command.ConfigureAwait(false))
                {
                    // One row (busy, log frames, frames checkpointed): busy = 0 means the log was copied and truncated.
                    command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
                    await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && reader.GetInt32(0) == 0)
                    {
                        return true;
                    }
                }

                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }

            return false;
        }
        finally
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Opens the SQLite store in <paramref name="dataDirectory"/>.</summary>
    public static Task<HaechiDbContext> OpenAsync(string dataDirectory, CancellationToken cancellationToken) =>
        OpenAsync(new DatabaseLocation(dataDirectory), cancellationToken);

    /// <summary>
    /// Opens the store (creating the SQLite file or the PostgreSQL database when needed) and applies
    /// pending migrations. SQLite runs with write-ahead logging and full fsync (<see cref="SqlitePragmas"/>),
    /// so a committed change survives a crash; PostgreSQL is durable on commit by default.
    /// </summary>
    public static Task<HaechiDbContext> OpenAsync(DatabaseLocation location, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(location);
        Directory.CreateDirectory(location.DataDirectory);
        return OpenAsync(new HaechiDbContext(Options(location)), location, cancellationToken);
    }

    /// <summary>
    /// Opens a context from a host's factory (<see cref="HaechiStoreServices.AddHaechiStore(Microsoft.Extensions.DependencyInjection.IServiceCollection, DatabaseLocation)"/>)
    /// as <see cref="OpenAsync(DatabaseLocation, CancellationToken)"/> does: the store created and migrated, a SQLite
    /// connection kept open for the context's life. The caller disposes the context.
    /// </summary>
    public static async Task<HaechiDbContext> OpenAsync(IDbContextFactory<HaechiDbContext> factory, DatabaseLocation location, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(location);
        Directory.CreateDirectory(location.DataDirectory);
        return await OpenAsync(await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false), location, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<HaechiDbContext> OpenAsync(HaechiDbContext db, DatabaseLocation location, CancellationToken cancellationToken)
    {
        try
        {
            if (!location.IsPostgres)
            {
                // Kept open for the context's life, so the pragmas hold for everything it runs.
                await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            }

            await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
            return db;
        }
        catch
        {
            await db.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the SQLite context without a host.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<HaechiDbContext>
{
    public HaechiDbContext CreateDbContext(string[] args) => new(HaechiDatabase.Options(new DatabaseLocation(Path.GetTempPath())));
}
