using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Haechi.Media.Vision;

/// <summary>Registers the one <see cref="VisionModels"/> of a host.</summary>
public static class VisionModelsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the host's <see cref="VisionModels"/> (every part, each loaded on first use from the
    /// data directory's model cache, disposed with the container). Every feature that needs a vision
    /// model takes it from here, so a process loads each model once.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="dataDirectory">The host's data directory (the host knows where it is configured).</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddVisionModels(this IServiceCollection services, Func<IServiceProvider, string> dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        services.TryAddSingleton(sp => new VisionModels(dataDirectory(sp)));
        return services;
    }
}
