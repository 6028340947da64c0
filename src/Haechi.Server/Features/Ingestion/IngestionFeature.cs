using Haechi.Data.Ingestion;
using Haechi.Data.Sealing;
using Haechi.Media.Vision;
using Haechi.Pipeline.Fetching;
using Haechi.Pipeline.Ingestion;
using Haechi.Pipeline.Review;
using Haechi.Server.Data;
using Haechi.Server.Features.Accounts;
using Haechi.Server.Features.Ingestion.WebSources;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Haechi.Server.Features.Ingestion;

/// <summary>The fetcher of the ingestion pipeline and the web watcher, with the <c>Ingestion</c> settings.</summary>
internal sealed class IngestionFetcher(SafeFetcher fetcher) : IDisposable
{
    public SafeFetcher Fetcher { get; } = fetcher;

    public void Dispose() => Fetcher.Dispose();
}

/// <summary>An admin's request to queue one URL.</summary>
internal sealed record IngestUrlRequest(string Url);

/// <summary>The queue's health for the admin API.</summary>
internal sealed record IngestStatusView(IReadOnlyDictionary<string, int> States, IReadOnlyDictionary<string, int> Failures, int Duplicates, int SentToReview, int Pending, int MaxPending, string Health);

/// <summary>How many failed items a bulk retry put back.</summary>
internal sealed record RetriedView(int Retried);

/// <summary>What an enqueue did.</summary>
internal sealed record IngestEnqueuedView(string Status, long? ItemId, int Pending);

/// <summary>
/// The ingestion pipeline in the server: the same <see cref="IIngestionPipeline"/> as
/// <c>haechi ingest</c> on the same store, a background worker in a process with the pipeline role
/// (<c>Roles:Pipeline</c>, else <c>Ingestion:Worker</c>), matches into the review queue, and an
/// admin API for health (queue length per state, failures by error code), retry and queuing URLs.
/// </summary>
internal static class IngestionFeature
{
    public static IServiceCollection AddIngestion(this IServiceCollection services)
    {
        services.AddOptions<IngestionServerOptions>().BindConfiguration(IngestionServerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSealing();
        services.AddReviewQueue();
        // Its own fetcher: the ingestion settings (private addresses, time limits) are not the re-check's.
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<IngestionServerOptions>>().Value;
            return new IngestionFetcher(new SafeFetcher(FetchOptions.Default with { AllowPrivateAddresses = o.AllowPrivateAddresses, TotalTimeout = o.FetchTimeout, ReadStallTimeout = o.FetchStallTimeout }));
        });
        // Faces and nudity when the vision models are installed in the data directory (loaded once, shared).
        services.AddVisionModels(sp => sp.GetRequiredService<DataDirectory>().Path);
        services.TryAddSingleton(sp => new IngestVision(sp.GetRequiredService<VisionModels>()));
        services.TryAddSingleton<IIngestionPipeline>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<IngestionServerOptions>>().Value;
            return sp.CreateIngestionPipeline(
                sp.GetRequiredService<IngestionFetcher>().Fetcher,
                IngestionOptions.Default with
                {
                    Concurrency = o.Concurrency,
                    BatchSize = o.BatchSize,
                    MaxPending = o.MaxPending,
                    MaxAttempts = o.MaxAttempts,
                    Lease = TimeSpan.FromSeconds(o.LeaseSeconds),
                    RetryDelay = TimeSpan.FromSeconds(o.RetryDelaySeconds),
                    PollInterval = TimeSpan.FromMilliseconds(500),
                    QueueNudityAbove = o.QueueNudityAbove,
                    VideoVisionFrames = o.VideoVisionFrames,
                },
                sp.GetRequiredService<IngestVision>());
        });
        services.AddHostedService<IngestionWorker>();
        services.TryAddScoped<IngestQueries>();
        services.TryAddScoped<ImportSeizedFiles>();
        services.TryAddScoped<ManageWatchedSources>();
        services.TryAddSingleton<MediaCrawl>();
        services.TryAddSingleton<VisitWatchedSource>();
        services.TryAddSingleton<VisitReportLink>();
        services.TryAddSingleton<WebSourceScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<WebSourceScheduler>());
        return services;
    }

    public static IEndpointRouteBuilder MapIngestionEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // Analysts and admins (the same people who decide review items) run the connectors.
        var ingest = endpoints.MapGroup("/api/admin/ingest").WithTags("Ingestion").RequireAuthorization(Policies.Decide);
        ingest.MapGet("/status", StatusAsync).WithSummary("Items per state, failures per error code, duplicates, items sent to review, back-pressure.");
        ingest.MapGet("/items", ListAsync).WithSummary("Items, newest first; ?state=failed for the failures with their error codes, ?source=web|import|admin..., ?take=N (at most 1000).");
        ingest.MapPost("/items", EnqueueAsync).WithSummary("Queue one http(s) URL; 202 when accepted, 503 when the queue is full.");
        ingest.MapPost("/items/{id:long}/retry", RetryAsync).WithSummary("Put a failed item back at the step that failed; 404 when it is not failed.");
        ingest.MapPost("/failures/{code}/retry", RetryAllAsync).WithSummary("Retry every failed item with this error code; returns how many went back.");
        ingest.MapGet("/imports", ImportsAsync).WithSummary("Recent imports of seized files with their item counts.");
        ingest.MapGet("/imports/{batch}", ManifestAsync).WithSummary("An import's manifest: each file's name hash, size, SHA-256, state and error; 404 when unknown.");
        WebSourcesEndpoints.Map(endpoints);
        endpoints.MapPost(UploadSeizedFiles.Path, UploadSeizedFiles.HandleAsync).RequireAuthorization(Policies.Decide).DisableAntiforgery().ExcludeFromDescription();
        return endpoints;
    }

    private static async Task<Ok<IngestStatusView>> StatusAsync(IIngestionPipeline pipeline, CancellationToken cancellationToken)
    {
        var status = await pipeline.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        var states = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (state, count) in status.ByState)
        {
            states[state.ToString().ToLowerInvariant()] = count;
        }

        return TypedResults.Ok(new IngestStatusView(states, status.FailuresByError, status.Duplicates, status.SentToReview, status.Pending, status.MaxPending, status.Health));
    }

    private static async Task<Results<Accepted<IngestEnqueuedView>, ValidationProblem, JsonHttpResult<IngestEnqueuedView>>> EnqueueAsync(IngestUrlRequest request, IIngestionPipeline pipeline, CancellationToken cancellationToken)
    {
        if (request is null || !Uri.TryCreate(request.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["url"] = ["An absolute http or https URL."] });
        }

        var sourceId = "url:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(url.AbsoluteUri)));
        var outcome = await pipeline.EnqueueAsync(new IngestRequest("admin", sourceId, Url: url), cancellationToken).ConfigureAwait(false);
        var view = new IngestEnqueuedView(outcome.Status switch { EnqueueStatus.Accepted => "accepted", EnqueueStatus.AlreadyQueued => "already-queued", _ => "queue-full" }, outcome.ItemId, outcome.Pending);
        return outcome.Status == EnqueueStatus.QueueFull
            ? TypedResults.Json(view, statusCode: StatusCodes.Status503ServiceUnavailable)
            : TypedResults.Accepted((string?)null, view);
    }

    private static async Task<Results<Ok<List<IngestItemView>>, ValidationProblem>> ListAsync(string? state, string? source, int? take, IngestQueries queries, CancellationToken cancellationToken)
    {
        IngestState? filter = null;
        if (!string.IsNullOrEmpty(state))
        {
            if (!Enum.TryParse<IngestState>(state, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["state"] = ["One of queued, fetched, fingerprinted, matched, done, failed."] });
            }

            filter = parsed;
        }

        return TypedResults.Ok(await queries.ListAsync(filter, source, take ?? 100, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<Ok<RetriedView>> RetryAllAsync(string code, IngestQueries queries, CancellationToken cancellationToken) =>
        TypedResults.Ok(new RetriedView(await queries.RetryAllAsync(code, cancellationToken).ConfigureAwait(false)));

    private static async Task<Ok<List<ImportBatchView>>> ImportsAsync(int? take, IngestQueries queries, CancellationToken cancellationToken) =>
        TypedResults.Ok(await queries.ImportsAsync(Math.Clamp(take ?? 20, 1, 200), cancellationToken).ConfigureAwait(false));

    private static async Task<Results<Ok<List<IngestItemView>>, NotFound>> ManifestAsync(string batch, IngestQueries queries, CancellationToken cancellationToken)
    {
        var items = await queries.ManifestAsync(batch, cancellationToken).ConfigureAwait(false);
        return items.Count == 0 ? TypedResults.NotFound() : TypedResults.Ok(items);
    }

    private static async Task<Results<NoContent, NotFound>> RetryAsync(long id, IIngestionPipeline pipeline, CancellationToken cancellationToken) =>
        await pipeline.RetryAsync(id, cancellationToken).ConfigureAwait(false) ? TypedResults.NoContent() : TypedResults.NotFound();
}
