using System.Security.Claims;
using Haechi.Data.Sealing;
using Haechi.Server.Features.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Haechi.Server.Features.Evidence;

/// <summary>One piece of content behind a review item: its position, "image" or "video", and where it came from ("report" or "ingest").</summary>
internal sealed record ContentPieceView(int Index, string Kind, string Origin);

/// <summary>One keyframe of a video: seconds into it and the JPEG, base64.</summary>
internal sealed record KeyframeView(double At, string Jpeg);

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
        review.MapGet("/content", PiecesAsync)
            .WithSummary("The pieces of content behind the item (every screenshot of a report, an ingested item's media), without content.");
        review.MapGet("/content/{index:int}/preview", PiecePreviewAsync)
            .WithSummary("The blurred grey preview of one piece (a video: its first keyframe), audited; 404 when there is no such piece.");
        review.MapPost("/content/{index:int}/reveal", PieceRevealAsync)
            .WithSummary("The original of one piece, unblurred (a video plays only from this). Audited before it is sent.");
        review.MapGet("/content/{index:int}/keyframes", KeyframesAsync)
            .WithSummary("A video piece's strip of keyframes, blurred and grey (JPEG, base64), audited; 404 when the piece is not a video.");
        review.MapPost("/content/{index:int}/keyframes/reveal", RevealKeyframesAsync)
            .WithSummary("The same keyframes, sharp. Audited before they are sent.");
        return endpoints;
    }

    private static async Task<Results<FileContentHttpResult, NotFound>> PreviewAsync(long id, HttpContext http, ClaimsPrincipal principal, EvidenceViewer viewer, CancellationToken cancellationToken) =>
        Served(http, await viewer.PreviewAsync(id, AccountsEndpoints.UserId(principal)!, cancellationToken).ConfigureAwait(false));

    private static async Task<Results<FileContentHttpResult, NotFound>> RevealAsync(long id, HttpContext http, ClaimsPrincipal principal, EvidenceViewer viewer, CancellationToken cancellationToken) =>
        Served(http, await viewer.RevealAsync(id, AccountsEndpoints.UserId(principal)!, cancellationToken).ConfigureAwait(false));

    private static async Task<Ok<ContentPieceView[]>> PiecesAsync(long id, EvidenceViewer viewer, CancellationToken cancellationToken) =>
        TypedResults.Ok((await viewer.PiecesAsync(id, cancellationToken).ConfigureAwait(false)).Select(p => new ContentPieceView(p.Index, p.IsVideo ? "video" : "image", p.EvidenceId is null ? "ingest" : "report")).ToArray());

    private static async Task<Results<FileContentHttpResult, NotFound>> PiecePreviewAsync(long id, int index, HttpContext http, ClaimsPrincipal principal, EvidenceViewer viewer, CancellationToken cancellationToken) =>
        Served(http, await viewer.PreviewAsync(id, index, AccountsEndpoints.UserId(principal)!, cancellationToken).ConfigureAwait(false));

    private static async Task<Results<FileContentHttpResult, NotFound>> PieceRevealAsync(long id, int index, HttpContext http, ClaimsPrincipal principal, EvidenceViewer viewer, CancellationToken cancellationToken) =>
        Served(http, await viewer.RevealAsync(id, index, AccountsEndpoints.UserId(principal)!, cancellationToken).ConfigureAwait(false));

    private static Task<Results<Ok<KeyframeView[]>, NotFound>> KeyframesAsync(long id, int index, HttpContext http, ClaimsPrincipal principal, EvidenceViewer viewer, CancellationToken cancellationToken) =>
        OpenKeyframesAsync(id, index, sharp: false, http, principal, viewer, cancellationToken);

    private static Task<Results<Ok<KeyframeView[]>, NotFound>> RevealKeyframesAsync(long id, int index, HttpContext http, ClaimsPrincipal principal, EvidenceViewer viewer, CancellationToken cancellationToken) =>
        OpenKeyframesAsync(id, index, sharp: true, http, principal, viewer, cancellationToken);

    private static async Task<Results<Ok<KeyframeView[]>, NotFound>> OpenKeyframesAsync(long id, int index, bool sharp, HttpContext http, ClaimsPrincipal principal, EvidenceViewer viewer, CancellationToken cancellationToken)
    {
        if (await viewer.KeyframesAsync(id, index, AccountsEndpoints.UserId(principal)!, sharp, cancellationToken).ConfigureAwait(false) is not { } keyframes)
        {
            return TypedResults.NotFound();
        }

        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(keyframes.Select(k => new KeyframeView(k.Timestamp, Convert.ToBase64String(k.Jpeg))).ToArray());
    }

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
