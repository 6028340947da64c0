using Microsoft.EntityFrameworkCore;

namespace Haechi.Data;

/// <summary>
/// Opens short-lived contexts on a store whose schema is already current (after
/// <see cref="HaechiDatabase.OpenAsync(DatabaseLocation, CancellationToken)"/>), for workers that
/// each need their own connection. SQLite connections get full fsync and foreign keys.
/// </summary>
public static class StoreContextFactory
{
    /// <summary>A delegate that opens a new context on <paramref name="location"/>.</summary>
    public static Func<CancellationToken, Task<HaechiDbContext>> For(DatabaseLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        var builder = new DbContextOptionsBuilder<HaechiDbContext>();
        HaechiDatabase.Configure(builder, location);
        var options = builder.Options;
        return async cancellationToken =>
        {
            var db = new HaechiDbContext(options);
            if (location.IsPostgres)
            {
                return db;
            }

            try
            {
                await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;", cancellationToken).ConfigureAwait(false);
                return db;
            }
            catch
            {
                await db.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        };
    }
}
