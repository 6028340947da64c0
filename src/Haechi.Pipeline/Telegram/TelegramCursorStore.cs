using Haechi.Data;
using Haechi.Data.Telegram;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Pipeline.Telegram;

/// <summary>Which count an update adds to when the cursor passes it.</summary>
public enum TelegramCounter
{
    /// <summary>None (an update seen before, a help answer).</summary>
    None,

    /// <summary>A report.</summary>
    Reports,

    /// <summary>An ingestion item.</summary>
    Ingested,

    /// <summary>Media refused.</summary>
    Refused,

    /// <summary>An ignored update.</summary>
    Ignored,
}

/// <summary>
/// The bot's cursor row: the next offset moves forward only, and an update's count is added in the
/// same statement that moves the cursor past it, so a count is never added twice. Advancing inside
/// the transaction that stores a report makes "report stored" and "update handled" one commit.
/// </summary>
public static class TelegramCursorStore
{
    /// <summary>The bot's row, created (offset 0) when missing.</summary>
    public static async Task<TelegramCursorRecord> LoadAsync(HaechiDbContext db, long botId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var row = await db.TelegramCursors.AsNoTracking().FirstOrDefaultAsync(c => c.BotId == botId, cancellationToken).ConfigureAwait(false);
        if (row is not null)
        {
            return row;
        }

        row = new TelegramCursorRecord { BotId = botId };
        db.TelegramCursors.Add(row);
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException)
        {
            // Another instance created it first.
            db.ChangeTracker.Clear();
            return await db.TelegramCursors.AsNoTracking().FirstAsync(c => c.BotId == botId, cancellationToken).ConfigureAwait(false);
        }

        db.Entry(row).State = EntityState.Detached;
        return row;
    }

    /// <summary>Moves the cursor to <paramref name="nextOffset"/> and adds one to <paramref name="counter"/>, unless it is already there. True when it moved.</summary>
    public static async Task<bool> AdvanceAsync(HaechiDbContext db, long botId, long nextOffset, TelegramCounter counter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var rows = await db.TelegramCursors.Where(c => c.BotId == botId && c.NextOffset < nextOffset).ExecuteUpdateAsync(
            s =>
            {
                s.SetProperty(c => c.NextOffset, nextOffset);
                switch (counter)
                {
                    case TelegramCounter.Reports:
                        s.SetProperty(c => c.Reports, c => c.Reports + 1);
                        break;
                    case TelegramCounter.Ingested:
                        s.SetProperty(c => c.Ingested, c => c.Ingested + 1);
                        break;
                    case TelegramCounter.Refused:
                        s.SetProperty(c => c.Refused, c => c.Refused + 1);
                        break;
                    case TelegramCounter.Ignored:
                        s.SetProperty(c => c.Ignored, c => c.Ignored + 1);
                        break;
                    default:
                        break;
                }
            },
            cancellationToken).ConfigureAwait(false);
        return rows > 0;
    }

    /// <summary>Notes a successful <c>getUpdates</c>.</summary>
    public static Task RecordPollAsync(HaechiDbContext db, long botId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.TelegramCursors.Where(c => c.BotId == botId).ExecuteUpdateAsync(s => s.SetProperty(c => c.LastPollAt, at), cancellationToken);
    }

    /// <summary>Notes an error by its short code.</summary>
    public static Task RecordErrorAsync(HaechiDbContext db, long botId, string code, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var stored = code.Length > 64 ? code[..64] : code;
        return db.TelegramCursors.Where(c => c.BotId == botId).ExecuteUpdateAsync(
            s =>
            {
                s.SetProperty(c => c.LastError, stored);
                s.SetProperty(c => c.LastErrorAt, at);
            },
            cancellationToken);
    }
}
