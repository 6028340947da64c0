using System.Security.Cryptography;
using Haechi.Data.Accounts;
using Haechi.Data.Audit;
using Haechi.Server.Features.Hosting;
using Microsoft.AspNetCore.Identity;

namespace Haechi.Server.Features.Accounts;

/// <summary>
/// On start-up (after migrations): creates the roles, and on the first run an <c>admin</c> account
/// with a random password printed once to standard output (never to a logger). Only a process with
/// the web role does it (accounts sign in to the web), so a worker process prints no password.
/// </summary>
internal sealed partial class FirstRunAdmin(IServiceScopeFactory scopes, HostRoles hostRoles, FirstRunOutput output, ILogger<FirstRunAdmin> logger) : IHostedService
{
    public const string AdminName = "admin";

    private const string Alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!hostRoles.Web)
        {
            return;
        }

        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
            foreach (var role in Roles.All)
            {
                if (!await roles.RoleExistsAsync(role).ConfigureAwait(false))
                {
                    await roles.CreateAsync(new IdentityRole(role)).ConfigureAwait(false);
                }
            }

            var users = scope.ServiceProvider.GetRequiredService<UserManager<HaechiUser>>();
            if ((await users.GetUsersInRoleAsync(Roles.Admin).ConfigureAwait(false)).Count > 0)
            {
                return;
            }

            var password = RandomNumberGenerator.GetString(Alphabet, 24);
            var admin = new HaechiUser { UserName = AdminName, CreatedAt = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow() };
            var created = await users.CreateAsync(admin, password).ConfigureAwait(false);
            if (!created.Succeeded)
            {
                throw new InvalidOperationException("The first-run admin account could not be created: " + string.Join("; ", created.Errors.Select(e => e.Code)));
            }

            await users.AddToRoleAsync(admin, Roles.Admin).ConfigureAwait(false);
            await scope.ServiceProvider.GetRequiredService<AuditLog>().AppendAsync("system", "account.created", "account:" + admin.Id, "role=admin first-run", cancellationToken).ConfigureAwait(false);
            await output.Writer.WriteLineAsync($"# Haechi first run: admin account '{AdminName}', password {password} (shown once; sign in at /account/sign-in and turn on the second factor)").ConfigureAwait(false);
            await output.Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            LogCreated(logger, admin.Id);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "First-run admin account {UserId} created; its password was printed to standard output once")]
    private static partial void LogCreated(ILogger logger, string userId);
}
