using Haechi.Server.Features.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Haechi.Server.Features.Cases;

/// <summary>Victim cases: register fingerprints, check status with number + PIN, add more, withdraw.</summary>
internal static class CasesFeature
{
    public const string PinHeader = "X-Case-Pin";

    public static IServiceCollection AddCases(this IServiceCollection services)
    {
        services.TryAddSingleton<PinPepper>();
        services.TryAddSingleton<CasePinHasher>();
        services.TryAddScoped<CaseAccess>();
        services.TryAddScoped<CaseSignalWriter>();
        services.TryAddScoped<RegisterCase>();
        services.TryAddScoped<GetCase>();
        services.TryAddScoped<AddCaseSignals>();
        services.TryAddScoped<WithdrawCase>();
        services.TryAddScoped<FindItemCase>();
        services.TryAddScoped<RecordCaseMatch>();
        services.TryAddSingleton<FaceSetup>();
        services.TryAddScoped<GetItemCase>();
        return services;
    }

    public static IEndpointRouteBuilder MapCasesEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // The PIN pepper is read (or created) at start, so a misplaced or malformed one stops the process with its setting's name.
        _ = endpoints.ServiceProvider.GetRequiredService<PinPepper>();
        var cases = endpoints.MapGroup("/api/cases").WithTags("Cases");
        cases.MapPost("/", CreateAsync).RequireRateLimiting(RateLimits.Submissions)
            .WithSummary("Register fingerprints computed on the victim's device; returns the case number and PIN once.");
        cases.MapGet("/{caseNumber}", GetAsync).RequireRateLimiting(RateLimits.PinChecks)
            .WithSummary("Status, history and signal count of a case (header X-Case-Pin). Unknown case or wrong PIN: 404.");
        cases.MapPost("/{caseNumber}/signals", AddSignalsAsync).RequireRateLimiting(RateLimits.PinChecks)
            .WithSummary("Add more fingerprints to a case (header X-Case-Pin).");
        cases.MapDelete("/{caseNumber}", WithdrawAsync).RequireRateLimiting(RateLimits.PinChecks)
            .WithSummary("Withdraw a case: its fingerprints are erased from every bank, index and snapshot at once (header X-Case-Pin); followUps=stop also stops work on copies already confirmed.");

        // The face step of /protect runs in her browser: its models and runtime come from this origin only.
        endpoints.MapGet("/api/faces/setup", (FaceSetup setup) => TypedResults.Ok(setup.Read())).WithTags("Cases")
            .WithSummary("Whether this server offers the on-device face step, and the URLs (with SHA-256) of its models and runtime.");
        endpoints.MapGet(FaceSetup.ModelsPath + "/{id}/{sha256}.onnx", GetFaceModel).ExcludeFromDescription();
        endpoints.MapGet(FaceSetup.RuntimePath + "/{version}/{name}", GetFaceRuntime).ExcludeFromDescription();
        return endpoints;
    }

    // Versioned by content (the model's SHA-256, the runtime's pinned version): cached for a year.
    private const string Immutable = "public, max-age=31536000, immutable";

    private static Results<PhysicalFileHttpResult, NotFound> GetFaceModel(string id, string sha256, FaceSetup setup, HttpContext context)
    {
        if (setup.ModelPath(id, sha256) is not { } path)
        {
            return TypedResults.NotFound();
        }

        context.Response.Headers.CacheControl = Immutable;
        return TypedResults.PhysicalFile(path, "application/octet-stream", enableRangeProcessing: false);
    }

    private static Results<PhysicalFileHttpResult, NotFound> GetFaceRuntime(string version, string name, FaceSetup setup, HttpContext context)
    {
        if (setup.RuntimeFile(version, name) is not { } path)
        {
            return TypedResults.NotFound();
        }

        context.Response.Headers.CacheControl = Immutable;
        return TypedResults.PhysicalFile(path, name.EndsWith(".wasm", StringComparison.Ordinal) ? "application/wasm" : "text/javascript");
    }

    /// <summary>The body limit of an add-signals request (<see cref="CasesOptions.MaxSignalsRequestBytes"/>: a video's frames), or null for other requests.</summary>
    public static long? RequestLimit(HttpContext http)
    {
        var path = http.Request.Path.Value;
        if (HttpMethods.IsPost(http.Request.Method) && path is not null && path.StartsWith("/api/cases/", StringComparison.OrdinalIgnoreCase)
            && path.TrimEnd('/').EndsWith("/signals", StringComparison.OrdinalIgnoreCase))
        {
            return http.RequestServices.GetRequiredService<IOptions<CasesOptions>>().Value.MaxSignalsRequestBytes;
        }

        return null;
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

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> WithdrawAsync(
        string caseNumber, [FromHeader(Name = PinHeader)] string? pin, string? followUps, WithdrawCase withdraw, CancellationToken cancellationToken)
    {
        if (!WithdrawCase.TryParseFollowUps(followUps, out var choice))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["followUps"] = ["continue (default) or stop."] });
        }

        return await withdraw.ExecuteAsync(caseNumber, pin, choice, cancellationToken).ConfigureAwait(false) ? TypedResults.NoContent() : TypedResults.NotFound();
    }
}

/// <summary>Answer of <c>POST /api/cases/{caseNumber}/signals</c>.</summary>
/// <param name="Added">New signals stored (duplicates are not stored twice).</param>
/// <param name="SignalCount">Signals the case holds now.</param>
internal sealed record SignalsAdded(int Added, int SignalCount);
