using System.Data.Common;
using Haechi.Data;
using Haechi.Data.Banks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Haechi.Server.Data;

/// <summary>
/// Haechi's store in DI, migrated before the server listens: SQLite in the data directory, or
/// PostgreSQL when <c>ConnectionStrings:Haechi</c> is set.
/// </summary>
internal static class StoreFeature
{
    public static IServiceCollection AddHaechiStore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => DataDirectory.From(sp.GetRequiredService<IConfiguration>()));
        services.TryAddSingleton(sp => new DatabaseLocation(
            sp.GetRequiredService<DataDirectory>().Path,
            sp.GetRequiredService<IConfiguration>().GetConnectionString("Haechi")));
        services.AddDbContext<HaechiDbContext>((sp, options) =>
        {
            var location = sp.GetRequiredService<DatabaseLocation>();
            HaechiDatabase.Configure(options, location);
            if (!location.IsPostgres)
            {
                options.AddInterceptors(SqlitePragmas.Instance);
            }
        });
        services.TryAddScoped<BankStore>();
        services.TryAddScoped<Haechi.Data.Audit.AuditLog>();
        services.AddHostedService<StoreStartup>();
        return services;
    }
}

/// <summary>
/// Sets full fsync and foreign keys on every connection (journal_mode=WAL is stored in the file by
/// <see cref="HaechiDatabase.OpenAsync(DatabaseLocation, CancellationToken)"/>), so a change is on disk when SaveChanges returns.
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    public static SqlitePragmas Instance { get; } = new();

    private const string Pragmas = "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.CommandText = Pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
