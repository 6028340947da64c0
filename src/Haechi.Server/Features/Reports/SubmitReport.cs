using Haechi.Core.Reports;
using Haechi.Data.Cases;

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

/// <summary>Checks a public report and hands it to <see cref="ReportIntake"/>; the receipt exists only once the report is committed.</summary>
internal sealed class SubmitReport(ReportIntake intake, TimeProvider time)
{
    public async Task<(ReportReceipt? Receipt, Dictionary<string, string[]> Errors)> ExecuteAsync(ReportRequest request, string intakeName, CancellationToken cancellationToken, ReportAttachments? attachments = null)
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
            Receipt = string.Empty, // assigned by the writer, unique in the store
            Urls = string.Join('\n', submission.Urls),
            Platform = submission.Platform,
            Channel = submission.Channel,
            Description = submission.Description,
            PossibleMinor = submission.PossibleMinor,
            Contact = submission.Contact,
            Intake = intakeName,
            CreatedAt = time.GetUtcNow(),
            Priority = ReportRules.PriorityOf(submission),
        };
        // The report and its review item commit together: the receipt means both are stored.
        var receipt = await intake.StoreAsync(record, attachments, cancellationToken).ConfigureAwait(false);
        return (new ReportReceipt(receipt), errors);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
