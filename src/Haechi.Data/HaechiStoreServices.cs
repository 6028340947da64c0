using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Haechi.Data;

/// <summary>Haechi's store in a host's services: the one registration the server and tools share.</summary>
public static class HaechiStoreServices
{
    /// <summary>
    /// Registers the store at <paramref name="location"/> (SQLite in its data directory, or PostgreSQL
    /// when it carries an Npgsql connection string): the <see cref="DatabaseLocation"/>, an
    /// <see cref="IDbContextFactory{TContext}"/> for workers that open their own contexts, and a scoped
    /// <see cref="HaechiDbContext"/> for requests. Every context is configured by
    /// <see cref="HaechiDatabase.Configure"/> (SQLite's pragmas included). The schema is migrated by
    /// <see cref="HaechiDatabase.OpenAsync(DatabaseLocation, CancellationToken)"/>, which the host runs at start-up.
    /// </summary>
    public static IServiceCollection AddHaechiStore(this IServiceCollection services, Func<IServiceProvider, DatabaseLocation> location)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(location);
        services.TryAddSingleton(location);
        services.AddDbContextFactory<HaechiDbContext>((sp, options) => HaechiDatabase.Configure(options, sp.GetRequiredService<DatabaseLocation>()));
        services.TryAddScoped(sp => sp.GetRequiredService<IDbContextFactory<HaechiDbContext>>().CreateDbContext());
        return services;
    }

    /// <summary>Registers the store at a location known before the host starts (a test's, a tool's).</summary>
    public static IServiceCollection AddHaechiStore(this IServiceCollection services, DatabaseLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        return services.AddHaechiStore(_ => location);
    }
}
