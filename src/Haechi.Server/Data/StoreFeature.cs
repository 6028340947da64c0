using Haechi.Data;
using Haechi.Data.Banks;
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
        services.AddHaechiStore(sp => new DatabaseLocation(
            sp.GetRequiredService<DataDirectory>().Path,
            sp.GetRequiredService<IConfiguration>().GetConnectionString("Haechi")));
        services.TryAddScoped<BankStore>();
        services.TryAddScoped<Haechi.Data.Audit.AuditLog>();
        services.AddHostedService<StoreStartup>();
        return services;
    }
}

