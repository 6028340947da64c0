using System.Globalization;
using System.Security.Cryptography;
using Haechi.Core.Cases;
using Haechi.Core.Reports;
using Haechi.Core.Review;
using Haechi.Data;
using Haechi.Data.Cases;
using Haechi.Server.Features.Review;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Server.Features.Reports;

/// <summary>Body of <c>POST /api/reports</c>.</summary>
/// <param name="Urls">Links to the content, chat room or channel.</param>
/// <param name="Platform"><c>telegram</c>, <c>kakaoTalk</c>, <c>x</c>, <c>instagram</c>, <c>website</c> or <c>other</c>.</param>
/// <param name="Channel">Chat room or channel name.</param>
/// <param name="Description">Anything the reporter wants to add.</param>
/// <param name="PossibleMinor">The person shown may be under 18 (reviewed first).</param>
/// <param name="Contact">How to reach the reporter; leave out to stay anonymous.</param>
internal sealed record ReportRequest(IReadOnlyList<string>? Urls, ReportPlatform? Platform, string? Channel, string? Description, bool PossibleMinor, string? Contact);

/// <summary>The receipt of a stored report.</summary>
internal sealed record ReportReceipt(string Receipt);

/// <summary>Stores a public report; the receipt exists only once the report is committed.</summary>
internal sealed partial class SubmitReport(HaechiDbContext db, IReviewQueue queue, TimeProvider time, ILogger<SubmitReport> logger)
{
    public async Task<(ReportReceipt? Receipt, Dictionary<string, string[]> Errors)> ExecuteAsync(ReportRequest request, string intake, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var urls = (request.Urls ?? []).Where(u => !string.IsNullOrWhiteSpace(u)).Select(u => u.Trim()).ToList();
        var submission = new ReportSubmission(urls, request.Platform ?? ReportPlatform.Other, Blank(request.Channel), Blank(request.Description), request.PossibleMinor, Blank(request.Contact));
        var errors = ReportRules.Validate(submission);
        if (request.Platform is null)
        {
            errors["platform"] = ["Choose the platform (telegram, kakaoTalk, x, instagram, website or other)."];
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var record = new ReportRecord
        {
            Receipt = await NewReceiptAsync(cancellationToken).ConfigureAwait(false),
            Urls = string.Join('\n', submission.Urls),
            Platform = submission.Platform,
            Channel = submission.Channel,
            Description = submission.Description,
            PossibleMinor = submission.PossibleMinor,
            Contact = submission.Contact,
            Intake = intake,
            CreatedAt = time.GetUtcNow(),
            Priority = ReportRules.PriorityOf(submission),
        };
        // The report and its review item commit together: the receipt means both are stored.
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            db.Reports.Add(record);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await queue.EnqueueAsync(new ReviewItemInput(ReviewItemKind.Report, record.Id.ToString(CultureInfo.InvariantCulture), PossibleMinor: submission.PossibleMinor), cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        LogReceived(logger, record.Id, record.Priority, submission.Urls.Count);
        return (new ReportReceipt(record.Receipt), errors);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private async Task<string> NewReceiptAsync(CancellationToken cancellationToken)
    {
        var random = new byte[PublicNumber.RandomBytes];
        while (true)
        {
            RandomNumberGenerator.Fill(random);
            var receipt = ReceiptNumber.Create(random);
            if (!await db.Reports.AnyAsync(r => r.Receipt == receipt, cancellationToken).ConfigureAwait(false))
            {
                return receipt;
            }
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Report {ReportId} received (priority {Priority}, {UrlCount} links)")]
    private static partial void LogReceived(ILogger logger, long reportId, ReportPriority priority, int urlCount);
}
