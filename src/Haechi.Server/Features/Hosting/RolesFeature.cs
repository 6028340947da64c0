using Haechi.Server.Features.Ingestion;
using Haechi.Server.Features.Takedowns;
using Haechi.Server.Features.Telegram;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Haechi.Server.Features.Hosting;

/// <summary>
/// The process roles (web, pipeline, watchers, notices): the resolved <see cref="HostRoles"/> every
/// background service checks, a start-up check that at least one role is on, and one log line at
/// start that lists the roles on (and which old keys decided or were overridden).
/// </summary>
internal static class RolesFeature
{
    public static IServiceCollection AddRoles(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RolesOptions>, ValidateRoles>());
        services.TryAddSingleton(static sp => HostRoles.Resolve(
            sp.GetRequiredService<IOptions<RolesOptions>>().Value,
            sp.GetRequiredService<IOptions<IngestionServerOptions>>().Value,
            sp.GetRequiredService<IOptions<TelegramOptions>>().Value,
            sp.GetRequiredService<IOptions<TakedownsOptions>>().Value));
        services.TryAddSingleton<RoleActivity>();
        services.AddHostedService<AnnounceRoles>();
        return services;
    }
}

/// <summary>Refuses a process with every role off: it would do nothing but answer <c>/api/health</c>.</summary>
internal sealed class ValidateRoles(IOptions<IngestionServerOptions> ingestion, IOptions<TelegramOptions> telegram, IOptions<TakedownsOptions> takedowns) : IValidateOptions<RolesOptions>
{
    public ValidateOptionsResult Validate(string? name, RolesOptions options)
    {
        var roles = HostRoles.Resolve(options, ingestion.Value, telegram.Value, takedowns.Value);
        return roles.Names.Count > 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                "Roles: every role is off (Roles:Web is false, and Roles:Pipeline, Roles:Watchers and Roles:Notices, or their old keys " +
                "Ingestion:Worker, Ingestion:WebWatcher, Telegram:Enabled and Takedowns:LoopEnabled, turn nothing on): this process would do nothing. " +
                "Turn on at least one role, e.g. Roles:Pipeline=true for a worker process.");
    }
}

/// <summary>Logs the roles this process runs, once at start, and each old key that decided a role or was overridden by <c>Roles</c>.</summary>
internal sealed partial class AnnounceRoles(HostRoles roles, IConfiguration configuration, ILogger<AnnounceRoles> logger) : IHostedService
{
    /// <summary>Each old key and the <c>Roles</c> key that replaces it.</summary>
    internal static readonly (string OldKey, string RoleKey)[] Aliases =
    [
        ("Ingestion:Worker", "Roles:Pipeline"),
        ("Ingestion:WebWatcher", "Roles:Watchers"),
        ("Takedowns:LoopEnabled", "Roles:Notices"),
    ];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogRoles(logger, roles.Names);
        foreach (var (oldKey, roleKey) in Aliases)
        {
            if (configuration[oldKey] is null)
            {
                continue;
            }

            if (configuration[roleKey] is null)
            {
                LogOldKeyDecides(logger, oldKey, roleKey);
            }
            else
            {
                LogOldKeyOverridden(logger, oldKey, roleKey);
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1010, Level = LogLevel.Information, Message = "Roles on: {Roles}")]
    private static partial void LogRoles(ILogger logger, IReadOnlyList<string> roles);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Information, Message = "Old key {OldKey} decides its role: {RoleKey} is unset")]
    private static partial void LogOldKeyDecides(ILogger logger, string oldKey, string roleKey);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Warning, Message = "Old key {OldKey} is ignored: {RoleKey} is set and wins")]
    private static partial void LogOldKeyOverridden(ILogger logger, string oldKey, string roleKey);
}
