using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Haechi.Core.Hashing;
using Haechi.Core.Takedowns;
using Haechi.Data;
using Haechi.Data.Takedowns;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Haechi.Server.Features.Takedowns;

/// <summary>
/// Tries to deliver one pending notice (SMTP via MailKit, or a JSON POST signed with HMAC-SHA256),
/// records the outcome, and on success applies <see cref="NoticeRules.NoticeSent"/> to every item
/// it lists. A failure schedules the next attempt with doubling back-off; after
/// <see cref="TakedownsOptions.MaxAttempts"/> the notice is marked failed (shown on /takedowns).
/// </summary>
internal sealed partial class DeliverNotice(HaechiDbContext db, IHttpClientFactory http, IOptions<TakedownsOptions> options, TimeProvider time, ILogger<DeliverNotice> logger)
{
    public const string SignatureHeader = "X-Haechi-Signature";
    public const string HttpClientName = "takedown-webhooks";

    /// <summary>How long a claimed delivery is held before another pass may try it (a crash mid-send retries after it).</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Delivers a pending notice. The loop passes <paramref name="creator"/> false and only takes a
    /// notice whose next attempt is due; the code that just queued it passes true. Either way the
    /// attempt is claimed atomically (attempt count compared and incremented), so two passes never
    /// send the same notice twice.
    /// </summary>
    public async Task<NoticeDelivery> ExecuteAsync(long noticeId, bool creator, CancellationToken cancellationToken)
    {
        var seen = await db.TakedownNotices.AsNoTracking().Where(n => n.Id == noticeId).Select(n => new { n.Delivery, n.Attempts, n.NextAttemptAt })
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (seen is null || seen.Delivery != NoticeDelivery.Pending || (!creator && seen.NextAttemptAt > time.GetUtcNow()))
        {
            return seen?.Delivery ?? NoticeDelivery.Failed;
        }

        var leaseUntil = time.GetUtcNow() + Lease;
        var claimed = await db.TakedownNotices.Where(n => n.Id == noticeId && n.Delivery == NoticeDelivery.Pending && n.Attempts == seen.Attempts)
            .ExecuteUpdateAsync(u => u.SetProperty(n => n.Attempts, seen.Attempts + 1).SetProperty(n => n.NextAttemptAt, leaseUntil), cancellationToken).ConfigureAwait(false);
        if (claimed == 0)
        {
            return NoticeDelivery.Pending;
        }

        var notice = await db.TakedownNotices.FirstAsync(n => n.Id == noticeId, cancellationToken).ConfigureAwait(false);
        await db.Entry(notice).ReloadAsync(cancellationToken).ConfigureAwait(false); // it may have been tracked before the claim
        var contact = await db.PlatformContacts.AsNoTracking().FirstAsync(c => c.Id == notice.ContactId, cancellationToken).ConfigureAwait(false);
        var items = await (from link in db.TakedownNoticeItems
                           join item in db.NoticedItems on link.NoticedItemId equals item.Id
                           where link.NoticeId == noticeId
                           orderby item.Id
                           select item).ToListAsync(cancellationToken).ConfigureAwait(false);
        // Notices stop when content is gone: items that no longer accept notices (removed, unavailable,
        // moved, not illegal since the notice was queued) are dropped from it; with none left it is not sent.
        var closed = items.Where(i => !NoticeRules.AcceptsNotices(i.Status)).ToList();
        if (closed.Count > 0)
        {
            var closedIds = closed.Select(i => i.Id).ToList();
            db.TakedownNoticeItems.RemoveRange(await db.TakedownNoticeItems.Where(l => l.NoticeId == noticeId && closedIds.Contains(l.NoticedItemId)).ToListAsync(cancellationToken).ConfigureAwait(false));
            items = [.. items.Where(i => NoticeRules.AcceptsNotices(i.Status))];
            if (items.Count == 0)
            {
                notice.Delivery = NoticeDelivery.Failed;
                notice.LastError = "content-gone";
                notice.NextAttemptAt = null;
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                LogDropped(logger, notice.Id);
                return notice.Delivery;
            }

            var text = NoticeText.Build(notice.Language, options.Value.Organisation, notice.Id, notice.Round, notice.Escalated,
                [.. items.Select(i => new NoticeLine(i.Url, i.Pdq, i.Sha256, i.FirstSeenAt, i.FirstNoticeAt, i.NoticesSent))]);
            notice.Subject = text.Subject;
            notice.Body = text.Body;
        }

        string? error;
        string? messageId = null;
        try
        {
            (messageId, error) = notice.Channel == NoticeChannel.Email
                ? await SendMailAsync(notice, contact, cancellationToken).ConfigureAwait(false)
                : await PostWebhookAsync(notice, contact, items, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or SmtpCommandException or SmtpProtocolException or AuthenticationException or SslHandshakeException or HttpRequestException or TaskCanceledException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            error = e switch
            {
                System.Net.Sockets.SocketException => "connect",
                SmtpCommandException command => string.Create(CultureInfo.InvariantCulture, $"smtp-{(int)command.StatusCode}"),
                SmtpProtocolException => "smtp-protocol",
                AuthenticationException => "smtp-auth",
                SslHandshakeException => "tls",
                HttpRequestException { StatusCode: { } status } => string.Create(CultureInfo.InvariantCulture, $"http-{(int)status}"),
                HttpRequestException => "http-connect",
                TaskCanceledException or OperationCanceledException => "timeout",
                _ => "io",
            };
        }

        var now = time.GetUtcNow();
        if (error is null)
        {
            notice.Delivery = NoticeDelivery.Sent;
            notice.SentAt = now;
            notice.MessageId = messageId;
            notice.NextAttemptAt = null;
            notice.LastError = null;
            foreach (var item in items)
            {
                var state = NoticeRules.NoticeSent(NoticeStates.Of(item), now);
                NoticeStates.Apply(item, state);
            }

            LogSent(logger, notice.Id, items.Count, notice.Attempts);
        }
        else
        {
            notice.LastError = error;
            var o = options.Value;
            if (notice.Attempts >= o.MaxAttempts)
            {
                notice.Delivery = NoticeDelivery.Failed;
                notice.NextAttemptAt = null;
            }
            else
            {
                notice.NextAttemptAt = now + Backoff(o.RetryDelay, notice.Attempts);
            }

            LogFailed(logger, notice.Id, notice.Attempts, error);
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return notice.Delivery;
    }

    /// <summary>Delay before attempt <paramref name="attempts"/> + 1: the first delay doubled per attempt, at most 6 hours.</summary>
    public static TimeSpan Backoff(TimeSpan first, int attempts)
    {
        var factor = Math.Pow(2, Math.Clamp(attempts - 1, 0, 20));
        var delay = TimeSpan.FromTicks((long)Math.Min(first.Ticks * factor, TimeSpan.FromHours(6).Ticks));
        return delay;
    }

    /// <summary>HMAC-SHA256 of the exact body bytes with the contact's secret, as <c>sha256=hex</c>.</summary>
    public static string Sign(string secret, ReadOnlySpan<byte> body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private async Task<(string? MessageId, string? Error)> SendMailAsync(TakedownNoticeRecord notice, PlatformContactRecord contact, CancellationToken cancellationToken)
    {
        var smtp = options.Value.Smtp;
        if (string.IsNullOrWhiteSpace(smtp.Host))
        {
            return (null, "smtp-not-configured");
        }

        if (string.IsNullOrWhiteSpace(contact.Email) || !MailboxAddress.TryParse(contact.Email, out var to))
        {
            return (null, "no-email");
        }

        using var message = new MimeMessage();
        message.From.Add(new MailboxAddress(options.Value.Organisation, smtp.From));
        message.To.Add(to);
        message.Subject = notice.Subject;
        message.Date = time.GetUtcNow();
        var domain = smtp.From.Contains('@', StringComparison.Ordinal) ? smtp.From[(smtp.From.IndexOf('@', StringComparison.Ordinal) + 1)..] : "haechi.invalid";
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(domain);
        message.Headers.Add("X-Haechi-Notice", notice.Id.ToString(CultureInfo.InvariantCulture));
        var text = new TextPart(MimeKit.Text.TextFormat.Plain) { Text = notice.Body };
        text.Headers.Add("Content-Language", notice.Language);
        message.Body = text;

        using var client = new SmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
        var security = Enum.TryParse<SecureSocketOptions>(smtp.Security, ignoreCase: true, out var parsed) ? parsed : SecureSocketOptions.StartTls;
        await client.ConnectAsync(smtp.Host, smtp.Port, security, cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(smtp.UserName))
        {
            await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? string.Empty, cancellationToken).ConfigureAwait(false);
        }

        await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        await client.DisconnectAsync(quit: true, cancellationToken).ConfigureAwait(false);
        return (message.MessageId, null);
    }

    private async Task<(string? MessageId, string? Error)> PostWebhookAsync(TakedownNoticeRecord notice, PlatformContactRecord contact, List<NoticedItemRecord> items, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(contact.WebhookUrl, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http"))
        {
            return (null, "no-webhook");
        }

        var payload = new WebhookPayload(
            notice.Id,
            notice.Round,
            notice.Escalated,
            notice.Language,
            notice.Subject,
            notice.Body,
            [.. items.Select(i => new WebhookItem(
                i.Url,
                i.Pdq is { Length: 32 } pdq ? Hash256.ReadBigEndian(pdq).ToString() : null,
                i.Sha256 is { Length: 32 } sha ? Convert.ToHexStringLower(sha) : null,
                i.FirstSeenAt,
                i.FirstNoticeAt))]);
        var body = JsonSerializer.SerializeToUtf8Bytes(payload, JsonSerializerOptions.Web);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        var deliveryId = "haechi-notice-" + notice.Id.ToString(CultureInfo.InvariantCulture) + "-" + notice.Attempts.ToString(CultureInfo.InvariantCulture);
        request.Headers.Add("X-Haechi-Delivery", deliveryId);
        if (!string.IsNullOrEmpty(contact.WebhookSecret))
        {
            request.Headers.Add(SignatureHeader, Sign(contact.WebhookSecret, body));
        }

        using var response = await http.CreateClient(HttpClientName).SendAsync(request, cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode
            ? (deliveryId, null)
            : (null, string.Create(CultureInfo.InvariantCulture, $"http-{(int)response.StatusCode}"));
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Notice {NoticeId} delivered ({Items} items, attempt {Attempt})")]
    private static partial void LogSent(ILogger logger, long noticeId, int items, int attempt);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "Notice {NoticeId} not sent: every item it listed is gone, moved or answered")]
    private static partial void LogDropped(ILogger logger, long noticeId);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Notice {NoticeId} attempt {Attempt} failed: {Error}")]
    private static partial void LogFailed(ILogger logger, long noticeId, int attempt, string error);
}

/// <summary>The webhook's JSON body.</summary>
internal sealed record WebhookPayload(long NoticeId, int Round, bool Escalated, string Language, string Subject, string Text, IReadOnlyList<WebhookItem> Items);

/// <summary>One item in the webhook's JSON body.</summary>
internal sealed record WebhookItem(string Url, string? Pdq, string? Sha256, DateTimeOffset FirstSeenAt, DateTimeOffset? FirstNoticeAt);

/// <summary>Maps noticed-item rows to the Core state machine and back.</summary>
internal static class NoticeStates
{
    public static NoticeState Of(NoticedItemRecord item) => new()
    {
        Status = item.Status,
        NoticesSent = item.NoticesSent,
        FirstNoticeAt = item.FirstNoticeAt,
        LastNoticeAt = item.LastNoticeAt,
        RemovedAt = item.RemovedAt,
        Rechecks = item.Rechecks,
    };

    public static void Apply(NoticedItemRecord item, NoticeState state)
    {
        item.Status = state.Status;
        item.NoticesSent = state.NoticesSent;
        item.FirstNoticeAt = state.FirstNoticeAt;
        item.LastNoticeAt = state.LastNoticeAt;
        item.RemovedAt = state.RemovedAt;
        item.Rechecks = state.Rechecks;
    }
}
