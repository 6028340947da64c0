using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Haechi.Server.Features.Telegram;

/// <summary>
/// The <c>Telegram</c> section: the report bot and channel/group watcher. The token comes from
/// configuration or the environment (<c>Telegram__BotToken</c>) and is never logged or shown.
/// </summary>
internal sealed class TelegramOptions : IValidatableObject
{
    public const string Section = "Telegram";

    /// <summary>The Bot API's real address.</summary>
    public const string DefaultApiBaseUrl = "https://api.telegram.org";

    /// <summary>
    /// The connector is configured (a token is then required). The process with the watchers role polls
    /// the Bot API; while <c>Roles:Watchers</c> is unset, every process where this is true polls.
    /// </summary>
    public bool Enabled { get; set; }

    /// <summary>The token from @BotFather (<c>123456:ABC...</c>).</summary>
    public string? BotToken { get; set; }

    /// <summary>Where the Bot API is: the real one, a local Bot API server, or a test stand-in. Every call and file download goes here.</summary>
    public string ApiBaseUrl { get; set; } = DefaultApiBaseUrl;

    /// <summary>Long-polling timeout of <c>getUpdates</c>, in seconds.</summary>
    [Range(0, 50)]
    public int PollTimeoutSeconds { get; set; } = 25;

    /// <summary>Channels and groups (chat ids, e.g. -1001234567890) whose media is ingested; others are ignored.</summary>
    public List<long> AllowedChatIds { get; set; } = [];

    /// <summary>Largest file fetched, in bytes; larger ones are refused before download.</summary>
    [Range(1024, 2L * 1024 * 1024 * 1024)]
    public long MaxFileBytes { get; set; } = 20L * 1024 * 1024;

    /// <summary>Longest wait between polls after repeated errors.</summary>
    [Range(1, 3600)]
    public int MaxBackoffSeconds { get; set; } = 300;

    /// <summary>The bot's id, the number before the colon of the token (0 when it has none).</summary>
    public long BotId => BotToken is { } token && token.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon
        && long.TryParse(token.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Enabled && string.IsNullOrWhiteSpace(BotToken))
        {
            yield return new ValidationResult("Telegram:BotToken is required when Telegram:Enabled is true (a token from @BotFather).", [nameof(BotToken)]);
        }

        if (!Uri.TryCreate(ApiBaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            yield return new ValidationResult("Telegram:ApiBaseUrl is an absolute http(s) URL.", [nameof(ApiBaseUrl)]);
        }
    }
}
