using Haechi.Data.Accounts;
using Haechi.Data.Audit;
using Microsoft.AspNetCore.Identity;

namespace Haechi.Server.Features.Accounts;

/// <summary>The outcome of a sign-in attempt.</summary>
internal enum SignInOutcome
{
    SignedIn,
    CodeRequired,
    Failed,
    LockedOut,
}

/// <summary>Signs analysts in and out; every attempt is audited (user ids only, never names or passwords).</summary>
internal sealed partial class SignIn(SignInManager<HaechiUser> signIns, UserManager<HaechiUser> users, AuditLog audit, ILogger<SignIn> logger)
{
    /// <summary>Name, password and (when the second factor is on) the TOTP code in one call (the API).</summary>
    public async Task<SignInOutcome> WithCodeAsync(string? userName, string? password, string? code, CancellationToken cancellationToken)
    {
        var user = string.IsNullOrWhiteSpace(userName) ? null : await users.FindByNameAsync(userName.Trim()).ConfigureAwait(false);
        if (user is null || string.IsNullOrEmpty(password))
        {
            await AuditAsync("anonymous", "account.sign-in-failed", "account:unknown", "unknown user", cancellationToken).ConfigureAwait(false);
            return SignInOutcome.Failed;
        }

        var check = await signIns.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true).ConfigureAwait(false);
        if (check.IsLockedOut)
        {
            await AuditAsync("anonymous", "account.sign-in-failed", "account:" + user.Id, "locked out", cancellationToken).ConfigureAwait(false);
            return SignInOutcome.LockedOut;
        }

        if (!check.Succeeded && !check.RequiresTwoFactor)
        {
            await AuditAsync("anonymous", "account.sign-in-failed", "account:" + user.Id, "wrong password", cancellationToken).ConfigureAwait(false);
            return SignInOutcome.Failed;
        }

        var method = "password";
        if (user.TwoFactorEnabled)
        {
            if (string.IsNullOrWhiteSpace(code))
            {
                return SignInOutcome.CodeRequired;
            }

            if (!await users.VerifyTwoFactorTokenAsync(user, TokenOptions.DefaultAuthenticatorProvider, Normalize(code)).ConfigureAwait(false))
            {
                await users.AccessFailedAsync(user).ConfigureAwait(false);
                await AuditAsync("anonymous", "account.sign-in-failed", "account:" + user.Id, "wrong code", cancellationToken).ConfigureAwait(false);
                return SignInOutcome.Failed;
            }

            method = "password+totp";
        }

        await signIns.SignInWithClaimsAsync(user, isPersistent: false, [new System.Security.Claims.Claim("amr", user.TwoFactorEnabled ? "mfa" : "pwd")]).ConfigureAwait(false);
        await AuditAsync("user:" + user.Id, "account.sign-in", "account:" + user.Id, method, cancellationToken).ConfigureAwait(false);
        LogSignedIn(logger, user.Id);
        return SignInOutcome.SignedIn;
    }

    /// <summary>First step of the page: name and password; the two-factor cookie carries the user to the code step.</summary>
    public async Task<SignInOutcome> WithPasswordAsync(string? userName, string? password, CancellationToken cancellationToken)
    {
        var user = string.IsNullOrWhiteSpace(userName) ? null : await users.FindByNameAsync(userName.Trim()).ConfigureAwait(false);
        if (user is null || string.IsNullOrEmpty(password))
        {
            await AuditAsync("anonymous", "account.sign-in-failed", "account:unknown", "unknown user", cancellationToken).ConfigureAwait(false);
            return SignInOutcome.Failed;
        }

        var result = await signIns.PasswordSignInAsync(user, password, isPersistent: false, lockoutOnFailure: true).ConfigureAwait(false);
        if (result.Succeeded)
        {
            await AuditAsync("user:" + user.Id, "account.sign-in", "account:" + user.Id, "password", cancellationToken).ConfigureAwait(false);
            LogSignedIn(logger, user.Id);
            return SignInOutcome.SignedIn;
        }

        if (result.RequiresTwoFactor)
        {
            return SignInOutcome.CodeRequired;
        }

        await AuditAsync("anonymous", "account.sign-in-failed", "account:" + user.Id, result.IsLockedOut ? "locked out" : "wrong password", cancellationToken).ConfigureAwait(false);
        return result.IsLockedOut ? SignInOutcome.LockedOut : SignInOutcome.Failed;
    }

    /// <summary>Second step of the page: the TOTP code for the user the two-factor cookie names.</summary>
    public async Task<SignInOutcome> WithAuthenticatorCodeAsync(string? code, CancellationToken cancellationToken)
    {
        var user = await signIns.GetTwoFactorAuthenticationUserAsync().ConfigureAwait(false);
        if (user is null)
        {
            return SignInOutcome.Failed;
        }

        var result = await signIns.TwoFactorAuthenticatorSignInAsync(Normalize(code ?? string.Empty), isPersistent: false, rememberClient: false).ConfigureAwait(false);
        if (result.Succeeded)
        {
            await AuditAsync("user:" + user.Id, "account.sign-in", "account:" + user.Id, "password+totp", cancellationToken).ConfigureAwait(false);
            LogSignedIn(logger, user.Id);
            return SignInOutcome.SignedIn;
        }

        await AuditAsync("anonymous", "account.sign-in-failed", "account:" + user.Id, result.IsLockedOut ? "locked out" : "wrong code", cancellationToken).ConfigureAwait(false);
        return result.IsLockedOut ? SignInOutcome.LockedOut : SignInOutcome.CodeRequired;
    }

    public async Task SignOutAsync(string? userId, CancellationToken cancellationToken)
    {
        await signIns.SignOutAsync().ConfigureAwait(false);
        if (userId is not null)
        {
            // A new security stamp: a copy of the old cookie no longer signs anyone in (checked on every request).
            if (await users.FindByIdAsync(userId).ConfigureAwait(false) is { } user)
            {
                await users.UpdateSecurityStampAsync(user).ConfigureAwait(false);
            }

            await AuditAsync("user:" + userId, "account.sign-out", "account:" + userId, string.Empty, cancellationToken).ConfigureAwait(false);
        }
    }

    private Task<Haechi.Core.Audit.AuditEvent> AuditAsync(string actor, string action, string subject, string detail, CancellationToken cancellationToken) =>
        audit.AppendAsync(actor, action, subject, detail, cancellationToken);

    private static string Normalize(string code) => code.Replace(" ", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "User {UserId} signed in")]
    private static partial void LogSignedIn(ILogger logger, string userId);
}
