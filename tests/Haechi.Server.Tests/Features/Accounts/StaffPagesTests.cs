using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Haechi.Core.Review;
using Haechi.Pipeline.Review;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Haechi.Server.Tests.Features.Accounts;

/// <summary>
/// Staff work all day: the staff menu on every page shows the links of the user's roles (the pages'
/// own policies) and marks the current one; sign-out ends the session (a copy of the cookie no longer
/// works) and lands on the sign-in page in Korean; a platform contact saves with only an e-mail and
/// keeps what was typed on an error, with the error next to the field in Korean; no decision is preselected.
/// </summary>
public sealed partial class StaffPagesTests : IAsyncLifetime
{
    private static readonly string[] AllLinks = ["/review", "/takedowns", "/stats", "/admin/ingest", "/admin/sources", "/admin/telegram", "/investigate", "/investigate/evidence", "/police", "/admin/users", "/admin/roles", "/account/security"];
    private readonly HaechiServerFactory _factory = new(new(StringComparer.Ordinal) { ["Roles:Pipeline"] = "false", ["Roles:Watchers"] = "false", ["Roles:Notices"] = "false" });

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    [GeneratedRegex("<nav class=\"staff-bar\"[^>]*>(.*?)</nav>", RegexOptions.Singleline)]
    private static partial Regex StaffBar();

    [GeneratedRegex("href=\"([^\"]+)\"")]
    private static partial Regex Href();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        HaechiServerFactory.DeleteDirectory(_factory.DataDirectory);
    }

    private static async Task<List<string>> MenuAsync(HttpClient client, string page)
    {
        var html = await client.GetStringAsync(page, ApiClient.Ct);
        var bar = StaffBar().Match(html);
        Assert.True(bar.Success, "no staff menu on " + page);
        return [.. Href().Matches(bar.Groups[1].Value).Select(m => m.Groups[1].Value)];
    }

    [Fact]
    public async Task StaffMenu_ShowsTheLinksOfTheRoles_MarksTheCurrentPage_NameAndSignOutOnEveryPage()
    {
        using var admin = await _factory.AdminAsync();
        using var analyst = await _factory.UserAsync(admin, "analyst", "ana");
        using var investigator = await _factory.UserAsync(admin, "investigator", "ivy");

        Assert.Equal(AllLinks, await MenuAsync(admin, "/admin/users?culture=en"));
        Assert.Equal(["/review", "/takedowns", "/stats", "/admin/ingest", "/admin/sources", "/admin/roles", "/account/security"], await MenuAsync(analyst, "/review?culture=en"));
        Assert.Equal(["/review", "/takedowns", "/stats", "/investigate", "/investigate/evidence", "/police", "/account/security"], await MenuAsync(investigator, "/investigate?culture=en"));

        // Every link the menu shows opens for that user (the menu asks the pages' own policies).
        foreach (var link in await MenuAsync(analyst, "/review?culture=en"))
        {
            using var response = await analyst.GetAsync(link, ApiClient.Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, link + ": " + response.StatusCode);
        }

        // The current page (an item page counts as the queue; kept evidence is not "investigate"), the name, sign-out.
        var item = await EnqueueAsync();
        var itemPage = await analyst.GetStringAsync($"/review/{item}?culture=en", ApiClient.Ct);
        Assert.Contains("<a href=\"/review\" aria-current=\"page\">Review queue</a>", itemPage, StringComparison.Ordinal);
        Assert.Contains("Signed in as ana", itemPage, StringComparison.Ordinal);
        Assert.Contains("<form method=\"post\" action=\"/account/sign-out\"", itemPage, StringComparison.Ordinal);
        Assert.Contains("<details class=\"staff-menu\">", itemPage, StringComparison.Ordinal);
        var kept = await investigator.GetStringAsync("/investigate/evidence?culture=ko", ApiClient.Ct);
        Assert.Contains("<a href=\"/investigate/evidence\" aria-current=\"page\">보관 증거</a>", kept, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/investigate\">수사 분석</a>", kept, StringComparison.Ordinal);
        Assert.Contains("ivy 님 로그인 중", kept, StringComparison.Ordinal);
        Assert.Contains("로그아웃</button>", kept, StringComparison.Ordinal);

        // Public pages show it to staff too; never to the public.
        Assert.Contains("data-testid=\"staff-menu\"", await analyst.GetStringAsync("/report", ApiClient.Ct), StringComparison.Ordinal);
        using var anonymous = _factory.CreateClient();
        Assert.DoesNotContain("data-testid=\"staff-menu\"", await anonymous.GetStringAsync("/report", ApiClient.Ct), StringComparison.Ordinal);

        // No decision is preselected: the only selected option of the decision list is the empty "choose".
        var select = Regex.Match(itemPage, "<select id=\"decision\".*?</select>", RegexOptions.Singleline).Value;
        Assert.Single(Regex.Matches(select, "selected"));
        Assert.Contains("<option value selected>Choose a decision</option>", select, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignOut_EndsTheSession_ACopyOfTheCookieNoLongerWorks_LandsOnSignInInKorean()
    {
        using var admin = await _factory.AdminAsync();
        var token = await admin.InviteAsync("analyst");
        var cookies = new Dictionary<string, string>(StringComparer.Ordinal);
        using var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        using (var accepted = await client.PostAsJsonAsync("/api/account/invites/" + token, new { userName = "sam", password = AccountClient.Password }, ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        }

        using (var signedIn = await client.PostAsJsonAsync("/api/account/sign-in", new { userName = "sam", password = AccountClient.Password }, ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, signedIn.StatusCode);
            Keep(signedIn, cookies);
        }

        var session = cookies["haechi.auth"];
        string page;
        using (var queue = await SendAsync(client, HttpMethod.Get, "/review", cookies))
        {
            Assert.Equal(HttpStatusCode.OK, queue.StatusCode);
            Keep(queue, cookies);
            page = await queue.Content.ReadAsStringAsync(ApiClient.Ct);
        }

        // The menu's sign-out form: antiforgery token, POST, then the sign-in page with a Korean message.
        using (var form = new FormUrlEncodedContent(new Dictionary<string, string>(StringComparer.Ordinal) { ["__RequestVerificationToken"] = Token().Match(page).Groups[1].Value }))
        using (var signedOut = await SendAsync(client, HttpMethod.Post, "/account/sign-out", cookies, form))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
            Assert.Equal("/account/sign-in?signed-out=1", signedOut.Headers.Location!.OriginalString);
        }

        using (var landing = await SendAsync(client, HttpMethod.Get, "/account/sign-in?signed-out=1&culture=ko", []))
        {
            Assert.Contains("로그아웃되었습니다.", await landing.Content.ReadAsStringAsync(ApiClient.Ct), StringComparison.Ordinal);
        }

        // The old cookie, replayed as it was: no session any more (API 404, pages to sign-in).
        var replay = new Dictionary<string, string>(StringComparer.Ordinal) { ["haechi.auth"] = session };
        using (var me = await SendAsync(client, HttpMethod.Get, "/api/account/me", replay))
        {
            Assert.Equal(HttpStatusCode.NotFound, me.StatusCode);
        }

        using (var queue = await SendAsync(client, HttpMethod.Get, "/review", replay))
        {
            Assert.Equal(HttpStatusCode.Redirect, queue.StatusCode);
            Assert.Contains("/account/sign-in", queue.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }

        Assert.Contains(await admin.AuditAsync(), e => (string)e["action"]! == "account.sign-out");

        // Signing in again works, and other users' sessions were never touched.
        using (var again = await client.PostAsJsonAsync("/api/account/sign-in", new { userName = "sam", password = AccountClient.Password }, ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        }

        Assert.Equal("admin", (string)(await admin.GetFromJsonAsync<JsonObject>("/api/account/me", ApiClient.Ct))!["userName"]!);
    }

    [Fact]
    public async Task Contact_SavesWithOnlyAnEmail_OnAnErrorKeepsTheInput_ErrorNextToTheFieldInKorean()
    {
        using var admin = await _factory.AdminAsync();
        using var analyst = await _factory.UserAsync(admin, "analyst", "ana");
        var page = await analyst.GetStringAsync("/takedowns?culture=ko", ApiClient.Ct);

        // Name, hosts and e-mail only; the other fields come as the browser sends them: empty.
        page = await PostContactAsync(analyst, page, "이메일만 호스트", "mail-only.example", "abuse@mail-only.example");
        Assert.Contains("연락처를 저장했습니다.", page, StringComparison.Ordinal);
        var contacts = (await analyst.GetFromJsonAsync<JsonArray>("/api/takedowns/contacts", ApiClient.Ct))!;
        var saved = contacts.Single(c => (string)c!["name"]! == "이메일만 호스트")!;
        Assert.Equal("abuse@mail-only.example", (string)saved["email"]!);
        Assert.Null(saved["webFormUrl"]);
        Assert.Null(saved["webhookUrl"]);

        // The API takes the same with empty optional fields.
        using (var api = await analyst.PostAsJsonAsync("/api/takedowns/contacts", new { name = "api only mail", hosts = "api-mail.example", email = "abuse@api-mail.example", webFormUrl = "", webhookUrl = "", language = "ko" }, ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.Created, api.StatusCode);
        }

        // A bad host list and a bad address: nothing saved, every typed value kept, each error by its field, in Korean.
        var before = (await analyst.GetFromJsonAsync<JsonArray>("/api/takedowns/contacts", ApiClient.Ct))!.Count;
        page = await PostContactAsync(analyst, page, "두 번째 호스트", "nothing", "not-an-email");
        Assert.Contains("연락처를 저장하지 못했습니다.", page, StringComparison.Ordinal);
        Assert.Contains("value=\"두 번째 호스트\"", page, StringComparison.Ordinal);
        Assert.Contains(">nothing</textarea>", page, StringComparison.Ordinal);
        Assert.Contains("value=\"not-an-email\"", page, StringComparison.Ordinal);
        Assert.Matches("aria-describedby=\"contact-hosts-error\">nothing</textarea>\\s*<span class=\"field-error\" id=\"contact-hosts-error\"[^>]*>호스트 이름을 하나 이상 입력해 주세요", page);
        Assert.Matches("id=\"contact-email-error\"[^>]*>올바른 이메일 주소를 입력해 주세요", page);
        Assert.DoesNotContain("contact-name-error", page, StringComparison.Ordinal);
        Assert.Equal(before, (await analyst.GetFromJsonAsync<JsonArray>("/api/takedowns/contacts", ApiClient.Ct))!.Count);

        // A name taken: said so next to the name.
        page = await PostContactAsync(analyst, page, "이메일만 호스트", "other.example", "abuse@other.example");
        Assert.Matches("id=\"contact-name-error\"[^>]*>같은 이름의 연락처가 이미 있습니다.", page);
        Assert.Contains("value=\"abuse@other.example\"", page, StringComparison.Ordinal);
    }

    private static async Task<string> PostContactAsync(HttpClient client, string page, string name, string hosts, string email)
    {
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["_handler"] = "contact",
            ["__RequestVerificationToken"] = Token().Match(page).Groups[1].Value,
            ["Form.Name"] = name,
            ["Form.Hosts"] = hosts,
            ["Form.Email"] = email,
            ["Form.WebFormUrl"] = string.Empty,
            ["Form.WebhookUrl"] = string.Empty,
            ["Form.WebhookSecret"] = string.Empty,
            ["Form.Language"] = "ko",
        });
        using var response = await client.PostAsync("/takedowns?culture=ko", content, ApiClient.Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(ApiClient.Ct);
    }

    private async Task<long> EnqueueAsync()
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<IReviewQueue>().EnqueueAsync(new ReviewItemInput(ReviewItemKind.BankMatch, "entry-1", MatchStrength: 0.9), ApiClient.Ct)).Id;
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, Dictionary<string, string> cookies, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", cookies.Select(c => c.Key + "=" + c.Value)));
        }

        return await client.SendAsync(request, ApiClient.Ct);
    }

    private static void Keep(HttpResponseMessage response, Dictionary<string, string> cookies)
    {
        foreach (var header in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
        {
            var pair = header.Split(';', 2)[0];
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            cookies[pair[..equals]] = pair[(equals + 1)..];
        }
    }
}
