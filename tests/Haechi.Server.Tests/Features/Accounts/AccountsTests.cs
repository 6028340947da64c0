using System.Net;
using System.Net.Http.Json;

namespace Haechi.Server.Tests.Features.Accounts;

public sealed class AccountsTests : IAsyncLifetime
{
    private readonly HaechiServerFactory _factory = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        HaechiServerFactory.DeleteDirectory(_factory.DataDirectory);
    }

    [Fact]
    public async Task FirstRun_PrintsAdminPasswordOnce_SecondStartPrintsNothing()
    {
        var password = _factory.AdminPassword;
        Assert.NotNull(password);
        using var admin = await _factory.AdminAsync();
        var me = await admin.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>("/api/account/me", ApiClient.Ct);
        Assert.Equal("admin", (string)me!["userName"]!);
        Assert.Contains("admin", me["roles"]!.AsArray().Select(r => (string)r!));

        await using var again = new HaechiServerFactory(dataDirectory: _factory.DataDirectory);
        _ = again.Server;
        Assert.Null(again.AdminPassword);
        Assert.Equal(string.Empty, again.FirstRunText.ToString());
    }

    public static TheoryData<string, string> Endpoints => new()
    {
        { "GET", "/api/account/me" },
        { "POST", "/api/account/authenticator" },
        { "POST", "/api/account/sign-out" },
        { "GET", "/api/admin/users" },
        { "POST", "/api/admin/invites" },
        { "GET", "/api/admin/audit" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task AccountAndAdminApi_EveryRole_OnlyAllowedRolesGetData(string method, string path)
    {
        using var admin = await _factory.AdminAsync();
        using var analyst = await _factory.UserAsync(admin, "analyst", "ana");
        using var investigator = await _factory.UserAsync(admin, "investigator", "ivy");
        using var anonymous = _factory.CreateClient();
        using var victim = _factory.CreateClient();
        var (_, pin) = await victim.CreateCaseAsync(7);

        var adminOnly = path.StartsWith("/api/admin", StringComparison.Ordinal);
        var signedIn = new[] { ("analyst", analyst), ("investigator", investigator), ("admin", admin) };
        foreach (var (role, client) in signedIn)
        {
            using var response = await SendAsync(client, method, path, null);
            var allowed = !adminOnly || role == "admin";
            Assert.True(allowed ? response.IsSuccessStatusCode : response.StatusCode == HttpStatusCode.NotFound, $"{role} {method} {path}: {(int)response.StatusCode}");
        }

        foreach (var (who, client, header) in new[] { ("anonymous", anonymous, (string?)null), ("victim PIN", victim, pin) })
        {
            using var response = await SendAsync(client, method, path, header);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{who} {method} {path}: {(int)response.StatusCode}");
            Assert.DoesNotContain("admin", await response.Content.ReadAsStringAsync(ApiClient.Ct), StringComparison.Ordinal);
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path, string? pin)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (pin is not null)
        {
            request.Headers.Add("X-Case-Pin", pin);
        }

        if (method == "POST")
        {
            request.Content = JsonContent.Create(new { role = "analyst" });
        }

        return await client.SendAsync(request, ApiClient.Ct);
    }

    [Fact]
    public async Task AdminPages_AnonymousRedirectedAnalystNotFound_AdminSeesInviteForm()
    {
        using var admin = await _factory.AdminAsync();
        using var analyst = await _factory.UserAsync(admin, "analyst", "ana");
        using var anonymous = _factory.CreateClient(new() { AllowAutoRedirect = false });

        using var redirected = await anonymous.GetAsync("/admin/users", ApiClient.Ct);
        Assert.Equal(HttpStatusCode.Redirect, redirected.StatusCode);
        Assert.StartsWith("/account/sign-in", redirected.Headers.Location!.PathAndQuery, StringComparison.Ordinal);

        using var denied = await analyst.GetAsync("/admin/users", ApiClient.Ct);
        Assert.Equal(HttpStatusCode.NotFound, denied.StatusCode);
        Assert.DoesNotContain("ana<", await denied.Content.ReadAsStringAsync(ApiClient.Ct), StringComparison.Ordinal);

        var page = await admin.GetStringAsync("/admin/users?culture=en", ApiClient.Ct);
        Assert.Contains("Create invitation link", page, StringComparison.Ordinal);
        Assert.Contains("<td>ana</td>", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invite_UsedTwiceOrUnknown_NotFound_BadRoleAndWeakPasswordRejected()
    {
        using var admin = await _factory.AdminAsync();
        using var badRole = await admin.PostAsJsonAsync("/api/admin/invites", new { role = "root" }, ApiClient.Ct);
        Assert.Equal(HttpStatusCode.BadRequest, badRole.StatusCode);

        var token = await admin.InviteAsync("analyst");
        using var client = _factory.CreateClient();
        using (var weak = await client.PostAsJsonAsync("/api/account/invites/" + token, new { userName = "bob", password = "short" }, ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        }

        using (var ok = await client.PostAsJsonAsync("/api/account/invites/" + token, new { userName = "bob", password = AccountClient.Password }, ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        }

        using (var reused = await client.PostAsJsonAsync("/api/account/invites/" + token, new { userName = "eve", password = AccountClient.Password }, ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, reused.StatusCode);
        }

        using (var unknown = await client.PostAsJsonAsync("/api/account/invites/not-a-token", new { userName = "eve", password = AccountClient.Password }, ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        var users = await admin.GetStringAsync("/api/admin/users", ApiClient.Ct);
        Assert.Contains("\"bob\"", users, StringComparison.Ordinal);
        Assert.DoesNotContain("\"eve\"", users, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Totp_Enabled_SignInAsksForCodeAndAcceptsOnlyTheRightOne()
    {
        using var admin = await _factory.AdminAsync();
        using var analyst = await _factory.UserAsync(admin, "analyst", "tina");
        using var started = await analyst.PostAsync("/api/account/authenticator", null, ApiClient.Ct);
        var key = await started.JsonAsync();
        var sharedKey = (string)key["sharedKey"]!;
        Assert.StartsWith("otpauth://totp/Haechi%3Atina?secret=", (string)key["otpauthUri"]!, StringComparison.Ordinal);

        using (var wrong = await analyst.PostAsJsonAsync("/api/account/authenticator/confirm", new { code = "000000" }, ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        }

        using (var confirmed = await analyst.PostAsJsonAsync("/api/account/authenticator/confirm", new { code = AccountClient.Totp(sharedKey, TimeProvider.System.GetUtcNow()) }, ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, confirmed.StatusCode);
        }

        using var fresh = _factory.CreateClient();
        using (var noCode = await fresh.SignInAsync("tina", AccountClient.Password))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, noCode.StatusCode);
            Assert.True((bool)(await noCode.JsonAsync())["codeRequired"]!);
        }

        using (var badCode = await fresh.SignInAsync("tina", AccountClient.Password, "123456" == AccountClient.Totp(sharedKey, TimeProvider.System.GetUtcNow()) ? "654321" : "123456"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, badCode.StatusCode);
        }

        using (var me = await fresh.GetAsync("/api/account/me", ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, me.StatusCode);
        }

        using (var good = await fresh.SignInAsync("tina", AccountClient.Password, AccountClient.Totp(sharedKey, TimeProvider.System.GetUtcNow())))
        {
            Assert.Equal(HttpStatusCode.NoContent, good.StatusCode);
        }

        var view = await fresh.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>("/api/account/me", ApiClient.Ct);
        Assert.True((bool)view!["twoFactorEnabled"]!);
    }

    [Fact]
    public async Task SignInAndOut_Audited_WrongPasswordAuditedWithoutName()
    {
        using var anonymous = _factory.CreateClient();
        using (var wrong = await anonymous.SignInAsync("admin", "not the password"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var admin = await _factory.AdminAsync();
        using (var signedOut = await admin.PostAsync("/api/account/sign-out", null, ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, signedOut.StatusCode);
        }

        using (var after = await admin.GetAsync("/api/admin/audit", ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
        }

        using var again = await _factory.AdminAsync();
        var actions = (await again.AuditAsync()).Select(e => (string)e["action"]!).ToList();
        Assert.Contains("account.sign-in-failed", actions);
        Assert.Contains("account.sign-in", actions);
        Assert.Contains("account.sign-out", actions);
        var text = await again.GetStringAsync("/api/admin/audit?take=1000", ApiClient.Ct);
        Assert.DoesNotContain("not the password", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"admin\"", text.Replace("role=admin", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }
}
