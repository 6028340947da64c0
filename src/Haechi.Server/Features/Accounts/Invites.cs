using System.Security.Cryptography;
using Haechi.Data;
using Haechi.Data.Accounts;
using Haechi.Data.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Server.Features.Accounts;

/// <summary>A fresh invitation: the link's token is shown once; only its SHA-256 is stored.</summary>
internal sealed record InviteCreated(string Token, string Link, string Role, DateTimeOffset ExpiresAt);

/// <summary>One-time invitations: an admin chooses the role, the invitee chooses name and password.</summary>
internal sealed class Invites(HaechiDbContext db, UserManager<HaechiUser> users, AuditLog audit, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    public async Task<(InviteCreated? Invite, Dictionary<string, string[]> Errors)> CreateAsync(string adminId, string? role, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (role is null || !Roles.All.Contains(role))
        {
            errors["role"] = ["The role must be analyst, investigator or admin."];
            return (null, errors);
        }

        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        var record = new InviteRecord { TokenHash = SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(token)), Role = role, CreatedBy = adminId, CreatedAt = now, ExpiresAt = now + Lifetime };
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            db.Invites.Add(record);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await audit.AppendAsync("user:" + adminId, "account.invited", "invite:" + record.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "role=" + role, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return (new InviteCreated(token, "/account/invite/" + token, role, record.ExpiresAt), errors);
    }

    /// <summary>Creates the account; null when the token is unknown, used or expired (the caller answers 404).</summary>
    public async Task<(bool Found, Dictionary<string, string[]> Errors)> AcceptAsync(string? token, string? userName, string? password, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(token) || token.Length > 64)
        {
            return (false, errors);
        }

        var hash = SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(token));
        var now = time.GetUtcNow();
        var invite = await db.Invites.SingleOrDefaultAsync(i => i.TokenHash == hash, cancellationToken).ConfigureAwait(false);
        if (invite is null || invite.UsedAt is not null || invite.ExpiresAt <= now)
        {
            return (false, errors);
        }

        if (string.IsNullOrWhiteSpace(userName) || userName.Trim().Length > 64)
        {
            errors["userName"] = ["Choose a user name (at most 64 letters, digits, '-', '.', '_' or '@')."];
            return (true, errors);
        }

        var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            var user = new HaechiUser { UserName = userName.Trim(), CreatedAt = now };
            var created = await users.CreateAsync(user, password ?? string.Empty).ConfigureAwait(false);
            if (!created.Succeeded)
            {
                errors[created.Errors.Any(e => e.Code.StartsWith("Password", StringComparison.Ordinal)) ? "password" : "userName"] = created.Errors.Select(e => e.Description).ToArray();
                return (true, errors);
            }

            await users.AddToRoleAsync(user, invite.Role).ConfigureAwait(false);

            // Claim the invite in SQL, so two accepts of one link cannot both succeed.
            var claimed = await db.Invites.Where(i => i.Id == invite.Id && i.UsedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.UsedAt, now).SetProperty(i => i.UsedBy, user.Id), cancellationToken).ConfigureAwait(false);
            if (claimed != 1)
            {
                return (false, errors);
            }

            await audit.AppendAsync("user:" + user.Id, "account.created", "account:" + user.Id, "role=" + invite.Role, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return (true, errors);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
