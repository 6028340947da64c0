using System.Text.Json;
using Haechi.Core.Reports;
using Haechi.Server.Features.Api;
using Haechi.Server.Features.Evidence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Haechi.Server.Features.Reports;

/// <summary>The public "deepfake report" channel.</summary>
internal static class ReportsFeature
{
    public static IServiceCollection AddReports(this IServiceCollection services)
    {
        services.TryAddScoped<SubmitReport>();
        services.TryAddScoped<GetReceiptStatus>();
        services.TryAddScoped<GetReportFollowUp>();
        services.TryAddScoped<EvidenceIntake>();
        services.TryAddSingleton<ReportIntake>();
        services.AddHostedService(static sp => sp.GetRequiredService<ReportIntake>());
        return services;
    }

    public static IEndpointRouteBuilder MapReportsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var reports = endpoints.MapGroup("/api/reports").WithTags("Reports");
        reports.MapGet("/{receipt}/status", StatusAsync).RequireRateLimiting(RateLimits.ReceiptChecks)
            .WithSummary("A reporter's look-up of her receipt: received, under review or action taken, and since when (with the day in KST); 404 'No such receipt' otherwise.")
            .WithDescription("Says nothing else about the report: no links, no analyst, no decision, no content. Rate-limited per client like the case look-up.");
        reports
            .MapPost("/", SubmitAsync).RequireRateLimiting(RateLimits.Submissions)
            .Accepts<ReportRequest>("application/json", "multipart/form-data")
            .Produces<ReportReceipt>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .WithSummary("Report deepfake sexual abuse content; returns a receipt once the report is stored.")
            .WithDescription("JSON, or multipart/form-data with the same fields (urls may repeat) and up to Evidence:MaxFiles screenshots as 'evidence' files. Screenshots are decoded to check they are images, fingerprinted, matched against the banks and stored encrypted; nothing is stored when any file is refused.");
        return endpoints;
    }

    private static async Task<Results<Ok<ReceiptStatusView>, ProblemHttpResult>> StatusAsync(string receipt, GetReceiptStatus status, CancellationToken cancellationToken) =>
        await status.ExecuteAsync(receipt, cancellationToken).ConfigureAwait(false) is { } progress
            ? TypedResults.Ok(new ReceiptStatusView(progress.State, progress.Since, Pages.KoreaTime.FormatDate(progress.Since)))
            : TypedResults.Problem(title: "No such receipt", detail: "No report has this receipt number. Check it and try again.", statusCode: StatusCodes.Status404NotFound);

    private static async Task<Results<Created<ReportReceipt>, ValidationProblem>> SubmitAsync(HttpRequest http, SubmitReport submit, EvidenceIntake evidence, CancellationToken cancellationToken)
    {
        ReportRequest? request;
        ReportAttachments? attachments = null;
        if (http.HasFormContentType)
        {
            var form = await http.ReadFormAsync(cancellationToken).ConfigureAwait(false);
            request = FromForm(form, out var formErrors);
            if (formErrors.Count > 0)
            {
                return TypedResults.ValidationProblem(formErrors);
            }

            var (files, errors) = await evidence.CheckAsync(form.Files.GetFiles("evidence"), cancellationToken).ConfigureAwait(false);
            if (errors.Count > 0)
            {
                return TypedResults.ValidationProblem(errors);
            }

            attachments = evidence.Attach(files);
        }
        else
        {
            try
            {
                request = await http.ReadFromJsonAsync<ReportRequest>(cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException ex)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [ex.Path is { Length: > 2 } path ? path[2..] : "body"] = ["This value is not valid here (see the API reference at /scalar)."] });
            }

            if (request is null)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["Send the report as JSON or multipart/form-data."] });
            }
        }

        var (receipt, validation) = await submit.ExecuteAsync(request, "api", cancellationToken, attachments).ConfigureAwait(false);
        return receipt is null ? TypedResults.ValidationProblem(validation) : TypedResults.Created((string?)null, receipt);
    }

    /// <summary>The report fields of a multipart form (the same names as the JSON body).</summary>
    internal static ReportRequest FromForm(IFormCollection form, out Dictionary<string, string[]> errors)
    {
        errors = [];
        ReportPlatform? platform = null;
        if (form.TryGetValue("platform", out var platformText) && !string.IsNullOrWhiteSpace(platformText))
        {
            if (Enum.TryParse<ReportPlatform>(platformText.ToString(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(platformText.ToString(), out _))
            {
                platform = parsed;
            }
            else
            {
                errors["platform"] = ["Choose the platform (telegram, kakaoTalk, x, instagram, website or other)."];
            }
        }

        var possibleMinor = false;
        if (form.TryGetValue("possibleMinor", out var minorText) && !string.IsNullOrWhiteSpace(minorText) && !bool.TryParse(minorText.ToString(), out possibleMinor))
        {
            errors["possibleMinor"] = ["possibleMinor is true or false."];
        }

        var urls = new List<string>();
        foreach (var value in form["urls"])
        {
            urls.AddRange(ReportRules.SplitLinks(value));
        }

        return new ReportRequest(urls, platform, form["channel"].ToString(), form["description"].ToString(), possibleMinor, form["contact"].ToString());
    }
}
