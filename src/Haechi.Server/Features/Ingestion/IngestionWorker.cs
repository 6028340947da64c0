using Haechi.Pipeline.Ingestion;
using Haechi.Server.Features.Hosting;
using Microsoft.Extensions.Options;

namespace Haechi.Server.Features.Ingestion;

/// <summary>Runs the pipeline's workers in this process when it has the pipeline role (<see cref="HostRoles.Pipeline"/>); restarts them after an unexpected error.</summary>
internal sealed partial class IngestionWorker(IIngestionPipeline pipeline, HostRoles roles, RoleActivity activity, IOptions<IngestionServerOptions> options, TimeProvider time, ILogger<IngestionWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!roles.Pipeline)
        {
            return;
        }

        LogStarted(logger, options.Value.Concurrency);
        activity.Started(BackgroundDuty.IngestionWorkers);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await pipeline.RunAsync(untilIdle: false, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFailed(logger, ex.GetType().Name);
                    activity.Failed(BackgroundDuty.IngestionWorkers, ex.GetType().Name);
                    await Task.Delay(TimeSpan.FromSeconds(5), time, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            activity.Stopped(BackgroundDuty.IngestionWorkers);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingestion workers started, concurrency {Concurrency}")]
    private static partial void LogStarted(ILogger logger, int concurrency);

    [LoggerMessage(Level = LogLevel.Error, Message = "Ingestion workers stopped on {ErrorType}; restarting")]
    private static partial void LogFailed(ILogger logger, string errorType);
}
