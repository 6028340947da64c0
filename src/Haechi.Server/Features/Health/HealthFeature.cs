using System.Text.Json;
using Haechi.Data;
using Haechi.Data.Banks;
using Haechi.Pipeline.Matching;
using Haechi.Server.Features.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Haechi.Server.Features.Health;

/// <summary>One index host: what it holds and how far behind the store it is.</summary>
/// <param name="SignalType">The signal type it indexes.</param>
/// <param name="Entries">Entries (images, videos' frames, faces) in it.</param>
/// <param name="AppliedChange">The last bank change it holds.</param>
/// <param name="ChangesBehind">Bank changes committed to the store that it does not hold yet.</param>
/// <param name="Source">How it was loaded (snapshot, caught up, built from rows).</param>
internal sealed record IndexHealthView(string SignalType, int Entries, long AppliedChange, long ChangesBehind, string Source);

/// <summary>One background duty of this process: its role, whether it runs, when it last finished a pass and its last error (an exception type name).</summary>
internal sealed record DutyHealthView(string Duty, string Role, bool Running, DateTimeOffset? StartedAt, DateTimeOffset? LastPassAt, string? LastError, DateTimeOffset? LastErrorAt);

/// <summary>Readiness of the store and the indexes, with how stale each index is.</summary>
/// <param name="Status">"ready" or "unavailable".</param>
/// <param name="Database">The database answers.</param>
/// <param name="PdqIndex">The indexes are loaded.</param>
/// <param name="IndexedSignals">PDQ entries in the index.</param>
/// <param name="StoreChange">The last bank change in the store.</param>
/// <param name="RefreshedAt">When the indexes last caught up with the change log (UTC).</param>
/// <param name="SecondsSinceRefresh">Seconds since then: the longest a change could have waited.</param>
/// <param name="Indexes">Each index host.</param>
/// <param name="Roles">The roles this process runs (<c>web</c>, <c>pipeline</c>, <c>watchers</c>, <c>notices</c>).</param>
/// <param name="Duties">Each background duty that started in this process.</param>
internal sealed record HealthView(string Status, bool Database, bool PdqIndex, int IndexedSignals, long StoreChange, DateTimeOffset? RefreshedAt, double? SecondsSinceRefresh, IReadOnlyList<IndexHealthView> Indexes, IReadOnlyList<string> Roles, IReadOnlyList<DutyHealthView> Duties);

/// <summary>
/// <c>GET /api/health</c>: 200 when the database answers and the indexes are loaded, else 503; says
/// how stale each index is and which roles this process runs. Every process serves it, a worker
/// process (<c>Roles:Web=false</c>) nothing else.
/// </summary>
internal static class HealthFeature
{
    public static IServiceCollection AddHealth(this IServiceCollection services) => services;

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/health", CheckAsync).WithTags("Health").WithSummary("200 when the database and the indexes are ready, 503 otherwise; each index's checkpoint and how many bank changes it is behind; the roles this process runs and each background duty (running, last pass, last error).");
        return endpoints;
    }

    private static async Task<Results<Ok<HealthView>, JsonHttpResult<HealthView>>> CheckAsync(HaechiDbContext db, Matcher matcher, HostRoles roles, RoleActivity activity, TimeProvider time, CancellationToken cancellationToken)
    {
        bool database;
        long storeChange = 0;
        try
        {
            database = await db.Database.CanConnectAsync(cancellationToken).ConfigureAwait(false);
            if (database)
            {
                storeChange = await new BankSignalReader(db).GetLastChangeIdAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (System.Data.Common.DbException)
        {
            database = false;
        }

        var status = matcher.Status;
        var indexes = new List<IndexHealthView>(status.Indexes.Count);
        foreach (var index in status.Indexes)
        {
            indexes.Add(new IndexHealthView(index.SignalType, index.Count, index.AppliedChange, Math.Max(0, storeChange - index.AppliedChange), index.Source));
        }

        double? since = status.RefreshedAt is { } at ? Math.Round((time.GetUtcNow() - at).TotalSeconds, 1) : null;
        var ready = database && status.Loaded;
        var duties = activity.Snapshot().Select(static d => new DutyHealthView(
            JsonNamingPolicy.CamelCase.ConvertName(d.Duty.ToString()), RoleActivity.RoleOf(d.Duty), d.Running, d.StartedAt, d.LastPassAt, d.LastError, d.LastErrorAt)).ToList();
        var view = new HealthView(ready ? "ready" : "unavailable", database, status.Loaded, matcher.PdqCount, storeChange, status.RefreshedAt, since, indexes, roles.Names, duties);
        return ready ? TypedResults.Ok(view) : TypedResults.Json(view, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
