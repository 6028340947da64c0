using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Haechi.Server.Features.Matching;

/// <summary>The in-memory PDQ index every bank change updates at once.</summary>
internal static class MatchingFeature
{
    public static IServiceCollection AddMatching(this IServiceCollection services)
    {
        services.TryAddSingleton<PdqIndex>();
        services.TryAddSingleton<LocalIndex>();
        return services;
    }
}
