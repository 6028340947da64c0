using Microsoft.Playwright;

namespace Haechi.EndToEnd.Tests;

/// <summary>The steps of the on-device registration island that every victim browser test goes through.</summary>
internal static class VictimSteps
{
    /// <summary>The island's first step, in either language: her own photos, the consent line, her age (new cases only); then the file input.</summary>
    public static async Task ConfirmEligibilityAsync(IPage page, bool minor = false, bool adding = false)
    {
        await page.GetByTestId("eligibility").WaitForAsync(new() { Timeout = 90_000 });
        await page.Locator("#own-image").CheckAsync();
        await page.Locator("#understand").CheckAsync();
        if (!adding)
        {
            await page.Locator(minor ? "#age-minor" : "#age-adult").CheckAsync();
        }

        await page.Locator(".eligibility > p > button").ClickAsync();
        await page.Locator("#photos:not([disabled])").WaitForAsync(new() { Timeout = 30_000 });
    }

    /// <summary>True when <paramref name="url"/> is on <paramref name="origin"/> (a blob: or data: URL made by the page counts as its own).</summary>
    public static bool SameOrigin(string url, Uri origin)
    {
        if (url.StartsWith("data:", StringComparison.Ordinal))
        {
            return true;
        }

        var address = url.StartsWith("blob:", StringComparison.Ordinal) ? url[5..] : url;
        return Uri.TryCreate(address, UriKind.Absolute, out var uri)
            && string.Equals(uri.GetLeftPart(UriPartial.Authority), origin.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase);
    }
}
