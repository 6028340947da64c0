using System.Security.Cryptography;
using Haechi.Core.Cases;
using Haechi.Data;
using Haechi.Data.Cases;
using Haechi.Pipeline.Matching;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Haechi.Server.Features.Cases;

/// <summary>Creates a case from fingerprints computed on the victim's device; durable before it returns.</summary>
internal sealed partial class RegisterCase(
    HaechiDbContext db,
    CaseSignalWriter writer,
    CasePinHasher pins,
    Haechi.Data.Audit.AuditLog audit,
    Matcher matcher,
    TimeProvider time,
    IOptions<CasesOptions> options,
    ILogger<RegisterCase> logger)
{
    public static readonly string[] Languages = ["ko", "en"];

    public async Task<(CaseCreated? Created, Dictionary<string, string[]> Errors)> ExecuteAsync(CreateCaseRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var language = request.Language?.ToLowerInvariant() ?? "ko";
        if (!Languages.Contains(language))
        {
            errors["language"] = ["The language must be 'ko' or 'en'."];
        }

        var signals = CaseSignals.Parse(request.Signals, options.Value.MaxSignalsPerRequest, request.LocalConsent == true, errors, request.FaceConsent == true);
        if (signals is null || errors.Count > 0 || !writer.CanStore(signals, errors))
        {
            return (null, errors);
        }

        var pin = CasePinHasher.NewPin();
        var (hash, salt, iterations, pepperId) = pins.Hash(pin);
        var now = time.GetUtcNow();
        var number = await NewCaseNumberAsync(cancellationToken).ConfigureAwait(false);
        var record = new CaseRecord
        {
            CaseNumber = number,
            PinHash = hash,
            PinSalt = salt,
            PinIterations = iterations,
            PinPepperId = pepperId,
            Status = CaseStatus.Registered,
            Language = language,
            CreatedAt = now,
        };

        var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            db.Cases.Add(record);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            var written = await writer.WriteAsync(record, signals, cancellationToken).ConfigureAwait(false);
            var stored = written.Stored;
            record.Events.Add(new CaseEventRecord { Kind = CaseEventKind.Registered, At = now, SignalCount = stored - written.Faces });
            if (written.Faces > 0)
            {
                record.Events.Add(new CaseEventRecord { Kind = CaseEventKind.FaceAdded, At = now, SignalCount = written.Faces });
            }

            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await audit.AppendAsync("victim", "case.registered", number, $"signals={stored}", cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            // Committed: the matcher applies the change log now, so the new entries match at once.
            await matcher.RefreshAsync(CancellationToken.None).ConfigureAwait(false);
            var views = CountViews(written);
            LogRegistered(logger, record.Id, stored, written.LocalIndexed.Count, views);
        }

        return (new CaseCreated(number, pin), errors);
    }

    private async Task<string> NewCaseNumberAsync(CancellationToken cancellationToken)
    {
        var random = new byte[PublicNumber.RandomBytes];
        while (true)
        {
            RandomNumberGenerator.Fill(random);
            var number = CaseNumber.Create(random);
            if (!await db.Cases.AnyAsync(c => c.CaseNumber == number, cancellationToken).ConfigureAwait(false))
            {
                return number;
            }
        }
    }

    internal static int CountViews(CaseSignalsWritten written)
    {
        var views = 0;
        foreach (var (_, entryViews) in written.ViewIndexed)
        {
            views += entryViews.Length - 1;
        }

        return views;
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Case {CaseId} registered with {SignalCount} signals ({LocalCount} with local features, {ViewCount} extra views)")]
    private static partial void LogRegistered(ILogger logger, long caseId, int signalCount, int localCount, int viewCount);
}
