using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Haechi.EndToEnd.Tests;

/// <summary>
/// A Haechi server on a real port for the browser, on a fresh data directory, with the test defaults
/// (fast PIN hashing, no report or PIN-check rate limit: the browser tests open many cases from one address) and any settings over them; its first-run admin password is read back.
/// </summary>
internal sealed class BrowserServer(Dictionary<string, string>? settings = null, string? dataDirectory = null) : WebApplicationFactory<Program>
{
    private readonly StringWriter _firstRun = new();

    public string DataDirectory { get; } = dataDirectory ?? Directory.CreateTempSubdirectory("haechi-e2e-").FullName;

    public string AdminPassword =>
        System.Text.RegularExpressions.Regex.Match(_firstRun.ToString(), "password ([A-Za-z0-9]{24}) ") is { Success: true } match
            ? match.Groups[1].Value
            : throw new InvalidOperationException("The server printed no first-run admin password.");

    /// <summary>Starts Kestrel on a free port; returns the base address.</summary>
    public string Start()
    {
        UseKestrel(0);
        StartServer();
        return ClientOptions.BaseAddress.ToString();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("data-dir", DataDirectory);
        builder.UseSetting("Cases:PinIterations", "100000");
        builder.UseSetting("Reports:SubmissionsPerMinutePerClient", "1000");
        builder.UseSetting("Cases:PinChecksPerMinutePerClient", "1000");
        foreach (var (key, value) in settings ?? [])
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services => services.AddSingleton(new Haechi.Server.Features.Accounts.FirstRunOutput(_firstRun)));
    }
}
