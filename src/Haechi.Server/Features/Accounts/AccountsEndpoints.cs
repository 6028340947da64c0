using System.Globalization;
using System.Security.Claims;
using Haechi.Data;
using Haechi.Data.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Server.Features.Accounts;

/// <summary>Body of <c>POST /api/account/sign-in</c>.</summary>
internal sealed record SignInRequest(string? UserName, string? Password, string? Code);

/// <summary>Body of <c>POST /api/admin/invites</c>.</summary>
internal sealed record InviteRequest(string? Role);

/// <summary>Body of <c>POST /api/account/invites/{token}</c>.</summary>
internal sealed record AcceptInviteRequest(string? UserName, string? Password);

/// <summary>Body of <c>POST /api/account/authenticator/confirm</c>.</summary>
internal sealed record ConfirmCodeRequest(string? Code);

/// <summary>The signed-in user.</summary>
internal sealed record MeView(string UserName, IReadOnlyList<string> Roles, bool TwoFactorEnabled);

/// <summary>An account as admins see it.</summary>
internal sealed record UserView(string Id, string UserName, IReadOnlyList<string> Roles, bool TwoFactorEnabled, DateTimeOffset CreatedAt);

/// <summary>An audit entry (ids and counts only).</summary>
internal sealed record AuditView(long Sequence, DateTimeOffset At, string Actor, string Action, string Subject, string Detail);

/// <summary>Handlers of the accounts and admin API.</summary>
internal static class AccountsEndpoints
{
    public static async Task<Results<NoContent, ProblemHttpResult>> SignInAsync(SignInRequest request, SignIn signIn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var outcome = await signIn.WithCodeAsync(request.UserName, request.Password, request.Code, cancellationToken).ConfigureAwait(false);
        return outcome switch
        {
            SignInOutcome.SignedIn => TypedResults.NoContent(),
            SignInOutcome.CodeRequired => TypedResults.Problem(title: "Code required", detail: "This account has a second factor: send the code from the authenticator app as 'code'.", statusCode: StatusCodes.Status401Unauthorized, extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["codeRequired"] = true }),
            SignInOutcome.LockedOut => TypedResults.Problem(title: "Locked out", detail: "Too many failed attempts; try again later.", statusCode: StatusCodes.Status401Unauthorized),
            _ => TypedResults.Problem(title: "Sign-in failed", detail: "The user name, password or code is wrong.", statusCode: StatusCodes.Status401Unauthorized),
        };
    }

    public static async Task<NoContent> SignOutAsync(ClaimsPrincipal principal, SignIn signIn, CancellationToken cancellationToken)
    {
        await signIn.SignOutAsync(UserId(principal), cancellationToken).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    public static async Task<RedirectHttpResult> SignOutPageAsync(ClaimsPrincipal principal, SignIn signIn, CancellationToken cancellationToken)
    {
        await signIn.SignOutAsync(UserId(principal), cancellationToken).ConfigureAwait(false);
        return TypedResults.LocalRedirect("/account/sign-in?signed-out=1");
    }

    public static MeView Me(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return new MeView(
            principal.Identity?.Name ?? string.Empty,
            principal.FindAll(ClaimTypes.Role).Select(c => c.Value).Order(StringComparer.Ordinal).ToList(),
            principal.HasClaim("amr", "mfa"));
    }

    public static async Task<Results<Ok<AuthenticatorKey>, NotFound>> StartAuthenticatorAsync(ClaimsPrincipal principal, UserManager<HaechiUser> users, Authenticator authenticator)
    {
        var user = await users.GetUserAsync(principal).ConfigureAwait(false);
        return user is null ? TypedResults.NotFound() : TypedResults.Ok(await authenticator.StartAsync(user).ConfigureAwait(false));
    }

    public static async Task<Results<NoContent, NotFound, ValidationProblem>> ConfirmAuthenticatorAsync(ConfirmCodeRequest request, ClaimsPrincipal principal, UserManager<HaechiUser> users, Authenticator authenticator, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var user = await users.GetUserAsync(principal).ConfigureAwait(false);
        if (user is null)
        {
            return TypedResults.NotFound();
        }

        return await authenticator.ConfirmAsync(user, request.Code, cancellationToken).ConfigureAwait(false)
            ? TypedResults.NoContent()
            : TypedResults.ValidationProblem(new Dictionary<string, string[]>(StringComparer.Ordinal) { ["code"] = ["The code is wrong or expired."] });
    }

    public static async Task<Results<Created, NotFound, ValidationProblem>> AcceptInviteAsync(string token, AcceptInviteRequest request, Invites invites, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (found, errors) = await invites.AcceptAsync(token, request.UserName, request.Password, cancellationToken).ConfigureAwait(false);
        return !found ? TypedResults.NotFound() : errors.Count > 0 ? TypedResults.ValidationProblem(errors) : TypedResults.Created();
    }

    public static async Task<Results<Created<InviteCreated>, ValidationProblem>> InviteAsync(InviteRequest request, ClaimsPrincipal principal, Invites invites, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (invite, errors) = await invites.CreateAsync(UserId(principal)!, request.Role, cancellationToken).ConfigureAwait(false);
        return invite is null ? TypedResults.ValidationProblem(errors) : TypedResults.Created((string?)null, invite);
    }

    public static async Task<Ok<List<UserView>>> UsersAsync(HaechiDbContext db, CancellationToken cancellationToken)
    {
        var rows = await db.Users.AsNoTracking().OrderBy(u => u.UserName)
            .Select(u => new { u.Id, u.UserName, u.TwoFactorEnabled, u.CreatedAt, Roles = db.UserRoles.Where(r => r.UserId == u.Id).Join(db.Roles, r => r.RoleId, r => r.Id, (_, role) => role.Name!).ToList() })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(rows.Select(r => new UserView(r.Id, r.UserName ?? string.Empty, r.Roles, r.TwoFactorEnabled, r.CreatedAt)).ToList());
    }

    public static async Task<Ok<List<AuditView>>> AuditAsync(HaechiDbContext db, [FromQuery] int? take, CancellationToken cancellationToken)
    {
        var count = Math.Clamp(take ?? 100, 1, 1000);
        var rows = await db.AuditEntries.AsNoTracking().OrderByDescending(a => a.Sequence).Take(count)
            .Select(a => new AuditView(a.Sequence, a.At, a.Actor, a.Action, a.Subject, a.Detail)).ToListAsync(cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(rows);
    }

    public static string? UserId(ClaimsPrincipal principal) => principal?.FindFirstValue(ClaimTypes.NameIdentifier);

    public static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
