using Haechi.Data;
using Haechi.Data.Audit;
using Haechi.Data.Takedowns;
using Haechi.Server.Features.Hosting;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Server.Features.Takedowns;

/// <summary>
/// On the first run of a data directory, adds the platform contacts every hotline needs from day one,
/// so a Telegram post can be noticed without setting anything up: <b>Telegram</b> (hosts <c>t.me</c>,
/// <c>telegram.me</c>, <c>telegram.org</c>; e-mail <c>abuse@telegram.org</c>, the address Telegram
/// publishes for illegal content; notices in English). Added once: the audit entry
/// <c>takedown.contact-presets</c> records it, so a preset an admin changed or deleted is never added back.
/// </summary>
internal sealed class ContactPresets(IServiceScopeFactory scopes, HostRoles hostRoles, TimeProvider time) : IHostedService
{
    /// <summary>The audit action that records that the presets were added.</summary>
    public const string AuditAction = "takedown.contact-presets";

    /// <summary>The preset contacts.</summary>
    public static IReadOnlyList<(string Name, string[] Hosts, string Email, string Language)> All { get; } =
    [
        ("Telegram", ["t.me", "telegram.me", "telegram.org"], "abuse@telegram.org", "en"),
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!hostRoles.Web)
        {
            return;
        }

        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
            if (await db.AuditEntries.AsNoTracking().AnyAsync(a => a.Action == AuditAction, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            var now = time.GetUtcNow();
            var existing = await db.PlatformContacts.AsNoTracking().Select(c => c.Name).ToListAsync(cancellationToken).ConfigureAwait(false);
            var added = 0;
            foreach (var (name, hosts, email, language) in All)
            {
                if (!existing.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    db.PlatformContacts.Add(new PlatformContactRecord { Name = name, Hosts = string.Join('\n', hosts), Email = email, Language = language, CreatedAt = now, UpdatedAt = now });
                    added++;
                }
            }

            var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                await scope.ServiceProvider.GetRequiredService<AuditLog>().AppendAsync("system", AuditAction, "contacts", "added=" + added.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
