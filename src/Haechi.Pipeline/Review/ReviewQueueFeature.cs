using Haechi.Pipeline.Ingestion;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Haechi.Pipeline.Review;

/// <summary>The review queue in DI, the same in the server and the CLI.</summary>
public static class ReviewQueueFeature
{
    /// <summary>
    /// Registers <see cref="IReviewQueue"/> (scoped), <see cref="DecidedContentIndex"/> (one per
    /// process) and the ingestion pipeline's <see cref="IReviewSink"/>, which goes through the queue.
    /// The host registers <c>HaechiDbContext</c> (scoped), a <see cref="TimeProvider"/> and logging.
    /// </summary>
    public static IServiceCollection AddReviewQueue(this IServiceCollection services)
    {
        services.TryAddSingleton<DecidedContentIndex>();
        services.TryAddScoped<IReviewQueue, ReviewQueue>();
        services.TryAddSingleton<IReviewSink, ReviewSink>();
        return services;
    }
}
