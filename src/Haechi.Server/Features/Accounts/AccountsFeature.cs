using Haechi.Data;
using Haechi.Data.Accounts;
using Haechi.Server.Data;
using Haechi.Server.Features.Api;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Haechi.Server.Features.Accounts;

/// <summary>The roles of the analysts' side.</summary>
internal static class Roles
{
    public const string Analyst = "analyst";
    public const string Investigator = "investigator";
    public const string Admin = "admin";

    public static readonly string[] All = [Analyst, Investigator, Admin];
}

/// <summary>Authorisation policies.</summary>
internal static class Policies
{
    /// <summary>Review queue, previews and reveals: analysts, investigators, admins.</summary>
    public const string Review = "review";

    /// <summary>Review decisions: analysts and admins.</summary>
    public const string Decide = "decide";

    /// <summary>Users and invitations: admins.</summary>
    public const string Admin = "admin";
}

/// <summary>
/// Analysts' accounts: ASP.NET Core Identity on Haechi's store, cookie sign-in with an optional
/// TOTP second factor, a first-run admin, one-time invitations, sign-in and sign-out audited.
/// Anonymous or unauthorised calls to the API get 404; pages redirect to sign-in.
/// </summary>
internal static class AccountsFeature
{
    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("Haechi");
        services.AddOptions<KeyManagementOptions>().Configure<DataDirectory, ILoggerFactory>((options, directory, loggers) =>
            options.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(Path.Combine(directory.Path, "keys")), loggers));
        services.AddIdentityCore<HaechiUser>(o =>
            {
                o.Password.RequiredLength = 12;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.User.AllowedUserNameCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._@";
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<HaechiDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders();
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = IdentityConstants.ApplicationScheme;
                o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/sign-in";
            o.AccessDeniedPath = "/not-found";
            o.Cookie.Name = "haechi.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            o.Events.OnRedirectToLogin = static context => NotFoundForApi(context, redirect: true);
            o.Events.OnRedirectToAccessDenied = static context => NotFoundForApi(context, redirect: false);
            o.Events.OnValidatePrincipal = SessionStillValidAsync;
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Review, p => p.RequireRole(Roles.Analyst, Roles.Investigator, Roles.Admin))
            .AddPolicy(Policies.Decide, p => p.RequireRole(Roles.Analyst, Roles.Admin))
            .AddPolicy(Policies.Admin, p => p.RequireRole(Roles.Admin));
        services.TryAddSingleton(_ => FirstRunOutput.Standard());
        services.TryAddScoped<SignIn>();
        services.TryAddScoped<Invites>();
        services.TryAddScoped<Authenticator>();
        services.TryAddScoped<UserNames>();
        services.AddHostedService<FirstRunAdmin>();
        return services;
    }

    /// <summary>
    /// Every request checks the cookie's security stamp against the account's: sign-out (and any
    /// change that renews the stamp) ends the session at once, also for a copy of the cookie.
    /// </summary>
    private static async Task SessionStillValidAsync(Microsoft.AspNetCore.Authentication.Cookies.CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var users = services.GetRequiredService<UserManager<HaechiUser>>();
        var claimType = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<IdentityOptions>>().Value.ClaimsIdentity.SecurityStampClaimType;
        var id = context.Principal is { } principal ? users.GetUserId(principal) : null;
        var user = id is null ? null : await users.FindByIdAsync(id).ConfigureAwait(false);
        if (user is not null && string.Equals(context.Principal!.FindFirst(claimType)?.Value, await users.GetSecurityStampAsync(user).ConfigureAwait(false), StringComparison.Ordinal))
        {
            return;
        }

        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme).ConfigureAwait(false);
    }

    /// <summary>The API answers 404 (no data, no hint); pages go to sign-in, or to "not found" when the role is missing.</summary>
    private static Task NotFoundForApi(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, bool redirect)
    {
        if (ApiFeature.IsApi(context.HttpContext) || !redirect)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    public static WebApplication UseAccounts(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    public static IEndpointRouteBuilder MapAccountsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var account = endpoints.MapGroup("/api/account").WithTags("Accounts");
        account.MapPost("/sign-in", AccountsEndpoints.SignInAsync).RequireRateLimiting(RateLimits.PinChecks)
            .WithSummary("Sign in with user name, password and (when enabled) the TOTP code; sets the session cookie.");
        account.MapPost("/sign-out", AccountsEndpoints.SignOutAsync).RequireAuthorization()
            .WithSummary("Ends the session.");
        account.MapGet("/me", AccountsEndpoints.Me).RequireAuthorization()
            .WithSummary("The signed-in user's name, roles and whether the second factor is on.");
        account.MapPost("/authenticator", AccountsEndpoints.StartAuthenticatorAsync).RequireAuthorization()
            .WithSummary("A new TOTP shared key and otpauth URI (the second factor turns on once a code is confirmed).");
        account.MapPost("/authenticator/confirm", AccountsEndpoints.ConfirmAuthenticatorAsync).RequireAuthorization()
            .WithSummary("Confirms a TOTP code and turns the second factor on.");
        account.MapPost("/invites/{token}", AccountsEndpoints.AcceptInviteAsync).RequireRateLimiting(RateLimits.PinChecks)
            .WithSummary("Creates an account from a one-time invitation. Unknown, used or expired: 404.");
        var admin = endpoints.MapGroup("/api/admin").WithTags("Admin").RequireAuthorization(Policies.Admin);
        admin.MapPost("/invites", AccountsEndpoints.InviteAsync).WithSummary("A one-time invitation link for a role (shown once).");
        admin.MapGet("/users", AccountsEndpoints.UsersAsync).WithSummary("Accounts with their roles.");
        admin.MapGet("/audit", AccountsEndpoints.AuditAsync).WithSummary("The latest audit entries (ids and counts only).");
        endpoints.MapPost("/account/sign-out", AccountsEndpoints.SignOutPageAsync).RequireAuthorization()
            .WithMetadata(new RequireAntiforgeryTokenAttribute()).ExcludeFromDescription();
        return endpoints;
    }
}

/// <summary>Where the first-run admin password is printed, once: standard output, never a logger.</summary>
internal sealed class FirstRunOutput(TextWriter writer)
{
    public TextWriter Writer { get; } = writer;

#pragma warning disable RS0030 // The one console write of the server: the brief wants the first-run password on stdout, not in logs.
    public static FirstRunOutput Standard() => new(Console.Out);
#pragma warning restore RS0030
}
