using System.Globalization;
using System.Security.Cryptography;
using System.Threading.Channels;
using Haechi.Core.Cases;
using Haechi.Core.Reports;
using Haechi.Core.Review;
using Haechi.Data;
using Haechi.Data.Cases;
using Haechi.Data.Watching;
using Haechi.Data.Writing;
using Haechi.Pipeline.Review;
using Haechi.Server.Features.Ingestion;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Haechi.Server.Features.Reports;

/// <summary>
/// Stores the rows that belong with a report (evidence, for example) in the report's transaction,
/// once the report has its id, and returns the review item the report becomes.
/// </summary>
internal delegate Task<ReviewItemInput> ReportAttachments(HaechiDbContext db, ReportRecord report, CancellationToken cancellationToken);

/// <summary>A report waiting for its commit.</summary>
internal sealed class PendingReport(ReportRecord record, ReportAttachments? attachments)
{
    public ReportRecord Record { get; } = record;

    public ReportAttachments Attachments { get; } = attachments ?? DefaultAttachments;

    public TaskCompletionSource<string> Stored { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static Task<ReviewItemInput> DefaultAttachments(HaechiDbContext db, ReportRecord report, CancellationToken cancellationToken) =>
        Task.FromResult(new ReviewItemInput(ReviewItemKind.Report, report.Id.ToString(CultureInfo.InvariantCulture), PossibleMinor: report.PossibleMinor));
}

/// <summary>
/// The single writer of public reports, committing them in groups: every report that arrives
/// while one commit is on disk goes into the next transaction, so a burst of reports costs one
/// fsync instead of one each. A report's receipt is returned only after the transaction holding
/// the report, its review item and the follow-up of its links (<see cref="ReportLinkRecord"/>, which
/// the web watcher visits) has committed: a crash loses neither. When a group fails, its reports are retried one
/// by one, so one bad report fails alone. On shutdown the reports already accepted are written
/// before the writer stops.
/// </summary>
internal sealed partial class ReportIntake(IServiceScopeFactory scopes, IOptions<IngestionServerOptions> ingestion, ILogger<ReportIntake> logger) : BackgroundService
{
    /// <summary>Most reports in one transaction.</summary>
    public const int MaxGroup = 256;

    /// <summary>Reports waiting beyond this make new submissions wait (back-pressure).</summary>
    public const int MaxWaiting = 4096;

    private readonly Channel<PendingReport> _waiting = Channel.CreateBounded<PendingReport>(
        new BoundedChannelOptions(MaxWaiting) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Queues a report for the next commit; completes with its receipt once it is durably stored.</summary>
    /// <exception cref="InvalidOperationException">The server is stopping.</exception>
    public async Task<string> StoreAsync(ReportRecord record, ReportAttachments? attachments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var pending = new PendingReport(record, attachments);
        try
        {
            await _waiting.Writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException ex)
        {
            throw new InvalidOperationException("The server is stopping and takes no more reports.", ex);
        }

        // Once queued the report is written even if the client goes away: it was accepted.
        return await pending.Stored.Task.ConfigureAwait(false);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _waiting.Writer.TryComplete();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var group = new List<PendingReport>(MaxGroup);
        // Not cancelled by stoppingToken: StopAsync completes the channel, and what was accepted is written.
        while (await _waiting.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            group.Clear();
            while (group.Count < MaxGroup && _waiting.Reader.TryRead(out var pending))
            {
                group.Add(pending);
            }

            try
            {
                await CommitAsync(group, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or TimeoutException or System.Data.Common.DbException)
            {
                LogGroupFailed(logger, group.Count, ex.GetType().Name);
                foreach (var pending in group)
                {
                    try
                    {
                        await CommitAsync([pending], CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (Exception single) when (single is DbUpdateException or InvalidOperationException or TimeoutException or System.Data.Common.DbException)
                    {
                        pending.Stored.TrySetException(single);
                    }
                }
            }
        }

        await CloseWriterAsync().ConfigureAwait(false);
    }

    private async Task CommitAsync(List<PendingReport> group, CancellationToken cancellationToken)
    {
        var (db, queue) = await WriterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await AssignReceiptsAsync(db, group, cancellationToken).ConfigureAwait(false);
                var records = new ReportRecord[group.Count];
                for (var i = 0; i < group.Count; i++)
                {
                    records[i] = group[i].Record;
                }

                await RowInserter.InsertAsync(db, records, cancellationToken).ConfigureAwait(false);
                var links = new List<ReportLinkRecord>();
                var items = new ReviewItemInput[group.Count];
                for (var i = 0; i < group.Count; i++)
                {
                    var urls = LinksToFollow(group[i].Record, links);
                    items[i] = await group[i].Attachments(db, group[i].Record, cancellationToken).ConfigureAwait(false);

                    // The report's own item is known by its first link, so a notice can name the reported page.
                    if (items[i].Url is null && urls.Count > 0)
                    {
                        items[i] = items[i] with { Url = urls[0] };
                    }
                }

                await RowInserter.InsertAsync(db, links, cancellationToken).ConfigureAwait(false);

                await queue.EnqueueManyAsync(items, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            db.ChangeTracker.Clear();
        }
        catch
        {
            // The context may hold half-saved entities: start the next group on a fresh one.
            await CloseWriterAsync().ConfigureAwait(false);
            throw;
        }


        foreach (var pending in group)
        {
            LogReceived(logger, pending.Record.Id, pending.Record.Priority, group.Count);
            pending.Stored.TrySetResult(pending.Record.Receipt);
        }
    }

    /// <summary>Adds the report's links (at most <see cref="ReportRules.MaxUrls"/>, valid http(s) only) to <paramref name="links"/>, due at once; returns them.</summary>
    private List<Uri> LinksToFollow(ReportRecord report, List<ReportLinkRecord> links)
    {
        var o = ingestion.Value;
        var urls = new List<Uri>();
        foreach (var text in ReportRules.SplitLinks(report.Urls))
        {
            if (urls.Count < ReportRules.MaxUrls && ReportRules.ValidateUrl(text) is null && Uri.TryCreate(text, UriKind.Absolute, out var url))
            {
                links.Add(new ReportLinkRecord
                {
                    ReportId = report.Id,
                    Position = urls.Count,
                    Url = text,
                    CreatedAt = report.CreatedAt,
                    NextVisitAt = report.CreatedAt.ToUnixTimeMilliseconds(),
                    FollowUntil = report.CreatedAt + o.ReportLinkFollowFor,
                });
                urls.Add(url);
            }
        }

        return urls;
    }

    private AsyncServiceScope? _writerScope;

    /// <summary>The writer's own context, kept with its connection open between groups (opening a SQLite file costs more than a small insert).</summary>
    private async Task<(HaechiDbContext Db, IReviewQueue Queue)> WriterAsync(CancellationToken cancellationToken)
    {
        if (_writerScope is not { } scope)
        {
            scope = scopes.CreateAsyncScope();
            _writerScope = scope;
            await scope.ServiceProvider.GetRequiredService<HaechiDbContext>().Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }

        return (scope.ServiceProvider.GetRequiredService<HaechiDbContext>(), scope.ServiceProvider.GetRequiredService<IReviewQueue>());
    }

    private async Task CloseWriterAsync()
    {
        if (_writerScope is { } scope)
        {
            _writerScope = null;
            await scope.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Random receipts, unique among themselves and against the store (one query per round).</summary>
    private static async Task AssignReceiptsAsync(HaechiDbContext db, List<PendingReport> group, CancellationToken cancellationToken)
    {
        var random = new byte[PublicNumber.RandomBytes];
        var used = new HashSet<string>(StringComparer.Ordinal);
        var unassigned = group;
        while (unassigned.Count > 0)
        {
            var fresh = new List<string>(unassigned.Count);
            foreach (var pending in unassigned)
            {
                do
                {
                    RandomNumberGenerator.Fill(random);
                    pending.Record.Receipt = ReceiptNumber.Create(random);
                }
                while (!used.Add(pending.Record.Receipt));
                fresh.Add(pending.Record.Receipt);
            }

            var taken = await db.Reports.Where(r => fresh.Contains(r.Receipt)).Select(r => r.Receipt).ToListAsync(cancellationToken).ConfigureAwait(false);
            unassigned = taken.Count == 0 ? [] : group.FindAll(p => taken.Contains(p.Record.Receipt));
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Report {ReportId} received (priority {Priority}, committed in a group of {GroupSize})")]
    private static partial void LogReceived(ILogger logger, long reportId, ReportPriority priority, int groupSize);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "A group of {GroupSize} reports failed to commit ({Error}); retrying them one by one")]
    private static partial void LogGroupFailed(ILogger logger, int groupSize, string error);
}
