using Telegram.Bot;

namespace Haechi.Pipeline.Telegram;

/// <summary>How a fetch ended.</summary>
public enum TelegramFetchStatus
{
    /// <summary>The bytes are here.</summary>
    Ok,

    /// <summary>Declared (by <c>getFile</c>) or actual size above the cap: not downloaded, or download stopped at the cap.</summary>
    TooLarge,

    /// <summary>The API answered a file path that is not a plain relative path: not followed.</summary>
    BadPath,
}

/// <summary>A fetched file (or why not).</summary>
public sealed record TelegramFetchResult(TelegramFetchStatus Status, byte[]? Bytes, long? DeclaredBytes);

/// <summary>
/// <c>getFile</c> then the file download, both from the bot client's configured API base (the file
/// path the API answers is only ever appended to that base; absolute paths, <c>..</c>, schemes,
/// queries are refused). The size cap applies to the size <c>getFile</c> declares and again while
/// the bytes arrive.
/// </summary>
public static class TelegramMediaFetcher
{
    /// <summary>Fetches <paramref name="media"/> through <paramref name="client"/>, at most <paramref name="maxBytes"/>.</summary>
    public static async Task<TelegramFetchResult> FetchAsync(ITelegramBotClient client, TelegramMedia media, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(media);
        if (media.DeclaredBytes > maxBytes)
        {
            return new TelegramFetchResult(TelegramFetchStatus.TooLarge, null, media.DeclaredBytes);
        }

        var file = await client.GetFile(media.FileId, cancellationToken).ConfigureAwait(false);
        var declared = file.FileSize ?? media.DeclaredBytes;
        if (declared > maxBytes)
        {
            return new TelegramFetchResult(TelegramFetchStatus.TooLarge, null, declared);
        }

        if (!IsPlainRelativePath(file.FilePath))
        {
            return new TelegramFetchResult(TelegramFetchStatus.BadPath, null, declared);
        }

        using var buffer = new CappedStream(maxBytes);
        try
        {
            await client.DownloadFile(file.FilePath!, buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (CutOff(ex))
        {
            // The client wraps the stream's refusal in its own exceptions.
            return new TelegramFetchResult(TelegramFetchStatus.TooLarge, null, declared);
        }

        return new TelegramFetchResult(TelegramFetchStatus.Ok, buffer.ToArray(), declared);
    }

    /// <summary>A path such as <c>photos/file_1.jpg</c>: relative, no <c>..</c>, no scheme, query, fragment or backslash.</summary>
    public static bool IsPlainRelativePath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path.Length > 512 || path[0] == '/')
        {
            return false;
        }

        foreach (var c in path)
        {
            var plain = char.IsAsciiLetterOrDigit(c) || c is '/' or '_' or '-' or '.';
            if (!plain)
            {
                return false;
            }
        }

        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment == "." || segment == "..")
            {
                return false;
            }
        }

        return true;
    }

    private static bool CutOff(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is FileTooLargeException)
            {
                return true;
            }
        }

        return false;
    }

    private sealed class FileTooLargeException() : IOException("The file is larger than the cap.");

    /// <summary>A memory stream that refuses to grow past the cap (a server lying about the size is cut off).</summary>
    private sealed class CappedStream(long maxBytes) : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count)
        {
            Check(count);
            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Check(buffer.Length);
            base.Write(buffer);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Check(count);
            return base.WriteAsync(buffer, offset, count, cancellationToken);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Check(buffer.Length);
            return base.WriteAsync(buffer, cancellationToken);
        }

        public override void WriteByte(byte value)
        {
            Check(1);
            base.WriteByte(value);
        }

        private void Check(int count)
        {
            if (Length + count > maxBytes)
            {
                throw new FileTooLargeException();
            }
        }
    }
}
