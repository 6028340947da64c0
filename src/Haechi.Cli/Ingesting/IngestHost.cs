using Haechi.Data;
using Haechi.Data.Sealing;
using Haechi.Pipeline.Fetching;
using Haechi.Pipeline.Ingestion;
using Haechi.Pipeline.Matching;
using Haechi.Pipeline.Review;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Haechi.Cli.Ingesting;

/// <summary>
/// The ingestion pipeline of one <c>haechi ingest</c> command on a store, wired like the server's:
/// a small service collection with the same <see cref="ReviewQueueFeature.AddReviewQueue"/>, so
/// matches go through the one review queue (content already decided is classified, not shown again).
/// </summary>
internal sealed class IngestHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly SafeFetcher _fetcher;

    private IngestHost(ServiceProvider services, SafeFetcher fetcher, IngestionPipeline pipeline, Matcher matcher)
    {
        _services = services;
        _fetcher = fetcher;
        Pipeline = pipeline;
        Matcher = matcher;
    }

    /// <summary>The pipeline on the store.</summary>
    public IngestionPipeline Pipeline { get; }

    /// <summary>The one matcher the pipeline matches through.</summary>
    public Matcher Matcher { get; }

    /// <summary>Opens the store (migrating it) and builds the pipeline on it, with the server's services: the store, the one matcher, the review queue; the sealing key as the server reads it (key file, or <c>Sealing__Key</c>).</summary>
    public static async Task<IngestHost> OpenAsync(DatabaseLocation location, IngestionOptions options, FetchOptions fetchOptions, CancellationToken cancellationToken, IngestVision? vision = null)
    {
        ArgumentNullException.ThrowIfNull(location);
        await (await HaechiDatabase.OpenAsync(location, cancellationToken).ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
        var sealer = SealingKeyFile.Open(location.DataDirectory, SealingKeyFile.FromEnvironment);
        var services = new ServiceCollection();
        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.AddHaechiStore(location);
        services.AddMatching();
        services.AddReviewQueue();
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        var fetcher = new SafeFetcher(fetchOptions);
        var matcher = provider.GetRequiredService<Matcher>();
        var pipeline = new IngestionPipeline(StoreContextFactory.For(location), sealer, fetcher, provider.GetRequiredService<IReviewSink>(), location.DataDirectory, matcher, options, vision: vision);
        return new IngestHost(provider, fetcher, pipeline, matcher);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _fetcher.Dispose();
        await _services.DisposeAsync().ConfigureAwait(false);
    }
}
