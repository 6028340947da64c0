using System.Security.Claims;
using Haechi.Server.Features.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Haechi.Server.Features.Ingestion.WebSources;

/// <summary>
/// <c>/api/admin/sources</c>: the web watcher's sources for analysts and admins: list with health,
/// add, edit (disable with <c>enabled: false</c>), and visit now.
/// </summary>
internal static class WebSourcesEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var sources = endpoints.MapGroup("/api/admin/sources").WithTags("Ingestion").RequireAuthorization(Policies.Decide);
        sources.MapGet("/", ListAsync).WithSummary("Watched sources with their health (last visit, last success, last error code, items found and queued).");
        sources.MapPost("/", AddAsync).WithSummary("Add a watched source: url, depth (same-site pagination hops), revisitSeconds, enabled.");
        sources.MapPut("/{id:long}", UpdateAsync).WithSummary("Change a source; enabled=false disables it.");
        sources.MapPost("/{id:long}/visit", VisitAsync).WithSummary("Visit the source now and return what the visit did.");
    }

    private static async Task<Ok<List<WatchedSourceView>>> ListAsync(ManageWatchedSources manage, CancellationToken cancellationToken) =>
        TypedResults.Ok(await manage.ListAsync(cancellationToken).ConfigureAwait(false));

    private static async Task<Results<Created<WatchedSourceView>, ValidationProblem, NotFound>> AddAsync(WatchedSourceRequest request, ClaimsPrincipal principal, ManageWatchedSources manage, CancellationToken cancellationToken)
    {
        if (AccountsEndpoints.UserId(principal) is not { } userId)
        {
            return TypedResults.NotFound();
        }

        var (source, errors) = await manage.SaveAsync(null, request, userId, cancellationToken).ConfigureAwait(false);
        return source is null ? TypedResults.ValidationProblem(errors ?? []) : TypedResults.Created("/api/admin/sources/" + source.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), source);
    }

    private static async Task<Results<Ok<WatchedSourceView>, ValidationProblem, NotFound>> UpdateAsync(long id, WatchedSourceRequest request, ClaimsPrincipal principal, ManageWatchedSources manage, CancellationToken cancellationToken)
    {
        if (AccountsEndpoints.UserId(principal) is not { } userId)
        {
            return TypedResults.NotFound();
        }

        var (source, errors) = await manage.SaveAsync(id, request, userId, cancellationToken).ConfigureAwait(false);
        return source is not null ? TypedResults.Ok(source) : errors is null ? TypedResults.NotFound() : TypedResults.ValidationProblem(errors);
    }

    private static async Task<Results<Ok<SourceVisit>, NotFound>> VisitAsync(long id, VisitWatchedSource visit, CancellationToken cancellationToken) =>
        await visit.ExecuteAsync(id, cancellationToken).ConfigureAwait(false) is { } done ? TypedResults.Ok(done) : TypedResults.NotFound();
}
