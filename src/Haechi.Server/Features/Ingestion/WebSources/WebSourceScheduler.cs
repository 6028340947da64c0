using Haechi.Data;
using Haechi.Server.Features.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Haechi.Server.Features.Ingestion.WebSources;

/// <summary>
/// The web watcher's scheduler (the watchers role, <see cref="HostRoles.WebSources"/>): every
/// <c>WebWatcherPoll</c> it visits the enabled sources whose next visit is due, then the links of
/// public reports that are due (<see cref="VisitReportLink"/>), one after another,
/// by the server's <see cref="TimeProvider"/> (tests move that clock). A visit that throws is
/// logged and the loop goes on; the source comes back at its next interval.
/// </summary>
internal sealed partial class WebSourceScheduler(
    IServiceScopeFactory scopes,
    VisitWatchedSource visit,
    VisitReportLink visitLink,
    HostRoles roles,
    RoleActivity activity,
    IOptions<IngestionServerOptions> options,
    TimeProvider time,
    ILogger<WebSourceScheduler> logger) : BackgroundService
{
    /// <summary>Sources visited per pass at most (the rest wait for the next pass).</summary>
    public const int SourcesPerPass = 20;

    /// <summary>Visits every due source and every due reported link once; returns how many were visited.</summary>
    public async Task<int> VisitDueAsync(CancellationToken cancellationToken)
    {
        List<long> due, dueLinks;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
            due = await db.WatchedSources.AsNoTracking()
                .Where(s => s.Enabled && s.NextVisitAt <= now)
                .OrderBy(s => s.NextVisitAt).ThenBy(s => s.Id)
                .Select(s => s.Id).Take(SourcesPerPass)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            dueLinks = await db.ReportLinks.AsNoTracking()
                .Where(l => l.NextVisitAt != null && l.NextVisitAt <= now)
                .OrderBy(l => l.NextVisitAt).ThenBy(l => l.Id)
                .Select(l => l.Id).Take(SourcesPerPass)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
        }

        var visited = 0;
        foreach (var id in due)
        {
            try
            {
                if (await visit.ExecuteAsync(id, cancellationToken).ConfigureAwait(false) is not null)
                {
                    visited++;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogVisitFailed(logger, id, ex.GetType().Name);
                await PostponeAsync(id, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var id in dueLinks)
        {
            try
            {
                if (await visitLink.ExecuteAsync(id, cancellationToken).ConfigureAwait(false) is not null)
                {
                    visited++;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogLinkVisitFailed(logger, id, ex.GetType().Name);
                await PostponeLinkAsync(id, cancellationToken).ConfigureAwait(false);
            }
        }

        return visited;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!roles.WebSources)
        {
            return;
        }

        LogStarted(logger);
        activity.Started(BackgroundDuty.WebWatcher);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await VisitDueAsync(stoppingToken).ConfigureAwait(false);
                    activity.Passed(BackgroundDuty.WebWatcher);
                    await Task.Delay(options.Value.WebWatcherPoll, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogPassFailed(logger, ex.GetType().Name);
                    activity.Failed(BackgroundDuty.WebWatcher, ex.GetType().Name);
                    await Task.Delay(TimeSpan.FromSeconds(5), time, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            activity.Stopped(BackgroundDuty.WebWatcher);
        }
    }

    private async Task PostponeAsync(long id, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
        var source = await db.WatchedSources.FirstOrDefaultAsync(s => s.Id == id, cancellationToken).ConfigureAwait(false);
        if (source is not null)
        {
            var now = time.GetUtcNow();
            source.LastVisitAt = now;
            source.LastError = "internal-error";
            source.NextVisitAt = (now + TimeSpan.FromSeconds(source.RevisitSeconds)).ToUnixTimeMilliseconds();
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task PostponeLinkAsync(long id, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
        var link = await db.ReportLinks.FirstOrDefaultAsync(l => l.Id == id, cancellationToken).ConfigureAwait(false);
        if (link is not null)
        {
            var now = time.GetUtcNow();
            VisitReportLink.Record(link, new ReportLinkVisit(id, 0, 0, 0, "internal-error"), now, now, options.Value.ReportLinkRevisit);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Visit of report link {LinkId} failed on {ErrorType}")]
    private static partial void LogLinkVisitFailed(ILogger logger, long linkId, string errorType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Web watcher scheduler started")]
    private static partial void LogStarted(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Visit of watched source {SourceId} failed on {ErrorType}")]
    private static partial void LogVisitFailed(ILogger logger, long sourceId, string errorType);

    [LoggerMessage(Level = LogLevel.Error, Message = "Web watcher pass failed on {ErrorType}; retrying")]
    private static partial void LogPassFailed(ILogger logger, string errorType);
}
