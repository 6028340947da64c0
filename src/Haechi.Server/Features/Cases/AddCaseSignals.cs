using System.Globalization;
using Haechi.Core.Cases;
using Haechi.Data;
using Haechi.Data.Cases;
using Haechi.Pipeline.Matching;
using Microsoft.Extensions.Options;

namespace Haechi.Server.Features.Cases;

/// <summary>What <see cref="AddCaseSignals"/> did.</summary>
internal enum AddSignalsOutcome
{
    Added,
    NotFound,
    Invalid,
    Withdrawn,
}

/// <summary>Adds more fingerprints to an open case.</summary>
internal sealed partial class AddCaseSignals(
    HaechiDbContext db,
    CaseAccess access,
    CaseSignalWriter writer,
    Matcher matcher,
    TimeProvider time,
    IOptions<CasesOptions> options,
    ILogger<AddCaseSignals> logger)
{
    public async Task<(AddSignalsOutcome Outcome, int Added, int SignalCount, Dictionary<string, string[]> Errors)> ExecuteAsync(
        string? caseNumber, string? pin, AddSignalsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var record = await access.OpenAsync(caseNumber, pin, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return (AddSignalsOutcome.NotFound, 0, 0, errors);
        }

        if (!CaseStateRules.AcceptsSignals(record.Status))
        {
            return (AddSignalsOutcome.Withdrawn, 0, 0, errors);
        }

        var signals = CaseSignals.Parse(request.Signals, options.Value.MaxSignalsPerRequest, request.LocalConsent == true, errors, request.FaceConsent == true);
        if (signals is null || !writer.CanStore(signals, errors))
        {
            return (AddSignalsOutcome.Invalid, 0, 0, errors);
        }

        var current = await writer.CountAsync(record, cancellationToken).ConfigureAwait(false);
        var max = options.Value.MaxSignalsPerCase;
        if (current + signals.Count > max)
        {
            errors["signals"] = [string.Create(CultureInfo.InvariantCulture, $"A case holds at most {max} signals; this one has {current}.")];
            return (AddSignalsOutcome.Invalid, 0, current, errors);
        }

        var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            var written = await writer.WriteAsync(record, signals, cancellationToken).ConfigureAwait(false);
            var stored = written.Stored;
            // Her face gets a line of its own in the history ("face registered"), the fingerprints theirs.
            var now = time.GetUtcNow();
            if (stored - written.Faces > 0 || written.Faces == 0)
            {
                record.Events.Add(new CaseEventRecord { Kind = CaseEventKind.SignalsAdded, At = now, SignalCount = stored - written.Faces });
            }

            if (written.Faces > 0)
            {
                record.Events.Add(new CaseEventRecord { Kind = CaseEventKind.FaceAdded, At = now, SignalCount = written.Faces });
            }

            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            // Committed: the matcher applies the change log now, so the new entries match at once.
            await matcher.RefreshAsync(CancellationToken.None).ConfigureAwait(false);
            var views = RegisterCase.CountViews(written);
            LogAdded(logger, record.Id, stored, views);
            return (AddSignalsOutcome.Added, stored, current + stored, errors);
        }
    }

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Case {CaseId}: {SignalCount} signals added ({ViewCount} extra views)")]
    private static partial void LogAdded(ILogger logger, long caseId, int signalCount, int viewCount);
}
