using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Haechi.Data.Sealing;

/// <summary>Registers the one <see cref="ContentSealer"/> of a host.</summary>
public static class SealingServiceCollectionExtensions
{
    /// <summary>
    /// Adds the host's <see cref="ContentSealer"/> (one singleton): the key ring in
    /// <c>DATA/keys/sealing-keys</c> of the <see cref="DatabaseLocation"/>'s data directory, plus
    /// <c>Sealing:Key</c> and <c>Sealing:KeyId</c> from configuration when set (see
    /// <see cref="SealingKeyFile.Open"/>). Every feature that seals or opens content takes it from here.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddSealing(this IServiceCollection services)
    {
        services.TryAddSingleton(static sp =>
        {
            var configuration = sp.GetService<IConfiguration>();
            return SealingKeyFile.Open(sp.GetRequiredService<DatabaseLocation>().DataDirectory, key => configuration?[key]);
        });
        return services;
    }
}
