using Haechi.Server.Features.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Haechi.Server.Features.Cases;

/// <summary>Victim cases: register fingerprints, check status with number + PIN, add more, withdraw.</summary>
internal static class CasesFeature
{
    public const string PinHeader = "X-Case-Pin";

    public static IServiceCollection AddCases(this IServiceCollection services)
    {
        services.TryAddSingleton<CasePinHasher>();
        services.TryAddScoped<CaseAccess>();
        services.TryAddScoped<CaseSignalWriter>();
        services.TryAddScoped<RegisterCase>();
        services.TryAddScoped<GetCase>();
        services.TryAddScoped<AddCaseSignals>();
        services.TryAddScoped<WithdrawCase>();
        services.TryAddScoped<FindItemCase>();
        services.TryAddScoped<RecordCaseMatch>();
        return services;
    }

    public static IEndpointRouteBuilder MapCasesEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var cases = endpoints.MapGroup("/api/cases").WithTags("Cases");
        cases.MapPost("/", CreateAsync).RequireRateLimiting(RateLimits.Submissions)
            .WithSummary("Register fingerprints computed on the victim's device; returns the case number and PIN once.");
        cases.MapGet("/{caseNumber}", GetAsync).RequireRateLimiting(RateLimits.PinChecks)
            .WithSummary("Status, history and signal count of a case (header X-Case-Pin). Unknown case or wrong PIN: 404.");
        cases.MapPost("/{caseNumber}/signals", AddSignalsAsync).RequireRateLimiting(RateLimits.PinChecks)
            .WithSummary("Add more fingerprints to a case (header X-Case-Pin).");
        cases.MapDelete("/{caseNumber}", WithdrawAsync).RequireRateLimiting(RateLimits.PinChecks)
            .WithSummary("Withdraw a case: its fingerprints leave every bank and index at once (header X-Case-Pin).");
        return endpoints;
    }

    private static async Task<Results<Created<CaseCreated>, ValidationProblem>> CreateAsync(CreateCaseRequest request, RegisterCase register, CancellationToken cancellationToken)
    {
        var (created, errors) = await register.ExecuteAsync(request, cancellationToken).ConfigureAwait(false);
        return created is null ? TypedResults.ValidationProblem(errors) : TypedResults.Created("/api/cases/" + created.CaseNumber, created);
    }

    private static async Task<Results<Ok<CaseView>, NotFound>> GetAsync(string caseNumber, [FromHeader(Name = PinHeader)] string? pin, GetCase get, CancellationToken cancellationToken)
    {
        var view = await get.ExecuteAsync(caseNumber, pin, cancellationToken).ConfigureAwait(false);
        return view is null ? TypedResults.NotFound() : TypedResults.Ok(view);
    }

    private static async Task<Results<Ok<SignalsAdded>, NotFound, ValidationProblem, Conflict<ProblemDetails>>> AddSignalsAsync(
        string caseNumber, [FromHeader(Name = PinHeader)] string? pin, AddSignalsRequest request, AddCaseSignals add, CancellationToken cancellationToken)
    {
        var (outcome, added, count, errors) = await add.ExecuteAsync(caseNumber, pin, request, cancellationToken).ConfigureAwait(false);
        return outcome switch
        {
            AddSignalsOutcome.Added => TypedResults.Ok(new SignalsAdded(added, count)),
            AddSignalsOutcome.Invalid => TypedResults.ValidationProblem(errors),
            AddSignalsOutcome.Withdrawn => TypedResults.Conflict(new ProblemDetails { Status = StatusCodes.Status409Conflict, Title = "Case withdrawn", Detail = "A withdrawn case accepts no signals; register a new case." }),
            _ => TypedResults.NotFound(),
        };
    }

    private static async Task<Results<NoContent, NotFound>> WithdrawAsync(string caseNumber, [FromHeader(Name = PinHeader)] string? pin, WithdrawCase withdraw, CancellationToken cancellationToken) =>
        await withdraw.ExecuteAsync(caseNumber, pin, cancellationToken).ConfigureAwait(false) ? TypedResults.NoContent() : TypedResults.NotFound();
}

/// <summary>Answer of <c>POST /api/cases/{caseNumber}/signals</c>.</summary>
/// <param name="Added">New signals stored (duplicates are not stored twice).</param>
/// <param name="SignalCount">Signals the case holds now.</param>
internal sealed record SignalsAdded(int Added, int SignalCount);
