using Haechi.Core.Reports;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace Haechi.Pipeline.Telegram;

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

    /// <summary>An edit of a private message: no report changes; the bot asks for new media as a new message.</summary>
    EditedReport,

    /// <summary>Nothing to do (a chat that is not allowed, no media, an edit without new media...).</summary>
    Ignore,
}

/// <summary>One file of a message: the Bot API's file id, its declared size when given, its kind, and its unique id (the same file keeps it across bots and edits).</summary>
public sealed record TelegramMedia(string FileId, long? DeclaredBytes, string Kind, string UniqueId = "")
{
    /// <summary>Whether the file is a video (a video, an animation, or a <c>video/*</c> document).</summary>
    public bool IsVideo => Kind is "video" or "animation" or "video-document";
}

/// <summary>
/// The decision for one update, with what the report or item needs. <c>Edited</c>: the update is an
/// edit (<c>edited_channel_post</c> / <c>edited_message</c>); <c>Oversized</c>: a report's video
/// whose declared size is above the cap (not fetched; the report says so).
/// </summary>
public sealed record RoutedUpdate(TelegramRoute Route, long ChatId, int MessageId, TelegramMedia? Media, IReadOnlyList<string> Urls, string? Channel, string? Text, bool PossibleMinor, string Reason, bool Edited = false, TelegramMedia? Oversized = null)
{
    /// <summary>The public username of the channel or group a post was ingested from (without <c>@</c>), when it has one.</summary>
    public string? ChatUsername { get; init; }

    /// <summary>The title of the channel or group a post was ingested from.</summary>
    public string? ChatTitle { get; init; }

    /// <summary>The post's link: public <c>t.me/{username}/{message}</c> when the chat has a username, else <c>t.me/c/…</c> for channels and supergroups.</summary>
    public Uri? PostLink => TelegramLinks.Post(ChatUsername, ChatId, MessageId);

    /// <summary>Suffix of the source id of an item that came from an edit.</summary>
    public const string EditedSuffix = ":edited";

    /// <summary>
    /// The media's key within <see cref="TelegramSettings.SourceKind"/>: <c>chat:message:file_unique_id</c>,
    /// the same for a post and for an edit that kept its media.
    /// </summary>
    public string MediaKey => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{ChatId}:{MessageId}:{SafeUniqueId(Media?.UniqueId)}");

    /// <summary>The item's source id: <see cref="MediaKey"/>, with <see cref="EditedSuffix"/> when the media came with an edit.</summary>
    public string SourceId => Edited ? MediaKey + EditedSuffix : MediaKey;

    private static string SafeUniqueId(string? uniqueId)
    {
        if (string.IsNullOrEmpty(uniqueId))
        {
            return "-";
        }

        var safe = new System.Text.StringBuilder(Math.Min(uniqueId.Length, 64));
        foreach (var c in uniqueId)
        {
            if (safe.Length == 64)
            {
                break;
            }

            safe.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_');
        }

        return safe.ToString();
    }
}

/// <summary>
/// Decides what an update is: private messages to the bot are reports (a photo, image document,
/// video, animation or video document becomes the report's evidence; links in the text or caption,
/// and the public channel a post was forwarded from, become its links); posts with a photo, image
/// document or video in an allowed channel or group are ingested, and so are their edits (the
/// connector skips an edit whose media it already has, by <c>file_unique_id</c>). An edit of a
/// private message changes no report. Declared sizes above the cap are refused here, before any
/// download, except a report's video: the report is still made, and says the video was too large.
/// </summary>
public static class TelegramUpdateRouter
{
    /// <summary>Routes <paramref name="update"/> under <paramref name="settings"/>.</summary>
    public static RoutedUpdate Route(Update update, TelegramSettings settings)
    {
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(settings);
        var edited = update.Message is null && update.ChannelPost is null;
        var message = update.Message ?? update.ChannelPost ?? update.EditedMessage ?? update.EditedChannelPost;
        if (message is null)
        {
            return Ignore(0, 0, "not-a-message");
        }

        var chatId = message.Chat.Id;
        if (message.Chat.Type == ChatType.Private)
        {
            if (edited)
            {
                // The reporter's earlier receipt stands; the edit is not read (the bot keeps no link from
                // a chat message to its report), and the reporter is asked to send new media anew.
                return new RoutedUpdate(TelegramRoute.EditedReport, chatId, message.Id, null, [], null, null, false, "edited-report", Edited: true);
            }

            var (media, tooLarge, oversized) = Pick(message, settings.MaxFileBytes, includeVideo: true);
            if (tooLarge && oversized is not { IsVideo: true })
            {
                return new RoutedUpdate(TelegramRoute.Refuse, chatId, message.Id, null, [], null, null, false, "too-large");
            }

            var text = Text(message);
            var urls = Urls(message);
            var channel = Channel(message);
            if (media is null && oversized is null && urls.Count == 0)
            {
                return new RoutedUpdate(TelegramRoute.Help, chatId, message.Id, null, [], null, null, false, "nothing-to-report");
            }

            return new RoutedUpdate(TelegramRoute.Report, chatId, message.Id, media, urls, channel, text, IsPossibleMinor(text), "report", Oversized: oversized);
        }

        if (!settings.AllowedChatIds.Contains(chatId))
        {
            return Ignore(chatId, message.Id, "chat-not-allowed");
        }

        var (posted, refused, _) = Pick(message, settings.MaxFileBytes, includeVideo: true);
        if (refused)
        {
            return new RoutedUpdate(TelegramRoute.Refuse, chatId, message.Id, null, [], null, null, false, "too-large", edited);
        }

        return posted is null
            ? Ignore(chatId, message.Id, edited ? "edited-no-media" : "no-media")
            : new RoutedUpdate(TelegramRoute.Ingest, chatId, message.Id, posted, [], null, null, false, edited ? "ingest-edit" : "ingest", edited)
            {
                ChatUsername = TelegramLinks.Username(message.Chat.Username),
                ChatTitle = TelegramLinks.Title(message.Chat.Title),
            };
    }

    private static RoutedUpdate Ignore(long chatId, int messageId, string reason) => new(TelegramRoute.Ignore, chatId, messageId, null, [], null, null, false, reason);

    /// <summary>
    /// The media to fetch: the largest photo size within the cap, else an image (or video) document,
    /// an animation or a video. Too large: nothing fits; the file that did not fit comes back for videos.
    /// </summary>
    private static (TelegramMedia? Media, bool TooLarge, TelegramMedia? Oversized) Pick(Message message, long maxBytes, bool includeVideo)
    {
        if (message.Photo is { Length: > 0 } sizes)
        {
            // Sizes come smallest first; take the largest that fits (an unknown size is checked at download).
            for (var i = sizes.Length - 1; i >= 0; i--)
            {
                if (sizes[i].FileSize is not { } size || size <= maxBytes)
                {
                    return (new TelegramMedia(sizes[i].FileId, sizes[i].FileSize, "photo", sizes[i].FileUniqueId), false, null);
                }
            }

            return (null, true, null);
        }

        TelegramMedia? candidate = null;
        if (includeVideo && message.Animation is { } animation)
        {
            // An animation also comes as a document (for old clients): the animation names it better.
            candidate = new TelegramMedia(animation.FileId, animation.FileSize, "animation", animation.FileUniqueId);
        }
        else if (message.Document is { } document)
        {
            var mime = document.MimeType ?? string.Empty;
            var image = mime.StartsWith("image/", StringComparison.OrdinalIgnoreCase);
            if (!image && !(includeVideo && mime.StartsWith("video/", StringComparison.OrdinalIgnoreCase)))
            {
                return (null, false, null);
            }

            candidate = new TelegramMedia(document.FileId, document.FileSize, image ? "document" : "video-document", document.FileUniqueId);
        }
        else if (includeVideo && message.Video is { } video)
        {
            candidate = new TelegramMedia(video.FileId, video.FileSize, "video", video.FileUniqueId);
        }

        if (candidate is null)
        {
            return (null, false, null);
        }

        return candidate.DeclaredBytes > maxBytes ? (null, true, candidate) : (candidate, false, null);
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
