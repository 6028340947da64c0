using Haechi.Data;
using Haechi.Data.Sealing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Haechi.Pipeline.Matching;

/// <summary>Registers the one matcher of a process.</summary>
public static class MatchingServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <see cref="Matcher"/> (one per process, over the registered <see cref="DatabaseLocation"/>)
    /// and the <see cref="IndexRefresher"/> that keeps its indexes current. Hosts bind
    /// <see cref="MatchingOptions"/> to the <c>Matching</c> section.
    /// </summary>
    public static IServiceCollection AddMatching(this IServiceCollection services)
    {
        services.AddOptions<MatchingOptions>();
        services.TryAddSingleton(sp => new Matcher(sp.GetRequiredService<DatabaseLocation>(), sp.GetService<TimeProvider>(), sp.GetService<ILogger<Matcher>>(), sp.GetService<ContentSealer>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, IndexRefresher>());
        return services;
    }
}
