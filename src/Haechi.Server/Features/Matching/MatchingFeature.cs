using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Haechi.Server.Features.Matching;

/// <summary>The in-memory PDQ, view and local-feature indexes every bank change updates at once.</summary>
internal static class MatchingFeature
{
    public static IServiceCollection AddMatching(this IServiceCollection services)
    {
        services.TryAddSingleton<PdqIndex>();
        services.TryAddSingleton<LocalIndex>();
        services.TryAddSingleton<ViewIndex>();
        return services;
    }
}
