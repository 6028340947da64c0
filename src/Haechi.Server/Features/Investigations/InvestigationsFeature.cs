using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Haechi.Data.Audit;
using Haechi.Data.Sealing;
using Haechi.Media.Vision;
using Haechi.Server.Data;
using Haechi.Server.Features.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Haechi.Server.Features.Investigations;

/// <summary>Who may run forensic analyses and keep evidence: investigators and admins (analysts are refused).</summary>
internal static class InvestigationPolicies
{
    public const string Investigate = "investigate";
}

/// <summary>
/// Forensic analysis for investigators: the <c>/investigate</c> pages and <c>/api/investigations</c>
/// (suspect images analysed in memory with every method of <c>haechi analyze</c>, at most N at once;
/// previews and heatmaps blurred until an audited reveal; downloads audited; kept files sealed with
/// a chain of custody and exported for court as a zip).
/// </summary>
internal static class InvestigationsFeature
{
    public static IServiceCollection AddInvestigations(this IServiceCollection services)
    {
        services.AddOptions<InvestigationsOptions>().BindConfiguration(InvestigationsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddAuthorizationBuilder()
            .AddPolicy(InvestigationPolicies.Investigate, p => p.RequireRole(Roles.Investigator, Roles.Admin));
        services.AddVisionModels(sp => sp.GetRequiredService<DataDirectory>().Path);
        services.TryAddSingleton<AnalysisSlots>();
        services.TryAddSingleton<InvestigationSessions>();
        services.TryAddSingleton<SuspectUploads>();
        services.TryAddScoped<AnalyzeSuspectImages>();
        services.TryAddScoped<KeptEvidence>();
        return services;
    }

    public static IEndpointRouteBuilder MapInvestigationsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/investigations").WithTags("Investigations").RequireAuthorization(InvestigationPolicies.Investigate);
        api.MapPost("/", AnalyzeAsync)
            .Accepts<IFormFileCollection>("multipart/form-data")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Forensic analysis of suspect images: the JSON of 'haechi analyze --json' (an array, one object per file).")
            .WithDescription("multipart/form-data with up to Investigations:MaxFiles images as 'images' files, optional 'bank' fields (PDQ banks to search for the original; enrolled faces are searched too) and 'sources=true' to search the enrolled faces without a bank. Each image is decoded by libvips first; a corrupt or hostile file gives 400, an oversized one 413, and nothing is kept. At most Investigations:MaxConcurrentAnalyses run at once; beyond that, 503. The response header X-Investigation-Id names the analysis for the report downloads. Audited as investigation.analyzed.");
        api.MapGet("/{id:guid}/report.json", ReportJsonAsync)
            .WithSummary("Download the analysis as JSON (audited investigation.exported).");
        api.MapGet("/{id:guid}/report.html", ReportHtmlAsync)
            .WithSummary("Download the HTML report, heatmaps and comparisons grey and blurred (audited investigation.exported).");
        api.MapPost("/{id:guid}/keep", KeepAsync)
            .WithSummary("Keep the analysed files as evidence: sealed at rest with their SHA-256 and a custody entry (audited investigation.kept).");
        api.MapGet("/evidence", ListAsync)
            .WithSummary("Kept evidence with hashes and custody entries.");
        api.MapGet("/evidence/{id:long}/export", ExportAsync)
            .WithSummary("Court export (zip): the original as sealed out, report HTML and JSON, custody log, SHA256SUMS (audited investigation.exported).");
        return endpoints;
    }

    /// <summary>The body limit of an analysis request (page or API), or null for other requests.</summary>
    public static long? RequestLimit(HttpContext http)
    {
        var path = http.Request.Path;
        if (http.Request.HasFormContentType && (path.Equals("/api/investigations", StringComparison.OrdinalIgnoreCase) || path.Equals("/api/investigations/", StringComparison.OrdinalIgnoreCase) || path.Equals("/investigate", StringComparison.OrdinalIgnoreCase)))
        {
            return http.RequestServices.GetRequiredService<IOptions<InvestigationsOptions>>().Value.MaxRequestBytes;
        }

        return null;
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> AnalyzeAsync(HttpRequest http, ClaimsPrincipal principal, SuspectUploads uploads, AnalyzeSuspectImages analyze, CancellationToken cancellationToken)
    {
        if (!http.HasFormContentType)
        {
            return Problem(StatusCodes.Status400BadRequest, "Send the images as multipart/form-data ('images' files).");
        }

        var form = await http.ReadFormAsync(cancellationToken).ConfigureAwait(false);
        var (files, problem) = await uploads.CheckAsync(form.Files.GetFiles("images"), cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return Problem(problem.Status, problem.Message);
        }

        var sources = string.Equals(form["sources"], "true", StringComparison.OrdinalIgnoreCase);
        var outcome = await analyze.ExecuteAsync(files, [.. form["bank"].Select(b => b ?? string.Empty)], sources, AccountsEndpoints.UserId(principal)!, cancellationToken).ConfigureAwait(false);
        if (outcome.Investigation is not { } investigation)
        {
            return Problem(outcome.Status, outcome.Problem!);
        }

        http.HttpContext.Response.Headers["X-Investigation-Id"] = investigation.Id.ToString("N");
        return TypedResults.Content(investigation.Json(), "application/json", Encoding.UTF8);
    }

    private static async Task<Results<FileContentHttpResult, NotFound>> ReportJsonAsync(Guid id, HttpContext http, ClaimsPrincipal principal, InvestigationSessions sessions, AuditLog audit, CancellationToken cancellationToken)
    {
        var userId = AccountsEndpoints.UserId(principal)!;
        if (sessions.Get(id, userId) is not { } investigation)
        {
            return TypedResults.NotFound();
        }

        var bytes = Encoding.UTF8.GetBytes(investigation.Json());
        await AuditExportAsync(audit, userId, investigation, "json", bytes, cancellationToken).ConfigureAwait(false);
        return Download(http, bytes, "application/json", "haechi-analysis-" + id.ToString("N")[..8] + ".json");
    }

    private static async Task<Results<FileContentHttpResult, NotFound>> ReportHtmlAsync(Guid id, HttpContext http, ClaimsPrincipal principal, InvestigationSessions sessions, AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var userId = AccountsEndpoints.UserId(principal)!;
        if (sessions.Get(id, userId) is not { } investigation)
        {
            return TypedResults.NotFound();
        }

        var bytes = Encoding.UTF8.GetBytes(ReportRendering.Html(investigation, revealed: null, time.GetUtcNow()));
        await AuditExportAsync(audit, userId, investigation, "html", bytes, cancellationToken).ConfigureAwait(false);
        return Download(http, bytes, "text/html; charset=utf-8", "haechi-analysis-" + id.ToString("N")[..8] + ".html");
    }

    private static async Task<Results<Ok<KeptResponse>, NotFound>> KeepAsync(Guid id, ClaimsPrincipal principal, InvestigationSessions sessions, KeptEvidence kept, CancellationToken cancellationToken)
    {
        var userId = AccountsEndpoints.UserId(principal)!;
        if (sessions.Get(id, userId) is not { } investigation)
        {
            return TypedResults.NotFound();
        }

        var ids = await kept.KeepAsync(investigation, userId, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new KeptResponse(ids, [.. investigation.Files.Select(f => f.Report.Sha256)]));
    }

    private static async Task<Ok<IReadOnlyList<KeptItem>>> ListAsync(KeptEvidence kept, CancellationToken cancellationToken) =>
        TypedResults.Ok(await kept.ListAsync(cancellationToken).ConfigureAwait(false));

    private static async Task<Results<FileContentHttpResult, NotFound, ProblemHttpResult>> ExportAsync(long id, HttpContext http, ClaimsPrincipal principal, KeptEvidence kept, CancellationToken cancellationToken)
    {
        CustodyExport? export;
        try
        {
            export = await kept.ExportAsync(id, AccountsEndpoints.UserId(principal)!, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is CryptographicException or SealedContentException)
        {
            return Problem(StatusCodes.Status409Conflict, "The sealed original does not open or no longer matches its recorded SHA-256; it was not exported.");
        }

        if (export is null)
        {
            return TypedResults.NotFound();
        }

        http.Response.Headers["X-Export-Sha256"] = export.Sha256;
        return Download(http, export.Zip, "application/zip", export.FileName);
    }

    internal static async Task AuditExportAsync(AuditLog audit, string userId, Investigation investigation, string format, byte[] bytes, CancellationToken cancellationToken) =>
        await audit.AppendAsync(
            "user:" + userId,
            KeptEvidence.ExportedAction,
            "investigation:" + investigation.Id.ToString("N"),
            "format=" + format + ";files=" + investigation.Files.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) + ";sha256=" + Convert.ToHexStringLower(SHA256.HashData(bytes)),
            cancellationToken).ConfigureAwait(false);

    private static FileContentHttpResult Download(HttpContext http, byte[] bytes, string contentType, string fileName)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.File(bytes, contentType, fileName);
    }

    private static ProblemHttpResult Problem(int status, string detail) => TypedResults.Problem(detail, statusCode: status, title: status switch
    {
        StatusCodes.Status413PayloadTooLarge => "Image too large",
        StatusCodes.Status503ServiceUnavailable => "Analyses busy",
        StatusCodes.Status409Conflict => "Integrity check failed",
        _ => "Images refused",
    });
}

/// <summary>What keeping an analysis gave: the evidence ids and the files' SHA-256, in upload order.</summary>
internal sealed record KeptResponse(IReadOnlyList<long> EvidenceIds, IReadOnlyList<string> Sha256);
