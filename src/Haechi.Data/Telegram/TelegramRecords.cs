namespace Haechi.Data.Telegram;

/// <summary>
/// One Telegram bot's durable position in its update stream and its health: the next
/// <c>getUpdates</c> offset (every update below it is handled), the last poll and error, and counts.
/// </summary>
public sealed class TelegramCursorRecord
{
    /// <summary>The bot's id (the number before the colon of its token; 0 when unknown). Not secret.</summary>
    public long BotId { get; set; }

    /// <summary>The offset the next <c>getUpdates</c> asks for: the last handled update id + 1.</summary>
    public long NextOffset { get; set; }

    public DateTimeOffset? LastPollAt { get; set; }

    /// <summary>A short error code (<c>http-429</c>, <c>http-500</c>, <c>network</c>...), never a message or URL.</summary>
    public string? LastError { get; set; }

    public DateTimeOffset? LastErrorAt { get; set; }

    /// <summary>Private messages that became reports.</summary>
    public long Reports { get; set; }

    /// <summary>Channel or group media queued for ingestion.</summary>
    public long Ingested { get; set; }

    /// <summary>Media refused (too large, bad file path) before or during download.</summary>
    public long Refused { get; set; }

    /// <summary>Updates ignored (chat not allowed, no media).</summary>
    public long Ignored { get; set; }
}

/// <summary>
/// A Telegram channel or group the bot has seen posts in: its id, public username (when it has one,
/// so a post has a public <c>t.me/{username}/{message}</c> link) and title, as they were last seen.
/// Names only, never content.
/// </summary>
public sealed class TelegramChatRecord
{
    /// <summary>Telegram's chat id (<c>-100…</c> for channels and supergroups).</summary>
    public long ChatId { get; set; }

    /// <summary>The public username without <c>@</c>, or null for a private chat.</summary>
    public string? Username { get; set; }

    /// <summary>The chat's title as last seen.</summary>
    public string? Title { get; set; }

    public DateTimeOffset FirstSeenAt { get; set; }

    public DateTimeOffset LastSeenAt { get; set; }
}
