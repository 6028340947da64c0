using System.ComponentModel.DataAnnotations;

namespace Haechi.Server.Features.Reports;

/// <summary>Public reports (section <c>Reports</c>).</summary>
internal sealed class ReportsOptions
{
    public const string Section = "Reports";

    /// <summary>New reports and new cases one client address may submit per minute.</summary>
    [Range(1, 1_000_000)]
    public int SubmissionsPerMinutePerClient { get; set; } = 10;

    /// <summary>Receipt look-ups (<c>/report/status</c> and its API) one client address may make per minute.</summary>
    [Range(1, 1_000_000)]
    public int ReceiptChecksPerMinutePerClient { get; set; } = 20;
}
