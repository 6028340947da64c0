using Haechi.Data;
using Haechi.Pipeline.Telegram;
using Microsoft.Extensions.Options;

namespace Haechi.Server.Features.Telegram;

/// <summary>The connector's health for admins: last poll, last error (a code), back-off, counts.</summary>
internal sealed record TelegramStatusView(
    bool Enabled,
    bool Running,
    long BotId,
    DateTimeOffset? LastPollAt,
    string? LastError,
    DateTimeOffset? LastErrorAt,
    DateTimeOffset? BackoffUntil,
    long Reports,
    long Ingested,
    long Refused,
    long Ignored,
    long NextOffset,
    int AllowedChats);

/// <summary>Reads the cursor row and the running connector's state (never the token).</summary>
internal sealed class GetTelegramStatus(HaechiDbContext db, IOptions<TelegramOptions> options, TelegramPolling polling)
{
    public async Task<TelegramStatusView> ExecuteAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var row = o.Enabled
            ? await TelegramCursorStore.LoadAsync(db, o.BotId, cancellationToken).ConfigureAwait(false)
            : new Haechi.Data.Telegram.TelegramCursorRecord { BotId = o.BotId };
        var runtime = polling.Runtime;
        return new TelegramStatusView(
            o.Enabled,
            runtime?.Running ?? false,
            o.BotId,
            row.LastPollAt,
            row.LastError,
            row.LastErrorAt,
            runtime?.BackoffUntil,
            row.Reports,
            row.Ingested,
            row.Refused,
            row.Ignored,
            row.NextOffset,
            o.AllowedChatIds.Count);
    }
}
