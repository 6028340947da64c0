using Haechi.Core.Cases;
using Haechi.Data;
using Haechi.Data.Cases;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Server.Features.Cases;

/// <summary>
/// Opens a case with its number and PIN. Unknown number, wrong PIN, malformed input and a locked
/// case all give null after the same work, so callers answer 404 and never reveal whether a case
/// exists. Consecutive wrong PINs lock the case with a doubling back-off (<see cref="CasePin.LockoutAfter"/>).
/// </summary>
internal sealed partial class CaseAccess(HaechiDbContext db, CasePinHasher pins, TimeProvider time, ILogger<CaseAccess> logger)
{
    public async Task<CaseRecord?> OpenAsync(string? caseNumber, string? pin, CancellationToken cancellationToken)
    {
        var number = CaseNumber.Normalize(caseNumber);
        if (number is null || !CasePin.IsWellFormed(pin))
        {
            return null;
        }

        var record = await db.Cases.SingleOrDefaultAsync(c => c.CaseNumber == number, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            pins.Waste(pin!);
            return null;
        }

        var now = time.GetUtcNow();
        var right = pins.Verify(pin!, record);
        if (record.LockedUntil is { } until && until > now)
        {
            LogLockedAttempt(logger, record.Id);
            return null;
        }

        if (right)
        {
            var rehash = pins.NeedsRehash(record);
            if (rehash)
            {
                // After a pepper rotation (or from before peppers): the PIN she just entered is rehashed with the current pepper.
                (record.PinHash, record.PinSalt, record.PinIterations, record.PinPepperId) = pins.Hash(pin!);
            }

            if (rehash || record.FailedPinAttempts > 0 || record.LockedUntil is not null)
            {
                record.FailedPinAttempts = 0;
                record.LockedUntil = null;
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }

            return record;
        }

        // Increment in SQL so concurrent wrong guesses are all counted.
        await db.Cases.Where(c => c.Id == record.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.FailedPinAttempts, c => c.FailedPinAttempts + 1), cancellationToken).ConfigureAwait(false);
        var failures = await db.Cases.Where(c => c.Id == record.Id).Select(c => c.FailedPinAttempts).SingleAsync(cancellationToken).ConfigureAwait(false);
        var lockout = CasePin.LockoutAfter(failures);
        if (lockout > TimeSpan.Zero)
        {
            var lockedUntil = now + lockout;
            await db.Cases.Where(c => c.Id == record.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.LockedUntil, lockedUntil), cancellationToken).ConfigureAwait(false);
            LogLocked(logger, record.Id, failures, (int)lockout.TotalMinutes);
        }
        else
        {
            LogWrongPin(logger, record.Id, failures);
        }

        return null;
    }

    /// <summary>
    /// After <see cref="OpenAsync"/> failed: when the case with this number may be tried again, if it is
    /// locked now; null otherwise (unknown number, malformed number, not locked). Says that a case with this
    /// number exists only once five wrong PINs have locked it, which the lockout implies anyway: the page
    /// says when to come back rather than "no such case" to the owner who mistyped her PIN (ADR 0014).
    /// </summary>
    public async Task<DateTimeOffset?> LockedUntilAsync(string? caseNumber, CancellationToken cancellationToken)
    {
        var number = CaseNumber.Normalize(caseNumber);
        if (number is null)
        {
            return null;
        }

        var until = await db.Cases.AsNoTracking().Where(c => c.CaseNumber == number).Select(c => c.LockedUntil).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return until is { } at && at > time.GetUtcNow() ? at : null;
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Wrong PIN for case {CaseId} ({Failures} in a row)")]
    private static partial void LogWrongPin(ILogger logger, long caseId, int failures);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Case {CaseId} locked for {Minutes} min after {Failures} wrong PINs")]
    private static partial void LogLocked(ILogger logger, long caseId, int failures, int minutes);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Information, Message = "PIN attempt on locked case {CaseId}")]
    private static partial void LogLockedAttempt(ILogger logger, long caseId);
}
