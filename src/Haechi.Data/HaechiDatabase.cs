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
