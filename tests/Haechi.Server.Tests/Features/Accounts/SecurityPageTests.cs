using System.Net;
using System.Text.RegularExpressions;

namespace Haechi.Server.Tests.Features.Accounts;

public sealed partial class SecurityPageTests : IAsyncLifetime
{
    private readonly HaechiServerFactory _factory = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        HaechiServerFactory.DeleteDirectory(_factory.DataDirectory);
    }

    private static async Task<string> PostFormAsync(HttpClient client, string handler, string page, Dictionary<string, string> fields)
    {
        fields["_handler"] = handler;
        fields["__RequestVerificationToken"] = Token().Match(page).Groups[1].Value;
        using var content = new FormUrlEncodedContent(fields);
        using var response = await client.PostAsync("/account/security?culture=en", content, ApiClient.Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, handler + ": " + response.StatusCode + " " + await response.Content.ReadAsStringAsync(ApiClient.Ct));
        return await response.Content.ReadAsStringAsync(ApiClient.Ct);
    }

    [Fact]
    public async Task SecurityPage_EnrolWithAWrongThenARightCode_SignInAsksForTheCode_ThenTurnOff()
    {
        using var admin = await _factory.AdminAsync();
        using var analyst = await _factory.UserAsync(admin, "analyst", "ana");
        var page = await analyst.GetStringAsync("/account/security?culture=en", ApiClient.Ct);
        Assert.Contains("Two-step sign-in is off", page, StringComparison.Ordinal);

        page = await PostFormAsync(analyst, "totp-start", page, new() { ["Start.Go"] = "true" });
        var key = KeyText().Match(page).Groups[1].Value;
        Assert.Matches("^[a-z2-7 ]{20,}$", key);
        Assert.Contains("otpauth://totp/Haechi%3Aana?secret=", WebUtility.HtmlDecode(page), StringComparison.Ordinal);

        page = await PostFormAsync(analyst, "totp-confirm", page, new() { ["Confirm.Code"] = "000000" == AccountClient.Totp(key, TimeProvider.System.GetUtcNow()) ? "111111" : "000000" });
        Assert.Contains("That code is not right", page, StringComparison.Ordinal);
        page = await PostFormAsync(analyst, "totp-confirm", page, new() { ["Confirm.Code"] = AccountClient.Totp(key, TimeProvider.System.GetUtcNow()) });
        Assert.Contains("Two-step sign-in is on", page, StringComparison.Ordinal);

        // A new sign-in now needs the code.
        using (var fresh = _factory.CreateClient())
        {
            using var withoutCode = await fresh.SignInAsync("ana", AccountClient.Password);
            Assert.NotEqual(HttpStatusCode.NoContent, withoutCode.StatusCode);
            using var withCode = await fresh.SignInAsync("ana", AccountClient.Password, AccountClient.Totp(key, TimeProvider.System.GetUtcNow()));
            Assert.Equal(HttpStatusCode.NoContent, withCode.StatusCode);
        }

        page = await analyst.GetStringAsync("/account/security?culture=en", ApiClient.Ct);
        page = await PostFormAsync(analyst, "totp-disable", page, new() { ["Disable.Code"] = AccountClient.Totp(key, TimeProvider.System.GetUtcNow()) });
        Assert.Contains("Two-step sign-in is off", page, StringComparison.Ordinal);
        var audit = await admin.AuditAsync();
        Assert.Contains(audit, e => (string?)e["action"] == "account.totp-enabled");
        Assert.Contains(audit, e => (string?)e["action"] == "account.totp-disabled");
    }

    [Fact]
    public async Task SecurityPage_Anonymous_SentToSignIn()
    {
        using var anonymous = _factory.CreateClient(new() { AllowAutoRedirect = false });
        using var response = await anonymous.GetAsync("/account/security", ApiClient.Ct);
        Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.NotFound, response.StatusCode.ToString());
        Assert.DoesNotContain("otpauth", await response.Content.ReadAsStringAsync(ApiClient.Ct), StringComparison.Ordinal);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    [GeneratedRegex("data-testid=\"totp-key\">([^<]+)<")]
    private static partial Regex KeyText();
}
