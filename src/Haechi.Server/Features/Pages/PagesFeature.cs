using System.Text.Encodings.Web;
using System.Text.Unicode;
using Haechi.Server.Components;
using Haechi.Server.Features.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Options;

namespace Haechi.Server.Features.Pages;

/// <summary>
/// The web pages: static server rendering with the on-device hashing island (Haechi.Web.Client),
/// Korean by default with an English switch (<c>?culture=en</c> or the language cookie; a language
/// chosen in the query string is kept in the cookie, so the next click keeps it). Unknown addresses
/// and errors get Haechi's own page, in the chosen language, with a way home.
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
        var options = app.Services.GetRequiredService<IOptions<PagesOptions>>().Value;
        KoreaTime.Use(KoreaTime.Find(options.TimeZone)!, options.TimeZoneLabel);
        app.UseRequestLocalization();
        app.Use(static (http, next) =>
        {
            RememberQueryCulture(http);
            return next(http);
        });
        app.UseWhen(static http => !ApiFeature.IsApi(http), static pages =>
        {
            // Errors: the exception handler logs and clears the response; the page says so in her language.
            pages.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = static http => StatusPageAsync(http, StatusCodes.Status500InternalServerError) });
            pages.Use(static async (http, next) =>
            {
                await next(http).ConfigureAwait(false);
                var response = http.Response;
                if (response.StatusCode == StatusCodes.Status404NotFound && !response.HasStarted && response.ContentLength is null && string.IsNullOrEmpty(response.ContentType)
                    && (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)))
                {
                    await StatusPageAsync(http, StatusCodes.Status404NotFound).ConfigureAwait(false);
                }
            });
        });
        app.UseAntiforgery();
        return app;
    }

    /// <summary>Haechi's own page for an unknown address (404) or an error (500), with the layout, help and a way home.</summary>
    private static Task StatusPageAsync(HttpContext http, int statusCode) =>
        new RazorComponentResult<StatusDocument>(new { StatusCode = statusCode }) { StatusCode = statusCode }.ExecuteAsync(http);

    /// <summary>A language chosen by <c>?culture=</c> is kept in the language cookie, so links without the query keep it.</summary>
    private static void RememberQueryCulture(HttpContext http)
    {
        var chosen = http.Request.Query["culture"].ToString();
        if (!Cultures.Contains(chosen))
        {
            return;
        }

        var value = CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(chosen));
        if (http.Request.Cookies[CookieRequestCultureProvider.DefaultCookieName] != value)
        {
            AppendCultureCookie(http, chosen);
        }
    }

    private static void AppendCultureCookie(HttpContext http, string culture) =>
        http.Response.Cookies.Append(
            CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions { Path = "/", MaxAge = TimeSpan.FromDays(365), SameSite = SameSiteMode.Lax, IsEssential = true, HttpOnly = true, Secure = http.Request.IsHttps });

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
        AppendCultureCookie(http, culture);
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
