using System.Security.Claims;
using Haechi.Pipeline.Review;
using Haechi.Server.Features.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Haechi.Server.Features.Review;

/// <summary>The analysts' review queue: one list of reports and matches in priority order, decisions audited.</summary>
internal static class ReviewFeature
{
    public static IServiceCollection AddReview(this IServiceCollection services)
    {
        services.AddReviewQueue();
        services.TryAddScoped<ListReviewQueue>();
        services.TryAddScoped<DecideReviewItem>();
        services.TryAddScoped<AddConfirmedContent>();
        services.TryAddScoped<GetItemProvenance>();
        return services;
    }

    public static IEndpointRouteBuilder MapReviewEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var review = endpoints.MapGroup("/api/review").WithTags("Review").RequireAuthorization(Policies.Review);
        review.MapGet("/items", ListAsync).WithSummary("One page of items in priority order (minor flag, priority, match strength, nudity score, age) with the total the filter matches and the count classified without review. ?state=open|decided|awaiting-notice, ?signal=pdq|view|vpdq|face|nudity|none, ?source=report|web|telegram|import|admin, ?platform=, ?age=24h|7d|older, ?minor=1, ?q= (receipt, item number or part of a URL), ?page=N, ?take=N (per page, at most 200).");
        review.MapGet("/items/{id:long}", GetAsync).WithSummary("One item; 404 when unknown or classified by an earlier decision.");
        review.MapGet("/items/{id:long}/provenance", ProvenanceAsync)
            .WithSummary("Where the item's content came from: URL, t.me link, seized batch, first and last seen, and every other place the same content was seen; 404 when unknown.");
        review.MapPost("/items/{id:long}/decision", DecideAsync).RequireAuthorization(Policies.Decide)
            .WithSummary("confirm, notAbuse, needsPolice or duplicate, with a reason (audited).");
        return endpoints;
    }

    private static async Task<Ok<ReviewQueueView>> ListAsync(
        ListReviewQueue list, [FromQuery] int? take, [FromQuery] int? page, [FromQuery] string? state, [FromQuery] string? signal, [FromQuery] string? source,
        [FromQuery] string? platform, [FromQuery] string? age, [FromQuery] string? minor, [FromQuery] string? q, CancellationToken cancellationToken) =>
        TypedResults.Ok(await list.ExecuteAsync(ReviewQueueFilter.Parse(state, signal, source, platform, age, minor, q, page, take), cancellationToken).ConfigureAwait(false));

    private static async Task<Results<Ok<ReviewItemView>, NotFound>> GetAsync(long id, ListReviewQueue list, CancellationToken cancellationToken) =>
        await list.GetAsync(id, cancellationToken).ConfigureAwait(false) is { } item ? TypedResults.Ok(item) : TypedResults.NotFound();

    private static async Task<Results<Ok<ItemProvenance>, NotFound>> ProvenanceAsync(long id, GetItemProvenance provenance, CancellationToken cancellationToken) =>
        await provenance.ExecuteAsync(id, cancellationToken).ConfigureAwait(false) is { } found ? TypedResults.Ok(found) : TypedResults.NotFound();

    private static async Task<Results<NoContent, NotFound, ValidationProblem, Conflict<ProblemDetails>>> DecideAsync(long id, DecisionRequest request, ClaimsPrincipal principal, DecideReviewItem decide, CancellationToken cancellationToken)
    {
        var (outcome, errors) = await decide.ExecuteAsync(id, AccountsEndpoints.UserId(principal)!, request, cancellationToken).ConfigureAwait(false);
        return outcome switch
        {
            DecideOutcome.Decided => TypedResults.NoContent(),
            DecideOutcome.Invalid => TypedResults.ValidationProblem(errors),
            DecideOutcome.AlreadyDecided => TypedResults.Conflict(new ProblemDetails { Status = StatusCodes.Status409Conflict, Title = "Already decided", Detail = "Another analyst decided this item first." }),
            _ => TypedResults.NotFound(),
        };
    }
}
