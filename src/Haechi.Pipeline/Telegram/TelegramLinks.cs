using System.Globalization;

namespace Haechi.Pipeline.Telegram;

/// <summary>
/// The links of Telegram posts, written in one place: the public <c>https://t.me/{username}/{message}</c>
/// when the channel or group has a username (anyone can open it), else <c>https://t.me/c/{id}/{message}</c>
/// for channels and supergroups (chat id <c>-100…</c>; opens for members only). Other chats have no link.
/// </summary>
public static class TelegramLinks
{
    /// <summary>Longest username Telegram allows (5–32 characters).</summary>
    public const int MaxUsernameLength = 32;

    /// <summary>Longest title kept.</summary>
    public const int MaxTitleLength = 256;

    /// <summary>The link of message <paramref name="messageId"/> in chat <paramref name="chatId"/>, or null when the chat has none.</summary>
    public static Uri? Post(string? username, long chatId, long messageId)
    {
        if (Username(username) is { } name)
        {
            return new Uri(string.Create(CultureInfo.InvariantCulture, $"https://t.me/{name}/{messageId}"));
        }

        var digits = chatId.ToString(CultureInfo.InvariantCulture);
        return digits.StartsWith("-100", StringComparison.Ordinal) && digits.Length > 4
            ? new Uri(string.Create(CultureInfo.InvariantCulture, $"https://t.me/c/{digits[4..]}/{messageId}"))
            : null;
    }

    /// <summary>A valid public username (letters, digits and underscores, 5–32, starting with a letter), without <c>@</c>; else null.</summary>
    public static string? Username(string? username)
    {
        var name = username?.TrimStart('@');
        if (string.IsNullOrEmpty(name) || name.Length is < 5 or > MaxUsernameLength || !char.IsAsciiLetter(name[0]))
        {
            return null;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return null;
            }
        }

        return name;
    }

    /// <summary>A title without control characters, trimmed and cut to <see cref="MaxTitleLength"/>; null when empty.</summary>
    public static string? Title(string? title)
    {
        if (string.IsNullOrWhiteSpace(title))
        {
            return null;
        }

        var clean = new string([.. title.Where(c => !char.IsControl(c))]).Trim();
        return clean.Length == 0 ? null : clean.Length > MaxTitleLength ? clean[..MaxTitleLength] : clean;
    }
}
