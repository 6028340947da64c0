using Haechi.Pipeline.Telegram;
using Haechi.Server.Features.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Haechi.Server.Features.Telegram;

/// <summary>
/// The Telegram connector: a report bot (private messages become reports through the web form's
/// path) and a watcher of allowed channels and groups (media becomes ingestion items), polling the
/// Bot API at <c>Telegram:ApiBaseUrl</c>; its health at <c>GET /api/admin/telegram/status</c> and on
/// <c>/admin/telegram</c>.
/// </summary>
internal static class TelegramFeature
{
    public static IServiceCollection AddTelegram(this IServiceCollection services)
    {
        services.AddOptions<TelegramOptions>().BindConfiguration(TelegramOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<ITelegramReportSink, TelegramReportSink>();
        services.TryAddSingleton<TelegramPolling>();
        services.AddHostedService(static sp => sp.GetRequiredService<TelegramPolling>());
        services.TryAddScoped<GetTelegramStatus>();
        return services;
    }

    public static IEndpointRouteBuilder MapTelegramEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup("/api/admin/telegram").WithTags("Telegram").RequireAuthorization(Policies.Admin)
            .MapGet("/status", StatusAsync)
            .WithSummary("The Telegram connector's health: last successful poll, last error code, back-off, counts of reports, ingested, refused and ignored updates.");
        return endpoints;
    }

    private static async Task<Ok<TelegramStatusView>> StatusAsync(GetTelegramStatus status, CancellationToken cancellationToken) =>
        TypedResults.Ok(await status.ExecuteAsync(cancellationToken).ConfigureAwait(false));
}
