using Microsoft.EntityFrameworkCore;

namespace Haechi.Data;

/// <summary>
/// Opens short-lived contexts on a store whose schema is already current (after
/// <see cref="HaechiDatabase.OpenAsync(DatabaseLocation, CancellationToken)"/>), for workers that
/// each need their own connection. The options are <see cref="HaechiDatabase.Configure"/>'s, so SQLite
/// connections get <see cref="SqlitePragmas"/> (WAL, full fsync, foreign keys).
/// </summary>
public static class StoreContextFactory
{
    /// <summary>A delegate that opens a new context on <paramref name="location"/>.</summary>
    public static Func<CancellationToken, Task<HaechiDbContext>> For(DatabaseLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        var options = HaechiDatabase.Options(location);
        return async cancellationToken =>
        {
            var db = new HaechiDbContext(options);
            if (location.IsPostgres)
            {
                return db;
            }

            try
            {
                // Kept open for the context's life, so the pragmas hold for everything it runs.
                await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
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
