using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Haechi.Data;

/// <summary>Opens Haechi's store in a data directory and keeps its schema current.</summary>
public static class HaechiDatabase
{
    /// <summary>File name of the SQLite store inside the data directory.</summary>
    public const string FileName = "haechi.db";

    /// <summary>Options for the SQLite file in <paramref name="dataDirectory"/>.</summary>
    public static DbContextOptions<HaechiDbContext> SqliteOptions(string dataDirectory) =>
        new DbContextOptionsBuilder<HaechiDbContext>().UseSqlite(SqliteConnectionString(dataDirectory)).Options;

    /// <summary>Connection string of the SQLite file in <paramref name="dataDirectory"/> (for hosts that register the context in DI).</summary>
    public static string SqliteConnectionString(string dataDirectory) => new SqliteConnectionStringBuilder
    {
        DataSource = Path.Combine(dataDirectory, FileName),
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = false,
        DefaultTimeout = 30,
    }.ToString();

    /// <summary>
    /// Opens (creating the directory and file when needed), applies pending migrations and sets
    /// SQLite to write-ahead logging with full fsync, so a committed change survives a crash.
    /// </summary>
    public static async Task<HaechiDbContext> OpenAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dataDirectory);
        var db = new HaechiDbContext(SqliteOptions(dataDirectory));
        try
        {
            await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;", cancellationToken).ConfigureAwait(false);
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

/// <summary>Lets <c>dotnet ef migrations add</c> build the context without a host.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<HaechiDbContext>
{
    public HaechiDbContext CreateDbContext(string[] args) => new(HaechiDatabase.SqliteOptions(Path.GetTempPath()));
}
