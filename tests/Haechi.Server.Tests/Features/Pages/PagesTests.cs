using System.Net;
using System.Text.RegularExpressions;

namespace Haechi.Server.Tests.Features.Pages;

public sealed partial class PagesTests : IAsyncLifetime
{
    private readonly HaechiServerFactory _factory = new();
    private HttpClient _client = null!;

    public ValueTask InitializeAsync()
    {
        _client = _factory.CreateClient();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        HaechiServerFactory.DeleteDirectory(_factory.DataDirectory);
    }

    [Theory]
    [InlineData("/", "내 사진 보호하기")]
    [InlineData("/protect", "보호할 사진을 선택하세요")]
    [InlineData("/case", "사건 번호")]
    [InlineData("/report", "딥페이크 신고")]
    public async Task Page_Default_Korean(string path, string text)
    {
        var html = WebUtility.HtmlDecode(await _client.GetStringAsync(path, ApiClient.Ct));

        Assert.Contains("<html lang=\"ko\"", html, StringComparison.Ordinal);
        Assert.Contains(text, html, StringComparison.Ordinal);
        Assert.Contains("/language?lang=en", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/?culture=en", "Protect my photos")]
    [InlineData("/report?culture=en", "Report deepfake content")]
    public async Task Page_CultureQuery_English(string path, string text)
    {
        var html = WebUtility.HtmlDecode(await _client.GetStringAsync(path, ApiClient.Ct));

        Assert.Contains("<html lang=\"en\"", html, StringComparison.Ordinal);
        Assert.Contains(text, html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/", "상담·분석 담당자 로그인")]
    [InlineData("/report?culture=en", "Staff sign-in (analysts)")]
    public async Task Footer_LinksToStaffSignIn_ThatPageRenders(string path, string text)
    {
        var html = WebUtility.HtmlDecode(await _client.GetStringAsync(path, ApiClient.Ct));
        Assert.Contains("<a href=\"/account/sign-in\">" + text + "</a>", html, StringComparison.Ordinal);

        using var signIn = await _client.GetAsync("/account/sign-in", ApiClient.Ct);
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
    }

    [Fact]
    public async Task Language_SwitchToEnglish_CookieAndLocalRedirect()
    {
        using var response = await _client.GetAsync("/language?lang=en&returnUrl=%2Fcase", ApiClient.Ct);

        Assert.Equal("/case", response.RequestMessage!.RequestUri!.AbsolutePath);
        var html = await response.Content.ReadAsStringAsync(ApiClient.Ct);
        Assert.Contains("Case number", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Language_ForeignReturnUrl_GoesHome()
    {
        using var client = _factory.CreateClient(new() { AllowAutoRedirect = false });
        using var response = await client.GetAsync("/language?lang=en&returnUrl=%2F%2Fevil.example", ApiClient.Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task ReportForm_PostWithMinorFlag_ShowsReceipt()
    {
        var form = await _client.GetStringAsync("/report?culture=en", ApiClient.Ct);
        var token = AntiforgeryToken().Match(form).Groups[1].Value;
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "report",
            ["__RequestVerificationToken"] = token,
            ["Form.Urls"] = "https://t.me/room1\nhttps://t.me/room2",
            ["Form.Platform"] = "Telegram",
            ["Form.Channel"] = "<b>room</b>",
            ["Form.PossibleMinor"] = "true",
        });

        using var response = await _client.PostAsync("/report?culture=en", content, ApiClient.Ct);
        var html = await response.Content.ReadAsStringAsync(ApiClient.Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Matches("data-testid=\"receipt\">HR-[0-9A-Z]{5}-[0-9A-Z]{5}<", html);
    }

    [Fact]
    public async Task CaseForm_RightPin_ShowsStatusAndWithdraws()
    {
        var (number, pin) = await _client.CreateCaseAsync(7);
        var page = await _client.GetStringAsync("/case?culture=en", ApiClient.Ct);
        using var open = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "case-open",
            ["__RequestVerificationToken"] = AntiforgeryToken().Match(page).Groups[1].Value,
            ["Open.CaseNumber"] = number,
            ["Open.Pin"] = pin,
        });
        using var opened = await _client.PostAsync("/case?culture=en", open, ApiClient.Ct);
        var html = await opened.Content.ReadAsStringAsync(ApiClient.Ct);
        Assert.Contains("Registered: we are watching for copies", html, StringComparison.Ordinal);

        using var withdraw = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "case-withdraw",
            ["__RequestVerificationToken"] = AntiforgeryToken().Match(html).Groups[1].Value,
            ["Remove.CaseNumber"] = number,
            ["Remove.Pin"] = pin,
            ["Remove.Confirm"] = "true",
        });
        using var withdrawn = await _client.PostAsync("/case?culture=en", withdraw, ApiClient.Ct);
        Assert.Contains("Withdrawn: all fingerprints were erased", await withdrawn.Content.ReadAsStringAsync(ApiClient.Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CaseForm_WrongPin_NotFoundMessage()
    {
        var (number, pin) = await _client.CreateCaseAsync(8);
        var page = await _client.GetStringAsync("/case?culture=en", ApiClient.Ct);
        using var open = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "case-open",
            ["__RequestVerificationToken"] = AntiforgeryToken().Match(page).Groups[1].Value,
            ["Open.CaseNumber"] = number,
            ["Open.Pin"] = ApiClient.WrongPin(pin),
        });
        using var response = await _client.PostAsync("/case?culture=en", open, ApiClient.Ct);

        Assert.Contains("No case matches this number and PIN", await response.Content.ReadAsStringAsync(ApiClient.Ct), StringComparison.Ordinal);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
