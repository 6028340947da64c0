using Haechi.Data;
using Haechi.Data.Sealing;
using Haechi.Pipeline.Fetching;
using Haechi.Pipeline.Matching;
using Haechi.Pipeline.Review;
using Microsoft.Extensions.DependencyInjection;

namespace Haechi.Pipeline.Ingestion;

/// <summary>The ingestion pipeline over a host's services, built the same way in the server and the CLI.</summary>
public static class IngestionServices
{
    /// <summary>
    /// A pipeline on the host's store (<see cref="DatabaseLocation"/>) with its sealer
    /// (<see cref="SealingServiceCollectionExtensions.AddSealing"/>), the review queue's sink
    /// (<see cref="ReviewQueueFeature.AddReviewQueue"/>), the one <see cref="Matcher"/> and the
    /// host's <see cref="TimeProvider"/>; the host brings what differs: the fetcher (its address
    /// policy and time limits), the options and the vision models.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="fetcher">The fetcher; the caller owns it.</param>
    /// <param name="options">Workers, batches, leases, retries, thresholds.</param>
    /// <param name="vision">Faces and nudity, or null for none.</param>
    /// <returns>The pipeline.</returns>
    public static IngestionPipeline CreateIngestionPipeline(this IServiceProvider services, SafeFetcher fetcher, IngestionOptions options, IngestVision? vision = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var location = services.GetRequiredService<DatabaseLocation>();
        return new IngestionPipeline(
            StoreContextFactory.For(location),
            services.GetRequiredService<ContentSealer>(),
            fetcher,
            services.GetRequiredService<IReviewSink>(),
            location.DataDirectory,
            services.GetRequiredService<Matcher>(),
            options,
            services.GetService<TimeProvider>(),
            vision: vision);
    }
}
