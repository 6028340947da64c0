using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Haechi.EndToEnd.Tests;

/// <summary>
/// The real server on Kestrel (an ephemeral port, a fresh SQLite data directory) and one headless
/// Debian Chromium for the whole collection. A missing Chromium skips locally and fails when
/// <c>CI=true</c>; Playwright never downloads a browser.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private ServerFactory? _factory;
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("haechi-e2e-").FullName;

    public string? Missing { get; private set; }

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            Missing = "Chromium is not installed at /usr/bin/chromium (apt-get install chromium).";
            return;
        }

        _factory = new ServerFactory(DataDirectory, _firstRun);
        _factory.UseKestrel(0);
        _factory.StartServer();
        BaseAddress = _factory.ClientOptions.BaseAddress;
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>Skips locally, fails in CI, when the browser is missing.</summary>
    public void RequireBrowser()
    {
        if (Missing is null)
        {
            return;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(Missing);
        }

        Assert.Skip(Missing);
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The first-run admin password the server printed (captured, never echoed to the test output).</summary>
    public string AdminPassword
    {
        get
        {
            var match = System.Text.RegularExpressions.Regex.Match(_firstRun.ToString(), "password ([A-Za-z0-9]{24}) ");
            return match.Success ? match.Groups[1].Value : throw new InvalidOperationException("The server printed no first-run admin password.");
        }
    }

    private readonly StringWriter _firstRun = new();

    private sealed class ServerFactory(string dataDirectory, TextWriter firstRun) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("data-dir", dataDirectory);
            builder.UseSetting("Cases:PinIterations", "100000");
            builder.UseSetting("Reports:SubmissionsPerMinutePerClient", "1000");
            builder.ConfigureTestServices(services => services.AddSingleton(new Haechi.Server.Features.Accounts.FirstRunOutput(firstRun)));
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserTests : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
