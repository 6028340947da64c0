using Haechi.Data.Accounts;
using Haechi.Data.Audit;
using Microsoft.AspNetCore.Identity;

namespace Haechi.Server.Features.Accounts;

/// <summary>A TOTP shared key to enter in an authenticator app (as text; the URI for apps that take one).</summary>
internal sealed record AuthenticatorKey(string SharedKey, string OtpauthUri);

/// <summary>Enrols the TOTP second factor: a new key, then a confirmed code turns it on (audited).</summary>
internal sealed class Authenticator(UserManager<HaechiUser> users, SignInManager<HaechiUser> signIns, AuditLog audit)
{
    public async Task<AuthenticatorKey> StartAsync(HaechiUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        await users.ResetAuthenticatorKeyAsync(user).ConfigureAwait(false);

        // A new key renews the security stamp, which every request checks: this session goes on with the new one.
        await signIns.RefreshSignInAsync(user).ConfigureAwait(false);
        var key = await users.GetAuthenticatorKeyAsync(user).ConfigureAwait(false) ?? throw new InvalidOperationException("No authenticator key.");
        var label = Uri.EscapeDataString("Haechi:" + user.UserName);
        return new AuthenticatorKey(Group(key), $"otpauth://totp/{label}?secret={key}&issuer=Haechi&digits=6&period=30");
    }

    public async Task<bool> ConfirmAsync(HaechiUser user, string? code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var normalized = (code ?? string.Empty).Replace(" ", string.Empty, StringComparison.Ordinal);
        if (normalized.Length == 0 || !await users.VerifyTwoFactorTokenAsync(user, TokenOptions.DefaultAuthenticatorProvider, normalized).ConfigureAwait(false))
        {
            return false;
        }

        await users.SetTwoFactorEnabledAsync(user, true).ConfigureAwait(false);
        await signIns.RefreshSignInAsync(user).ConfigureAwait(false);
        await audit.AppendAsync("user:" + user.Id, "account.totp-enabled", "account:" + user.Id, string.Empty, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Turns the second factor off after a valid current code (audited); the old key is discarded.</summary>
    public async Task<bool> DisableAsync(HaechiUser user, string? code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var normalized = (code ?? string.Empty).Replace(" ", string.Empty, StringComparison.Ordinal);
        if (!user.TwoFactorEnabled || normalized.Length == 0 || !await users.VerifyTwoFactorTokenAsync(user, TokenOptions.DefaultAuthenticatorProvider, normalized).ConfigureAwait(false))
        {
            return false;
        }

        await users.SetTwoFactorEnabledAsync(user, false).ConfigureAwait(false);
        await users.ResetAuthenticatorKeyAsync(user).ConfigureAwait(false);
        await signIns.RefreshSignInAsync(user).ConfigureAwait(false);
        await audit.AppendAsync("user:" + user.Id, "account.totp-disabled", "account:" + user.Id, string.Empty, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static string Group(string key)
    {
        var builder = new System.Text.StringBuilder(key.Length + (key.Length / 4));
        for (var i = 0; i < key.Length; i++)
        {
            if (i > 0 && i % 4 == 0)
            {
                builder.Append(' ');
            }

            builder.Append(char.ToLowerInvariant(key[i]));
        }

        return builder.ToString();
    }
}
