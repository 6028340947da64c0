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
    [InlineData("/protect", "사진은 이 기기를 떠나지 않아요")]
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

    [Theory]
    [InlineData("/no-such-page", "ko", "페이지를 찾을 수 없어요", "처음으로")]
    [InlineData("/case/xyz", "ko", "페이지를 찾을 수 없어요", "처음으로")]
    [InlineData("/no-such-page?culture=en", "en", "Page not found", "Back to the start")]
    public async Task UnknownAddress_OwnNotFoundPage_InChosenLanguage_WithWayHome(string path, string language, string title, string home)
    {
        using var response = await _client.GetAsync(path, ApiClient.Ct);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(ApiClient.Ct));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains($"<html lang=\"{language}\"", html, StringComparison.Ordinal);
        Assert.Contains("<h1>" + title + "</h1>", html, StringComparison.Ordinal);
        Assert.Contains("<a class=\"button\" href=\"/\">" + home + "</a>", html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"help-block\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownApiAddress_StaysProblemDetails()
    {
        using var response = await _client.GetAsync("/api/no-such-thing", ApiClient.Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("<html", await response.Content.ReadAsStringAsync(ApiClient.Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CultureQuery_KeptInCookie_NextPageWithoutQueryStaysEnglish()
    {
        using var first = await _client.GetAsync("/?culture=en", ApiClient.Ct);
        Assert.Contains(first.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Culture=c%3Den%7Cuic%3Den", StringComparison.Ordinal));

        var next = await _client.GetStringAsync("/report", ApiClient.Ct);
        Assert.Contains("<html lang=\"en\"", next, StringComparison.Ordinal);

        var back = await _client.GetStringAsync("/case?culture=ko", ApiClient.Ct);
        Assert.Contains("<html lang=\"ko\"", back, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"ko\"", await _client.GetStringAsync("/", ApiClient.Ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/protect")]
    [InlineData("/case")]
    [InlineData("/report")]
    [InlineData("/report/status")]
    public async Task VictimPage_HasHelpBlockAndQuickExit(string path)
    {
        var html = WebUtility.HtmlDecode(await _client.GetStringAsync(path, ApiClient.Ct));

        Assert.Contains("data-testid=\"help-block\"", html, StringComparison.Ordinal);
        Assert.Contains("당신의 잘못이 아니에요.", html, StringComparison.Ordinal);
        foreach (var number in new[] { "02-735-8994", "1366", "1388", "117", "112", "1377" })
        {
            Assert.Contains("href=\"tel:" + number + "\"", html, StringComparison.Ordinal);
        }

        Assert.Contains("data-quick-exit", html, StringComparison.Ordinal);
        // Nothing loaded from another site: every src/href of a stylesheet or script is local.
        Assert.DoesNotMatch("<(script|link|img)[^>]+(src|href)=\"(https?:)?//", html);
    }

    [Fact]
    public async Task CaseForm_RightPin_CountsPhotosNotFingerprints()
    {
        var (number, pin) = await _client.CreateCaseAsync(21, 22, 23);
        var html = WebUtility.HtmlDecode(await OpenCaseAsync(number, pin, "ko"));

        Assert.Contains("등록된 사진 3장", html, StringComparison.Ordinal);
        Assert.DoesNotContain("지문 수", html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"case-add\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CaseForm_FiveWrongPins_SaysWhenToTryAgain_UnknownNumberStaysNotFound()
    {
        var (number, pin) = await _client.CreateCaseAsync(24);
        for (var i = 0; i < 4; i++)
        {
            Assert.Contains("No case matches this number and PIN", await OpenCaseAsync(number, ApiClient.WrongPin(pin), "en"), StringComparison.Ordinal);
        }

        Assert.Contains("data-testid=\"case-locked\"", await OpenCaseAsync(number, ApiClient.WrongPin(pin), "en"), StringComparison.Ordinal);

        // The right PIN during the lock: not "no such case" but when to come back, in Korea's time.
        var locked = WebUtility.HtmlDecode(await OpenCaseAsync(number, pin, "en"));
        Assert.Contains("data-testid=\"case-locked\"", locked, StringComparison.Ordinal);
        Assert.Matches("You can try again at <time datetime=\"[^\"]+\">20[0-9]{2}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} KST</time>", locked);
        Assert.DoesNotContain("Registered: we are watching", locked, StringComparison.Ordinal);

        // An unknown number never says "locked", however often it is tried.
        var unknown = "HC-" + number[3..8] + "-ZZZZZ";
        for (var i = 0; i < 6; i++)
        {
            var html = await OpenCaseAsync(unknown, pin, "en");
            Assert.DoesNotContain("case-locked", html, StringComparison.Ordinal);
        }
    }

    private async Task<string> OpenCaseAsync(string number, string pin, string language)
    {
        var page = await _client.GetStringAsync("/case?culture=" + language, ApiClient.Ct);
        using var open = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "case-open",
            ["__RequestVerificationToken"] = AntiforgeryToken().Match(page).Groups[1].Value,
            ["Open.CaseNumber"] = number,
            ["Open.Pin"] = pin,
        });
        using var opened = await _client.PostAsync("/case?culture=" + language, open, ApiClient.Ct);
        return await opened.Content.ReadAsStringAsync(ApiClient.Ct);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
