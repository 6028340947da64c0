using Haechi.Server.Features.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Haechi.Server.Features.Reports;

/// <summary>The public "deepfake report" channel.</summary>
internal static class ReportsFeature
{
    public static IServiceCollection AddReports(this IServiceCollection services)
    {
        services.TryAddScoped<SubmitReport>();
        services.TryAddSingleton<ReportIntake>();
        services.AddHostedService(static sp => sp.GetRequiredService<ReportIntake>());
        return services;
    }

    public static IEndpointRouteBuilder MapReportsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup("/api/reports").WithTags("Reports")
            .MapPost("/", SubmitAsync).RequireRateLimiting(RateLimits.Submissions)
            .WithSummary("Report deepfake sexual abuse content; returns a receipt once the report is stored.");
        return endpoints;
    }

    private static async Task<Results<Created<ReportReceipt>, ValidationProblem>> SubmitAsync(ReportRequest request, SubmitReport submit, CancellationToken cancellationToken)
    {
        var (receipt, errors) = await submit.ExecuteAsync(request, "api", cancellationToken).ConfigureAwait(false);
        return receipt is null ? TypedResults.ValidationProblem(errors) : TypedResults.Created((string?)null, receipt);
    }
}
