using Haechi.Core.Reports;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace Haechi.Watch.Telegram;

/// <summary>What the connector does with one update.</summary>
public enum TelegramRoute
{
    /// <summary>A private message to the bot: a public report.</summary>
    Report,

    /// <summary>A private message with nothing to report: the bot answers with how to report.</summary>
    Help,

    /// <summary>Media posted in an allowed channel or group: an ingestion item.</summary>
    Ingest,

    /// <summary>Media refused before download (its declared size is above the cap).</summary>
    Refuse,

    /// <summary>Nothing to do (a chat that is not allowed, no media, an edit...).</summary>
    Ignore,
}

/// <summary>One file of a message: the Bot API's file id, its declared size when given, and its kind.</summary>
public sealed record TelegramMedia(string FileId, long? DeclaredBytes, string Kind);

/// <summary>The decision for one update, with what the report or item needs.</summary>
public sealed record RoutedUpdate(TelegramRoute Route, long ChatId, int MessageId, TelegramMedia? Media, IReadOnlyList<string> Urls, string? Channel, string? Text, bool PossibleMinor, string Reason)
{
    /// <summary>The item's source id within <see cref="TelegramSettings.SourceKind"/>: <c>chat:message</c>.</summary>
    public string SourceId => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{ChatId}:{MessageId}");
}

/// <summary>
/// Decides what an update is: private messages to the bot are reports (a photo or image document
/// becomes the report's evidence; links in the text or caption, and the public channel a post was
/// forwarded from, become its links); posts with a photo, image document or video in an allowed
/// channel or group are ingested. Declared sizes above the cap are refused here, before any download.
/// </summary>
public static class TelegramUpdateRouter
{
    /// <summary>Routes <paramref name="update"/> under <paramref name="settings"/>.</summary>
    public static RoutedUpdate Route(Update update, TelegramSettings settings)
    {
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(settings);
        var message = update.Message ?? update.ChannelPost;
        if (message is null)
        {
            return Ignore(0, 0, update.EditedMessage is null && update.EditedChannelPost is null ? "not-a-message" : "edited");
        }

        var chatId = message.Chat.Id;
        if (message.Chat.Type == ChatType.Private)
        {
            var (photo, tooLarge) = Pick(message, settings.MaxFileBytes, includeVideo: false);
            if (tooLarge)
            {
                return new RoutedUpdate(TelegramRoute.Refuse, chatId, message.Id, null, [], null, null, false, "too-large");
            }

            var text = Text(message);
            var urls = Urls(message);
            var channel = Channel(message);
            if (photo is null && urls.Count == 0)
            {
                return new RoutedUpdate(TelegramRoute.Help, chatId, message.Id, null, [], null, null, false, "nothing-to-report");
            }

            return new RoutedUpdate(TelegramRoute.Report, chatId, message.Id, photo, urls, channel, text, IsPossibleMinor(text), "report");
        }

        if (!settings.AllowedChatIds.Contains(chatId))
        {
            return Ignore(chatId, message.Id, "chat-not-allowed");
        }

        var (media, refused) = Pick(message, settings.MaxFileBytes, includeVideo: true);
        if (refused)
        {
            return new RoutedUpdate(TelegramRoute.Refuse, chatId, message.Id, null, [], null, null, false, "too-large");
        }

        return media is null
            ? Ignore(chatId, message.Id, "no-media")
            : new RoutedUpdate(TelegramRoute.Ingest, chatId, message.Id, media, [], null, null, false, "ingest");
    }

    private static RoutedUpdate Ignore(long chatId, int messageId, string reason) => new(TelegramRoute.Ignore, chatId, messageId, null, [], null, null, false, reason);

    /// <summary>The media to fetch: the largest photo size within the cap, else an image (or video) document or a video.</summary>
    private static (TelegramMedia? Media, bool TooLarge) Pick(Message message, long maxBytes, bool includeVideo)
    {
        if (message.Photo is { Length: > 0 } sizes)
        {
            // Sizes come smallest first; take the largest that fits (an unknown size is checked at download).
            for (var i = sizes.Length - 1; i >= 0; i--)
            {
                if (sizes[i].FileSize is not { } size || size <= maxBytes)
                {
                    return (new TelegramMedia(sizes[i].FileId, sizes[i].FileSize, "photo"), false);
                }
            }

            return (null, true);
        }

        if (message.Document is { } document)
        {
            var mime = document.MimeType ?? string.Empty;
            var wanted = mime.StartsWith("image/", StringComparison.OrdinalIgnoreCase) || (includeVideo && mime.StartsWith("video/", StringComparison.OrdinalIgnoreCase));
            if (!wanted)
            {
                return (null, false);
            }

            return document.FileSize > maxBytes ? (null, true) : (new TelegramMedia(document.FileId, document.FileSize, "document"), false);
        }

        if (includeVideo && message.Video is { } video)
        {
            return video.FileSize > maxBytes ? (null, true) : (new TelegramMedia(video.FileId, video.FileSize, "video"), false);
        }

        return (null, false);
    }

    /// <summary>The caption or text, without control characters, cut to a report description's length.</summary>
    private static string? Text(Message message)
    {
        var text = message.Caption ?? message.Text;
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var builder = new System.Text.StringBuilder(Math.Min(text.Length, ReportRules.MaxDescriptionLength));
        foreach (var c in text)
        {
            if (builder.Length == ReportRules.MaxDescriptionLength)
            {
                break;
            }

            if (!char.IsControl(c) || c is '\n' or '\r' or '\t')
            {
                builder.Append(c);
            }
        }

        var clean = builder.ToString().Trim();
        return clean.Length == 0 ? null : clean;
    }

    /// <summary>The links of a message: URL and text-link entities, and the public post it was forwarded from.</summary>
    private static List<string> Urls(Message message)
    {
        var urls = new List<string>();
        var text = message.Caption ?? message.Text;
        var entities = message.Caption is null ? message.Entities : message.CaptionEntities;
        foreach (var entity in entities ?? [])
        {
            string? url = null;
            if (entity.Type == MessageEntityType.Url && text is not null && entity.Offset >= 0 && entity.Length > 0 && entity.Offset + entity.Length <= text.Length)
            {
                // Offsets are UTF-16 code units, as .NET strings.
                url = text.Substring(entity.Offset, entity.Length);
                if (!url.Contains("://", StringComparison.Ordinal))
                {
                    url = "http://" + url;
                }
            }
            else if (entity.Type == MessageEntityType.TextLink)
            {
                url = entity.Url;
            }

            Add(urls, url);
        }

        if (message.ForwardOrigin is MessageOriginChannel { Chat.Username: { Length: > 0 } username } origin)
        {
            Add(urls, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"https://t.me/{username}/{origin.MessageId}"));
        }

        return urls;
    }

    private static void Add(List<string> urls, string? url)
    {
        if (url is not null && urls.Count < ReportRules.MaxUrls && ReportRules.ValidateUrl(url) is null && !urls.Contains(url))
        {
            urls.Add(url);
        }
    }

    /// <summary>The channel or chat a message was forwarded from, as the report's channel name.</summary>
    private static string? Channel(Message message)
    {
        var chat = message.ForwardOrigin switch
        {
            MessageOriginChannel channel => channel.Chat,
            MessageOriginChat chat2 => chat2.SenderChat,
            _ => null,
        };
        if (chat is null)
        {
            return null;
        }

        var name = chat.Username is { Length: > 0 } username ? "@" + username : chat.Title;
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        name = new string([.. name.Where(c => !char.IsControl(c))]).Trim();
        return name.Length > ReportRules.MaxChannelLength ? name[..ReportRules.MaxChannelLength] : name;
    }

    /// <summary>The reporter marked the person as possibly under 18 (<c>#minor</c> or <c>#미성년</c>, as the bot's help says).</summary>
    private static bool IsPossibleMinor(string? text) =>
        text is not null && (text.Contains("#minor", StringComparison.OrdinalIgnoreCase) || text.Contains("#미성년", StringComparison.Ordinal));
}
