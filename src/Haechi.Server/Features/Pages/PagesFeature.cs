using System.Text.Encodings.Web;
using System.Text.Unicode;
using Haechi.Server.Components;
using Haechi.Server.Features.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Localization;

namespace Haechi.Server.Features.Pages;

/// <summary>
/// The web pages: static server rendering with the on-device hashing island (Haechi.Web.Client),
/// Korean by default with an English switch (<c>?culture=en</c> or the language cookie).
/// </summary>
internal static class PagesFeature
{
    public static readonly string[] Cultures = ["ko", "en"];

    public static IServiceCollection AddPages(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveWebAssemblyComponents();

        // Korean text as characters, not &#x...; escapes (smaller pages, readable source).
        services.AddWebEncoders(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        services.AddLocalization(o => o.ResourcesPath = "Resources");
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.SetDefaultCulture(Cultures[0]).AddSupportedCultures(Cultures).AddSupportedUICultures(Cultures);
            o.RequestCultureProviders = [new QueryStringRequestCultureProvider(), new CookieRequestCultureProvider()];
        });
        return services;
    }

    public static WebApplication UsePages(this WebApplication app)
    {
        app.UseRequestLocalization();
        app.UseWhen(static http => !ApiFeature.IsApi(http), static pages => pages.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
        app.UseAntiforgery();
        return app;
    }

    public static IEndpointRouteBuilder MapPagesEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapStaticAssets();
        endpoints.MapRazorComponents<App>()
            .AddInteractiveWebAssemblyRenderMode()
            .AddAdditionalAssemblies(typeof(Web.Client.ProtectPhotos).Assembly);
        endpoints.MapGet("/language", SetLanguage).ExcludeFromDescription();
        return endpoints;
    }

    /// <summary>Remembers the chosen language in a cookie and goes back to the page (local paths only).</summary>
    private static RedirectHttpResult SetLanguage(string? lang, string? returnUrl, HttpContext http)
    {
        var culture = Cultures.Contains(lang) ? lang! : Cultures[0];
        http.Response.Cookies.Append(
            CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions { Path = "/", MaxAge = TimeSpan.FromDays(365), SameSite = SameSiteMode.Lax, IsEssential = true, HttpOnly = true, Secure = http.Request.IsHttps });
        var local = returnUrl is { Length: > 0 } && returnUrl[0] == '/' && (returnUrl.Length == 1 || (returnUrl[1] != '/' && returnUrl[1] != '\\'));
        return TypedResults.LocalRedirect(local ? returnUrl! : "/");
    }

    /// <summary>The language switch link for the current page.</summary>
    public static string LanguageLink(string culture, Uri current)
    {
        ArgumentNullException.ThrowIfNull(current);
        return "/language?lang=" + culture + "&returnUrl=" + Uri.EscapeDataString(current.AbsolutePath);
    }
}
