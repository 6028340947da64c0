using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Haechi.Pipeline.Matching;

/// <summary>Options of the matcher in a long-running host (section <c>Matching</c>).</summary>
public sealed class MatchingOptions
{
    /// <summary>How often the index hosts read the bank change log (default 1 s): the longest a change made by another process waits before it matches.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long bank changes stay in the change log (default 30 days). An index snapshot or a process
    /// whose checkpoint is older than that is rebuilt from the rows at its next load or refresh.
    /// </summary>
    public TimeSpan ChangeLogRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often the change log is pruned (default hourly; the first prune runs at start).</summary>
    public TimeSpan ChangeLogPruneInterval { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>
/// Keeps the <see cref="Matcher"/>'s indexes current in a long-running host: loads them at start,
/// then applies the bank change log every <see cref="MatchingOptions.RefreshInterval"/>, so a
/// <c>haechi bank add</c> or <c>bank remove</c> by another process matches (or stops matching)
/// without a restart. A failed refresh is logged and retried on the next tick; the matcher's
/// status says how stale the indexes are. Every <see cref="MatchingOptions.ChangeLogPruneInterval"/>
/// it prunes changes older than <see cref="MatchingOptions.ChangeLogRetention"/>.
/// </summary>
public sealed partial class IndexRefresher(Matcher matcher, IOptions<MatchingOptions> options, TimeProvider time, ILogger<IndexRefresher> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.RefreshInterval;
        var nextPrune = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await matcher.RefreshAsync(stoppingToken).ConfigureAwait(false);
                var now = time.GetUtcNow();
                if (now >= nextPrune)
                {
                    nextPrune = now + options.Value.ChangeLogPruneInterval;
                    var pruned = await matcher.PruneChangeLogAsync(now - options.Value.ChangeLogRetention, stoppingToken).ConfigureAwait(false);
                    if (pruned > 0)
                    {
                        LogPruned(logger, pruned);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The refresher must outlive a failed read (database busy, restarting); the next tick retries.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogRefreshFailed(logger, ex.GetType().Name);
            }

            try
            {
                await Task.Delay(interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = 2105, Level = LogLevel.Information, Message = "Pruned {Changes} old bank changes from the change log")]
    private static partial void LogPruned(ILogger logger, int changes);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "Index refresh failed ({Error}); retrying")]
    private static partial void LogRefreshFailed(ILogger logger, string error);
}
