using System.Globalization;
using System.Resources;
using Haechi.Core.Reports;
using Haechi.Pipeline.Telegram;
using Haechi.Server.Features.Evidence;
using Haechi.Server.Features.Reports;

namespace Haechi.Server.Features.Telegram;

/// <summary>
/// The bot's reports take the web form's path: <see cref="SubmitReport"/> (validation, group-commit
/// intake, receipt) with the photo checked by <see cref="EvidenceIntake"/> (decoded, fingerprinted,
/// matched against the banks, sealed) or the video by <see cref="VideoEvidenceIntake"/> (decoded by
/// FFmpeg, vPDQ matched against the video banks, sealed, a blurred poster), intake name
/// <c>telegram</c>. A video that was not fetched (too large) is noted on the report. The
/// connector's cursor moves in the report's own transaction.
/// </summary>
internal sealed class TelegramReportSink(IServiceScopeFactory scopes) : ITelegramReportSink
{
    /// <summary>The intake name of reports that came through the bot.</summary>
    public const string IntakeName = "telegram";

    private static readonly ResourceManager Texts = new("Haechi.Server.Resources.TelegramText", typeof(TelegramReportSink).Assembly);

    public async Task<TelegramReportOutcome> SubmitAsync(TelegramReport report, Func<Haechi.Data.HaechiDbContext, CancellationToken, Task> inTransaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(inTransaction);
        await using var scope = scopes.CreateAsyncScope();
        var evidence = scope.ServiceProvider.GetRequiredService<EvidenceIntake>();
        var submit = scope.ServiceProvider.GetRequiredService<SubmitReport>();
        ReportAttachments? inner = null;
        if (report.Photo is { } photo)
        {
            using var stream = new MemoryStream(photo, writable: false);
            IFormFile file = new FormFile(stream, 0, photo.Length, "evidence", "telegram-photo");
            var (files, errors) = await evidence.CheckAsync([file], cancellationToken).ConfigureAwait(false);
            if (errors.Count > 0)
            {
                return new TelegramReportOutcome(null, "evidence-refused");
            }

            inner = evidence.Attach(files);
        }
        else if (report.Video is not null || report.RefusedVideo is not null)
        {
            var videos = scope.ServiceProvider.GetRequiredService<VideoEvidenceIntake>();
            CheckedVideo? video = null;
            if (report.Video is { } sent)
            {
                // Matched by the one matcher, which reads the banks on its own connection.
                var (checkedVideo, _) = await videos.CheckAsync(sent.Bytes, sent.Kind, cancellationToken).ConfigureAwait(false);
                if (checkedVideo is null)
                {
                    return new TelegramReportOutcome(null, "evidence-refused");
                }

                video = checkedVideo;
            }

            var refused = report.RefusedVideo is { } r
                ? new RefusedVideo(r.Kind, r.Reason == "too-large" ? Haechi.Data.Review.ReportAttachmentRecord.TooLarge : Haechi.Data.Review.ReportAttachmentRecord.Unavailable, r.DeclaredBytes, r.MaxBytes)
                : null;
            inner = videos.Attach(video, refused);
        }

        ReportAttachments attachments = async (db, record, ct) =>
        {
            var item = inner is null
                ? new Haechi.Pipeline.Review.ReviewItemInput(Haechi.Core.Review.ReviewItemKind.Report, record.Id.ToString(CultureInfo.InvariantCulture), PossibleMinor: record.PossibleMinor)
                : await inner(db, record, ct).ConfigureAwait(false);
            await inTransaction(db, ct).ConfigureAwait(false);
            return item;
        };
        var channel = report.Channel ?? (report.Urls.Count == 0 ? Texts.GetString("ChannelUnknown", CultureInfo.InvariantCulture) : null);
        var request = new ReportRequest(report.Urls, ReportPlatform.Telegram, channel, report.Description, report.PossibleMinor, Contact: null);
        var (receipt, validation) = await submit.ExecuteAsync(request, IntakeName, cancellationToken, attachments).ConfigureAwait(false);
        return receipt is null ? new TelegramReportOutcome(null, "invalid-" + string.Join('-', validation.Keys)) : new TelegramReportOutcome(receipt.Receipt, null);
    }

    public string Reply(TelegramReply reply, string? receipt)
    {
        var key = reply.ToString();
        var korean = Texts.GetString(key, CultureInfo.GetCultureInfo("ko")) ?? key;
        var english = Texts.GetString(key, CultureInfo.InvariantCulture) ?? key;
        var text = korean + "\n\n" + english;
        return string.Format(CultureInfo.InvariantCulture, text, receipt ?? string.Empty);
    }
}
