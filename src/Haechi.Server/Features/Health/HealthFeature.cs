using Haechi.Data;
using Haechi.Server.Features.Matching;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Haechi.Server.Features.Health;

/// <summary>Readiness of the store and the index.</summary>
internal sealed record HealthView(string Status, bool Database, bool PdqIndex, int IndexedSignals);

/// <summary><c>GET /api/health</c>: 200 when the database answers and the PDQ index is loaded, else 503.</summary>
internal static class HealthFeature
{
    public static IServiceCollection AddHealth(this IServiceCollection services) => services;

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/health", CheckAsync).WithTags("Health").WithSummary("200 when the database and the PDQ index are ready, 503 otherwise.");
        return endpoints;
    }

    private static async Task<Results<Ok<HealthView>, JsonHttpResult<HealthView>>> CheckAsync(HaechiDbContext db, PdqIndex index, CancellationToken cancellationToken)
    {
        bool database;
        try
        {
            database = await db.Database.CanConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (System.Data.Common.DbException)
        {
            database = false;
        }

        var view = new HealthView(database && index.IsReady ? "ready" : "unavailable", database, index.IsReady, index.Count);
        return database && index.IsReady ? TypedResults.Ok(view) : TypedResults.Json(view, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
