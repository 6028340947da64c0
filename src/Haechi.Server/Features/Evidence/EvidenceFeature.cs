using System.Security.Claims;
using Haechi.Data.Sealing;
using Haechi.Server.Features.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Haechi.Server.Features.Evidence;

/// <summary>
/// Evidence files at rest and in front of analysts: sealed with the data directory's key ring
/// (or <c>Sealing:Key</c>), previews blurred and grey, originals only through an audited reveal.
/// </summary>
internal static class EvidenceFeature
{
    public static IServiceCollection AddEvidence(this IServiceCollection services)
    {
        services.AddOptions<EvidenceOptions>().BindConfiguration(EvidenceOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSealing();
        services.TryAddScoped<EvidenceViewer>();
        services.TryAddScoped<VideoEvidenceIntake>();
        return services;
    }

    public static IEndpointRouteBuilder MapEvidenceEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var review = endpoints.MapGroup("/api/review/items/{id:long}").WithTags("Review").RequireAuthorization(Policies.Review);
        review.MapGet("/preview", PreviewAsync)
            .WithSummary("The blurred grey preview of the item's screenshot (audited); 404 when it has none.");
        review.MapPost("/reveal", RevealAsync)
            .WithSummary("The original screenshot, unblurred. Audited before it is sent; ask again for each view.");
        return endpoints;
    }

    private static async Task<Results<FileContentHttpResult, NotFound>> PreviewAsync(long id, HttpContext http, ClaimsPrincipal principal, EvidenceViewer viewer, CancellationToken cancellationToken) =>
        Served(http, await viewer.PreviewAsync(id, AccountsEndpoints.UserId(principal)!, cancellationToken).ConfigureAwait(false));

    private static async Task<Results<FileContentHttpResult, NotFound>> RevealAsync(long id, HttpContext http, ClaimsPrincipal principal, EvidenceViewer viewer, CancellationToken cancellationToken) =>
        Served(http, await viewer.RevealAsync(id, AccountsEndpoints.UserId(principal)!, cancellationToken).ConfigureAwait(false));

    private static Results<FileContentHttpResult, NotFound> Served(HttpContext http, OpenedEvidence? evidence)
    {
        if (evidence is null)
        {
            return TypedResults.NotFound();
        }

        // Content never sits in a cache, and is never sniffed into something else.
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.File(evidence.Bytes, evidence.ContentType);
    }

    /// <summary>The body limit of a request: reports with evidence may carry the files, other requests the API limit.</summary>
    public static long? RequestLimit(HttpContext http)
    {
        var path = http.Request.Path;
        if (http.Request.HasFormContentType && http.Request.ContentType!.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase)
            && (path.Equals("/api/reports", StringComparison.OrdinalIgnoreCase) || path.Equals("/api/reports/", StringComparison.OrdinalIgnoreCase) || path.Equals("/report", StringComparison.OrdinalIgnoreCase)))
        {
            return http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<EvidenceOptions>>().Value.MaxRequestBytes;
        }

        return null;
    }
}
