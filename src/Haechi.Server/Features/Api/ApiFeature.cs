using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using Haechi.Server.Features.Cases;
using Haechi.Server.Features.Evidence;
using Haechi.Server.Features.Reports;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

namespace Haechi.Server.Features.Api;

/// <summary>
/// What every JSON endpoint shares: problem details for errors, enums as camel-case strings, a
/// request body limit, per-client rate limits, and the OpenAPI document with its reference page.
/// </summary>
internal static class ApiFeature
{
    public static IServiceCollection AddApi(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false)));
        services.AddOpenApi();
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = static async (context, cancellationToken) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }

                var problems = context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests", Detail = "Too many attempts from this network. Wait a minute and try again." },
                }).ConfigureAwait(false);
            };
            options.AddPolicy(RateLimits.PinChecks, static http => PerClient(http, http.RequestServices.GetRequiredService<IOptions<CasesOptions>>().Value.PinChecksPerMinutePerClient));
            options.AddPolicy(RateLimits.Submissions, static http => PerClient(http, http.RequestServices.GetRequiredService<IOptions<ReportsOptions>>().Value.SubmissionsPerMinutePerClient));
            options.AddPolicy(RateLimits.ReceiptChecks, static http => PerClient(http, http.RequestServices.GetRequiredService<IOptions<ReportsOptions>>().Value.ReceiptChecksPerMinutePerClient));
        });
        return services;
    }

    private static RateLimitPartition<string> PerClient(HttpContext http, int permitsPerMinute) =>
        RateLimitPartition.GetFixedWindowLimiter(
            http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permitsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });

    public static WebApplication UseApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseWhen(static http => IsApi(http), static api => api.UseStatusCodePages());
        app.Use(static (http, next) =>
        {
            // The seized-zip upload answers an oversized body itself (a page, in words), within the same limit.
            var upload = Ingestion.UploadSeizedFiles.RequestLimit(http);
            var limit = upload ?? EvidenceFeature.RequestLimit(http) ?? Investigations.InvestigationsFeature.RequestLimit(http) ?? Cases.CasesFeature.RequestLimit(http) ?? http.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.MaxRequestBodyBytes;
            if (http.Request.ContentLength > limit && upload is null)
            {
                return TooLargeAsync(http, limit);
            }

            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            {
                feature.MaxRequestBodySize = limit;
            }

            return next(http);
        });
        return app;
    }

    private static async Task TooLargeAsync(HttpContext http, long limit)
    {
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Status = StatusCodes.Status413PayloadTooLarge,
                Title = "Request body too large",
                Detail = string.Create(CultureInfo.InvariantCulture, $"The request body is larger than {limit} bytes."),
            },
        }).ConfigureAwait(false);
    }

    internal static bool IsApi(HttpContext http) => http.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);

    public static IEndpointRouteBuilder MapApiEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi("/openapi/{documentName}.json");
        endpoints.MapScalarApiReference("/scalar", options => options.WithTitle("Haechi API"));
        return endpoints;
    }
}
