using System.Globalization;
using System.Security.Cryptography;
using Haechi.Data;
using Haechi.Data.Audit;
using Haechi.Data.Telegram;
using Haechi.Pipeline.Ingestion;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace Haechi.Pipeline.Telegram;

/// <summary>What the connector is doing now (not stored: the cursor row holds what must survive a restart).</summary>
public sealed record TelegramRuntime(bool Running, DateTimeOffset? BackoffUntil, int ConsecutiveErrors);

/// <summary>
/// The Telegram bot connector: long-polls <c>getUpdates</c> from the offset stored in the cursor
/// row, and for each update (see <see cref="TelegramUpdateRouter"/>) files a report through
/// <see cref="ITelegramReportSink"/> and answers with the receipt, or fetches the post's media
/// (<see cref="TelegramMediaFetcher"/>) and queues it on <see cref="IIngestionPipeline"/> as
/// <c>telegram</c> / <c>chat:message:file_unique_id</c>. Edited posts are asked for too: an edit
/// that brings a file the message did not have before is queued like a new post, its source id
/// ending in <c>:edited</c>; an edit that kept its file is not fetched again. Reports take photos
/// and videos (a video too large for the Bot API still makes the report, which says so). The
/// cursor passes an update only once it is handled (in the report's own transaction for reports;
/// ingestion items are unique per source id), so a restart neither loses nor repeats updates. API errors (429 with <c>retry_after</c>, 5xx,
/// network) back off and are recorded as short codes. Every fetch is audited with ids, sizes and
/// hashes only.
/// </summary>
public sealed partial class TelegramConnector(
    ITelegramBotClient client,
    TelegramSettings settings,
    Func<CancellationToken, Task<HaechiDbContext>> openContext,
    IIngestionPipeline pipeline,
    ITelegramReportSink reports,
    string dataDirectory,
    TimeProvider time,
    ILogger<TelegramConnector> logger)
{
    /// <summary>The audit actor of the connector's entries.</summary>
    public const string AuditActor = "telegram-connector";

    /// <summary>The update kinds asked for (<c>allowed_updates</c>): posts and messages, and their edits.</summary>
    public static readonly IReadOnlyList<UpdateType> Wanted = [UpdateType.Message, UpdateType.ChannelPost, UpdateType.EditedMessage, UpdateType.EditedChannelPost];
    private static readonly TimeSpan MinBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan IdleGap = TimeSpan.FromMilliseconds(200);

    private volatile TelegramRuntime _runtime = new(false, null, 0);

    /// <summary>What the connector is doing now.</summary>
    public TelegramRuntime Runtime => _runtime;

    /// <summary>Polls until cancelled, backing off after errors.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _runtime = _runtime with { Running = true };
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var started = time.GetTimestamp();
                var (handled, wait) = await PollOnceAsync(cancellationToken).ConfigureAwait(false);
                if (wait is { } backoff)
                {
                    await Task.Delay(backoff, time, cancellationToken).ConfigureAwait(false);
                }
                else if (handled == 0 && time.GetElapsedTime(started) < IdleGap)
                {
                    // A stand-in (or a poll timeout of 0) answering at once must not make a busy loop.
                    await Task.Delay(IdleGap, time, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            _runtime = _runtime with { Running = false };
        }
    }

    /// <summary>One <c>getUpdates</c> and its updates; the wait before the next poll when something failed.</summary>
    public async Task<(int Handled, TimeSpan? Backoff)> PollOnceAsync(CancellationToken cancellationToken)
    {
        var handled = 0;
        try
        {
            long offset;
            await using (var db = await openContext(cancellationToken).ConfigureAwait(false))
            {
                offset = (await TelegramCursorStore.LoadAsync(db, settings.BotId, cancellationToken).ConfigureAwait(false)).NextOffset;
            }

            var updates = await client.GetUpdates((int)Math.Min(offset, int.MaxValue), TelegramSettings.BatchSize, settings.PollTimeoutSeconds, Wanted, cancellationToken).ConfigureAwait(false);
            await using (var db = await openContext(cancellationToken).ConfigureAwait(false))
            {
                await TelegramCursorStore.RecordPollAsync(db, settings.BotId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            }

            foreach (var update in updates)
            {
                if (update.Id < offset)
                {
                    continue;
                }

                await HandleAsync(update, cancellationToken).ConfigureAwait(false);
                handled++;
            }

            _runtime = _runtime with { BackoffUntil = null, ConsecutiveErrors = 0 };
            return (handled, null);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Whatever failed (the API, the network, the store, a bug), the server keeps running: record, wait, retry.
            var code = ErrorCode(ex);
            var errors = _runtime.ConsecutiveErrors + 1;
            var backoff = Backoff(ex, errors);
            _runtime = _runtime with { BackoffUntil = time.GetUtcNow() + backoff, ConsecutiveErrors = errors };
            LogPollFailed(logger, code, (int)backoff.TotalSeconds, handled);
            try
            {
                await using var db = await openContext(cancellationToken).ConfigureAwait(false);
                await TelegramCursorStore.RecordErrorAsync(db, settings.BotId, code, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception store) when (store is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
            {
                LogStoreFailed(logger, store.GetType().Name);
            }

            return (handled, backoff);
        }
    }

    private async Task HandleAsync(Update update, CancellationToken cancellationToken)
    {
        var routed = TelegramUpdateRouter.Route(update, settings);
        var next = (long)update.Id + 1;
        switch (routed.Route)
        {
            case TelegramRoute.Ingest:
                await IngestAsync(update.Id, routed, cancellationToken).ConfigureAwait(false);
                break;
            case TelegramRoute.Report:
                await ReportAsync(update.Id, routed, cancellationToken).ConfigureAwait(false);
                break;
            case TelegramRoute.Help:
                await AdvanceAsync(next, TelegramCounter.None, cancellationToken).ConfigureAwait(false);
                await ReplyAsync(routed.ChatId, reports.Reply(TelegramReply.Help, null), cancellationToken).ConfigureAwait(false);
                break;
            case TelegramRoute.EditedReport:
                // No report changes (the bot keeps no link from a reporter's message to its report): the
                // reporter is told, once per edit, to send new media as a new message.
                LogIgnored(logger, update.Id, routed.Reason);
                await AdvanceAsync(next, TelegramCounter.Ignored, cancellationToken).ConfigureAwait(false);
                await ReplyAsync(routed.ChatId, reports.Reply(TelegramReply.EditNotRead, null), cancellationToken).ConfigureAwait(false);
                break;
            case TelegramRoute.Refuse:
                await AuditRefusalAsync(update.Id, routed, routed.Reason, null, next, cancellationToken).ConfigureAwait(false);
                if (routed.ChatId > 0 && routed.Media is null && routed.Urls.Count == 0 && routed.Reason == "too-large")
                {
                    await ReplyAsync(routed.ChatId, reports.Reply(TelegramReply.TooLarge, null), cancellationToken).ConfigureAwait(false);
                }

                break;
            default:
                LogIgnored(logger, update.Id, routed.Reason);
                await AdvanceAsync(next, TelegramCounter.Ignored, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    private async Task IngestAsync(int updateId, RoutedUpdate routed, CancellationToken cancellationToken)
    {
        var next = (long)updateId + 1;
        var sourceId = routed.SourceId;
        var asPosted = routed.MediaKey;
        var asEdited = routed.MediaKey + RoutedUpdate.EditedSuffix;
        await using (var db = await openContext(cancellationToken).ConfigureAwait(false))
        {
            // The same file of the same message, whether it came with the post or with an edit.
            var known = await db.IngestItems.AsNoTracking().AnyAsync(i => i.SourceKind == TelegramSettings.SourceKind && (i.SourceId == asPosted || i.SourceId == asEdited), cancellationToken).ConfigureAwait(false);
            if (known)
            {
                // An edit that kept its media (caption only) is ignored; otherwise the item was queued
                // before a crash that came before the cursor moved: not fetched or counted again.
                if (routed.Edited)
                {
                    LogIgnored(logger, updateId, "edited-same-media");
                }

                await TelegramCursorStore.AdvanceAsync(db, settings.BotId, next, routed.Edited ? TelegramCounter.Ignored : TelegramCounter.None, cancellationToken).ConfigureAwait(false);
                return;
            }
        }

        var fetched = await FetchAsync(routed.Media!, cancellationToken).ConfigureAwait(false);
        if (fetched.Status != TelegramFetchStatus.Ok)
        {
            await AuditRefusalAsync(updateId, routed, Code(fetched.Status), fetched.DeclaredBytes, next, cancellationToken).ConfigureAwait(false);
            return;
        }

        var bytes = fetched.Bytes!;
        var folder = Path.Combine(Path.GetFullPath(dataDirectory), "imports", "telegram");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, sourceId.Replace(':', '_') + ".bin");
        await System.IO.File.WriteAllBytesAsync(path, bytes, cancellationToken).ConfigureAwait(false);
        var outcome = await pipeline.EnqueueAsync(new IngestRequest(TelegramSettings.SourceKind, sourceId, FilePath: path, PageUrl: routed.PostLink), cancellationToken).ConfigureAwait(false);
        if (outcome.Status == EnqueueStatus.QueueFull)
        {
            System.IO.File.Delete(path);
            throw new IngestionBackPressureException();
        }

        await using (var db = await openContext(cancellationToken).ConfigureAwait(false))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await AuditFetchAsync(db, "telegram.fetched", string.Create(CultureInfo.InvariantCulture, $"telegram:{sourceId}"), routed.Media!.Kind, bytes, outcome.ItemId, cancellationToken, routed.Edited).ConfigureAwait(false);
            await RememberChatAsync(db, routed, cancellationToken).ConfigureAwait(false);
            await TelegramCursorStore.AdvanceAsync(db, settings.BotId, next, outcome.Status == EnqueueStatus.Accepted ? TelegramCounter.Ingested : TelegramCounter.None, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        LogIngested(logger, updateId, outcome.ItemId ?? 0, bytes.Length);
    }

    private async Task ReportAsync(int updateId, RoutedUpdate routed, CancellationToken cancellationToken)
    {
        var next = (long)updateId + 1;
        byte[]? fetchedBytes = null;
        TelegramRefusedMedia? refusedVideo = routed.Oversized is { } oversized
            ? new TelegramRefusedMedia(oversized.Kind, "too-large", oversized.DeclaredBytes, settings.MaxFileBytes)
            : null;
        if (routed.Media is { } media)
        {
            var fetched = await FetchAsync(media, cancellationToken).ConfigureAwait(false);
            if (fetched.Status == TelegramFetchStatus.Ok)
            {
                fetchedBytes = fetched.Bytes;
            }
            else if (media.IsVideo)
            {
                // A video the Bot API will not serve (above its 20 MB, or gone): the report is still made, and says so.
                refusedVideo = new TelegramRefusedMedia(media.Kind, Code(fetched.Status), fetched.DeclaredBytes, settings.MaxFileBytes);
            }
            else
            {
                await AuditRefusalAsync(updateId, routed, Code(fetched.Status), fetched.DeclaredBytes, next, cancellationToken).ConfigureAwait(false);
                await ReplyAsync(routed.ChatId, reports.Reply(fetched.Status == TelegramFetchStatus.TooLarge ? TelegramReply.TooLarge : TelegramReply.NotAccepted, null), cancellationToken).ConfigureAwait(false);
                return;
            }
        }

        var isVideo = routed.Media is { IsVideo: true };
        var photo = isVideo ? null : fetchedBytes;
        var video = isVideo && fetchedBytes is not null ? new TelegramVideo(fetchedBytes, routed.Media!.Kind) : null;

        // The reporter's chat id is not written anywhere: the update id names the fetch.
        var subject = string.Create(CultureInfo.InvariantCulture, $"telegram-update:{updateId}");
        var report = new TelegramReport(routed.Urls, routed.Channel, routed.Text, routed.PossibleMinor, photo, video, refusedVideo);
        var outcome = await reports.SubmitAsync(
            report,
            async (db, ct) =>
            {
                if (fetchedBytes is not null)
                {
                    await AuditFetchAsync(db, "telegram.fetched", subject, routed.Media!.Kind, fetchedBytes, null, ct).ConfigureAwait(false);
                }

                if (refusedVideo is not null)
                {
                    var detail = string.Create(CultureInfo.InvariantCulture, $"kind={refusedVideo.Kind} reason={refusedVideo.Reason} declared-bytes={(refusedVideo.DeclaredBytes is { } d ? d.ToString(CultureInfo.InvariantCulture) : "unknown")} max-bytes={settings.MaxFileBytes} report-kept=1");
                    await new AuditLog(db, time).AppendAsync(AuditActor, "telegram.refused", subject, detail, ct).ConfigureAwait(false);
                }

                await TelegramCursorStore.AdvanceAsync(db, settings.BotId, next, TelegramCounter.Reports, ct).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        if (outcome.Receipt is null)
        {
            await AuditRefusalAsync(updateId, routed, outcome.RefusedBecause ?? "not-accepted", fetchedBytes?.Length, next, cancellationToken).ConfigureAwait(false);
            await ReplyAsync(routed.ChatId, reports.Reply(TelegramReply.NotAccepted, null), cancellationToken).ConfigureAwait(false);
            return;
        }

        LogReported(logger, updateId, photo is null ? 0 : 1, video is null ? 0 : 1, refusedVideo is null ? 0 : 1);
        await ReplyAsync(routed.ChatId, reports.Reply(refusedVideo is null ? TelegramReply.Receipt : TelegramReply.ReceiptVideoTooLarge, outcome.Receipt), cancellationToken).ConfigureAwait(false);
    }

    private async Task<TelegramFetchResult> FetchAsync(TelegramMedia media, CancellationToken cancellationToken)
    {
        try
        {
            return await TelegramMediaFetcher.FetchAsync(client, media, settings.MaxFileBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiRequestException ex) when (ex.ErrorCode is 400 or 404)
        {
            // The API will not give this file (gone, or too big for the Bot API: "Bad Request: file is
            // too big"): refuse it, do not retry forever. Only the code is kept, not the text.
            var tooBig = ex.Message.Contains("too big", StringComparison.OrdinalIgnoreCase);
            return new TelegramFetchResult(tooBig ? TelegramFetchStatus.TooLarge : TelegramFetchStatus.BadPath, null, media.DeclaredBytes);
        }
    }

    private static string Code(TelegramFetchStatus status) => status == TelegramFetchStatus.TooLarge ? "too-large" : "unavailable";

    private async Task AuditRefusalAsync(int updateId, RoutedUpdate routed, string reason, long? declared, long next, CancellationToken cancellationToken)
    {
        LogRefused(logger, updateId, reason, declared ?? -1);
        await using var db = await openContext(cancellationToken).ConfigureAwait(false);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var subject = routed.ChatId > 0
            ? string.Create(CultureInfo.InvariantCulture, $"telegram-update:{updateId}")
            : string.Create(CultureInfo.InvariantCulture, $"telegram:{routed.SourceId}");
        var detail = string.Create(CultureInfo.InvariantCulture, $"reason={reason} declared-bytes={(declared is { } d ? d.ToString(CultureInfo.InvariantCulture) : "unknown")} max-bytes={settings.MaxFileBytes}");
        await new AuditLog(db, time).AppendAsync(AuditActor, "telegram.refused", subject, detail, cancellationToken).ConfigureAwait(false);
        await TelegramCursorStore.AdvanceAsync(db, settings.BotId, next, TelegramCounter.Refused, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task AuditFetchAsync(HaechiDbContext db, string action, string subject, string kind, byte[] bytes, long? itemId, CancellationToken cancellationToken, bool edited = false)
    {
        var detail = string.Create(CultureInfo.InvariantCulture, $"kind={kind} bytes={bytes.Length} sha256={Convert.ToHexStringLower(SHA256.HashData(bytes))}{(itemId is { } id ? $" ingest-item={id}" : string.Empty)}{(edited ? " edited=1" : string.Empty)}");
        await new AuditLog(db, time).AppendAsync(AuditActor, action, subject, detail, cancellationToken).ConfigureAwait(false);
    }

    private async Task AdvanceAsync(long next, TelegramCounter counter, CancellationToken cancellationToken)
    {
        await using var db = await openContext(cancellationToken).ConfigureAwait(false);
        await TelegramCursorStore.AdvanceAsync(db, settings.BotId, next, counter, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Answers the reporter; a failed answer is logged by code (the report is stored either way).</summary>
    private async Task ReplyAsync(long chatId, string text, CancellationToken cancellationToken)
    {
        try
        {
            await client.SendMessage(chatId, text, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is RequestException or HttpRequestException or TaskCanceledException or IOException)
        {
            var code = ErrorCode(ex);
            LogReplyFailed(logger, code);
            await using var db = await openContext(cancellationToken).ConfigureAwait(false);
            await TelegramCursorStore.RecordErrorAsync(db, settings.BotId, "reply-" + code, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A short code for an error (no message, no URL: those may hold content or the token).</summary>
    public static string ErrorCode(Exception exception) => exception switch
    {
        ApiRequestException api => string.Create(CultureInfo.InvariantCulture, $"http-{api.ErrorCode}"),
        RequestException { HttpStatusCode: { } status } => string.Create(CultureInfo.InvariantCulture, $"http-{(int)status}"),
        RequestException => "network",
        HttpRequestException => "network",
        TaskCanceledException => "timeout",
        IOException => "network",
        IngestionBackPressureException => "back-pressure",
        _ => "error-" + exception.GetType().Name,
    };

    private TimeSpan Backoff(Exception exception, int consecutiveErrors)
    {
        if (exception is ApiRequestException { Parameters.RetryAfter: { } retryAfter } && retryAfter > 0)
        {
            return TimeSpan.FromSeconds(retryAfter);
        }

        var exponential = MinBackoff * Math.Pow(2, Math.Min(consecutiveErrors - 1, 16));
        return exponential > settings.MaxBackoff ? settings.MaxBackoff : exponential;
    }

    /// <summary>The ingestion queue refused an item: leave the cursor where it is and wait.</summary>
    /// <summary>Keeps the chat's username and title as last seen (saved with the caller's transaction).</summary>
    private async Task RememberChatAsync(HaechiDbContext db, RoutedUpdate routed, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var chat = await db.TelegramChats.FirstOrDefaultAsync(c => c.ChatId == routed.ChatId, cancellationToken).ConfigureAwait(false);
        if (chat is null)
        {
            chat = new TelegramChatRecord { ChatId = routed.ChatId, FirstSeenAt = now };
            db.TelegramChats.Add(chat);
        }

        chat.Username = routed.ChatUsername;
        chat.Title = routed.ChatTitle ?? chat.Title;
        chat.LastSeenAt = now;
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    private sealed class IngestionBackPressureException() : Exception("The ingestion queue is full.");

    [LoggerMessage(EventId = 6101, Level = LogLevel.Warning, Message = "Telegram poll failed ({Code}); next poll in {BackoffSeconds} s after {Handled} updates")]
    private static partial void LogPollFailed(ILogger logger, string code, int backoffSeconds, int handled);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Information, Message = "Telegram update {UpdateId} queued as ingest item {ItemId} ({Bytes} bytes)")]
    private static partial void LogIngested(ILogger logger, int updateId, long itemId, int bytes);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Information, Message = "Telegram update {UpdateId} became a report with {Photos} photos, {Videos} videos, {RefusedVideos} videos not fetched")]
    private static partial void LogReported(ILogger logger, int updateId, int photos, int videos, int refusedVideos);

    [LoggerMessage(EventId = 6104, Level = LogLevel.Information, Message = "Telegram update {UpdateId} refused ({Reason}, declared {DeclaredBytes} bytes)")]
    private static partial void LogRefused(ILogger logger, int updateId, string reason, long declaredBytes);

    [LoggerMessage(EventId = 6105, Level = LogLevel.Debug, Message = "Telegram update {UpdateId} ignored ({Reason})")]
    private static partial void LogIgnored(ILogger logger, int updateId, string reason);

    [LoggerMessage(EventId = 6106, Level = LogLevel.Warning, Message = "Telegram answer failed ({Code})")]
    private static partial void LogReplyFailed(ILogger logger, string code);

    [LoggerMessage(EventId = 6107, Level = LogLevel.Error, Message = "Telegram error could not be recorded ({Error})")]
    private static partial void LogStoreFailed(ILogger logger, string error);
}
