namespace Haechi.Pipeline.Telegram;

/// <summary>What the Telegram connector needs to know (the token stays inside the bot client).</summary>
/// <param name="BotId">The bot's id (before the colon of its token), the key of its cursor row.</param>
/// <param name="AllowedChatIds">Channels and groups whose media is ingested; posts elsewhere are ignored.</param>
/// <param name="MaxFileBytes">Largest file fetched; a bigger declared size is refused before download.</param>
/// <param name="PollTimeoutSeconds">Long-polling timeout of <c>getUpdates</c>.</param>
/// <param name="MaxBackoff">Longest wait after repeated errors (a 429's <c>retry_after</c> is honoured even beyond).</param>
public sealed record TelegramSettings(long BotId, IReadOnlySet<long> AllowedChatIds, long MaxFileBytes, int PollTimeoutSeconds, TimeSpan MaxBackoff)
{
    /// <summary>The source kind of ingested Telegram items.</summary>
    public const string SourceKind = "telegram";

    /// <summary>Most updates read per poll.</summary>
    public const int BatchSize = 100;
}
