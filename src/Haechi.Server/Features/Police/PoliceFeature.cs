using System.Security.Claims;
using Haechi.Server.Features.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Haechi.Server.Features.Police;

/// <summary>The police queue's policy: investigators and admins (analysts decide "needs police" but do not see the queue).</summary>
internal static class PolicePolicies
{
    public const string Police = "police";
}

/// <summary>
/// Police referrals: a record in the police queue for every "needs police" decision and every
/// escalation of the notice loop (once per noticed item), the queue page <c>/police</c>, accept and
/// close, and the evidence package for investigators.
/// </summary>
internal static class PoliceFeature
{
    public static IServiceCollection AddPolice(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder().AddPolicy(PolicePolicies.Police, p => p.RequireRole(Roles.Investigator, Roles.Admin));
        services.TryAddScoped<CreatePoliceReferral>();
        services.TryAddScoped<ListPoliceReferrals>();
        services.TryAddScoped<PoliceEvidencePackage>();
        return services;
    }

    public static IEndpointRouteBuilder MapPoliceEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/police").WithTags("Police").RequireAuthorization(PolicePolicies.Police);
        api.MapGet("/referrals", async (ListPoliceReferrals list, CancellationToken ct) => TypedResults.Ok(await list.ExecuteAsync(ct).ConfigureAwait(false)))
            .WithSummary("The police queue: referrals from 'needs police' decisions and from the notice loop's escalations, open first.");
        api.MapGet("/referrals/{id:long}/package", PackageAsync)
            .WithSummary("The evidence package (zip): content opened from the seal (audited as reveals), fingerprints, sightings, notices, re-checks, host replies, custody entries and manifest.json with the SHA-256 of every file (audited).");
        api.MapPost("/referrals/{id:long}/status", StatusAsync)
            .WithSummary("Accepts or closes a referral: status 'accepted' or 'closed' (open → accepted → closed; audited).");
        return endpoints;
    }

    private static async Task<Results<FileContentHttpResult, NotFound>> PackageAsync(long id, ClaimsPrincipal principal, PoliceEvidencePackage package, HttpContext http, CancellationToken cancellationToken)
    {
        var export = await package.ExecuteAsync(id, AccountsEndpoints.UserId(principal)!, cancellationToken).ConfigureAwait(false);
        if (export is null)
        {
            return TypedResults.NotFound();
        }

        http.Response.Headers["X-Package-SHA256"] = export.Sha256;
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.File(export.Zip, "application/zip", export.FileName);
    }

    private static async Task<Results<NoContent, NotFound, Conflict, ValidationProblem>> StatusAsync(long id, ReferralStatusRequest request, ClaimsPrincipal principal, ListPoliceReferrals referrals, CancellationToken cancellationToken)
    {
        if (request?.Status is not { } to || !Enum.IsDefined(to))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>(StringComparer.Ordinal) { ["status"] = ["Choose accepted or closed."] });
        }

        return await referrals.ChangeAsync(id, to, AccountsEndpoints.UserId(principal)!, cancellationToken).ConfigureAwait(false) switch
        {
            ReferralChange.Changed => TypedResults.NoContent(),
            ReferralChange.NotAllowed => TypedResults.Conflict(),
            _ => TypedResults.NotFound(),
        };
    }
}
