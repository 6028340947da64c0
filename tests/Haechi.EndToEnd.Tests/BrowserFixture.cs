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
    private BrowserServer? _factory;
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

        _factory = new BrowserServer(dataDirectory: DataDirectory);
        BaseAddress = new Uri(_factory.Start());
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
    public string AdminPassword => _factory?.AdminPassword ?? throw new InvalidOperationException("The server did not start.");
}

[CollectionDefinition(Name)]
public sealed class BrowserTests : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
