using Haechi.Server.Features.Accounts;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Haechi.Server.Tests;

/// <summary>The real server on a fresh SQLite data directory, with cheap PINs and generous rate limits unless a test sets its own.</summary>
public sealed class HaechiServerFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string> _settings;
    private readonly Action<IServiceCollection>? _services;

    /// <param name="settings">Configuration over the test defaults.</param>
    /// <param name="dataDirectory">An existing data directory (a restart), or null for a new one.</param>
    /// <param name="services">Test services registered after the server's (e.g. a clock the test moves).</param>
    public HaechiServerFactory(Dictionary<string, string>? settings = null, string? dataDirectory = null, Action<IServiceCollection>? services = null)
    {
        _services = services;
        DataDirectory = dataDirectory ?? Directory.CreateTempSubdirectory("haechi-server-").FullName;
        _settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["data-dir"] = DataDirectory,
            ["Cases:PinIterations"] = "100000",
            ["Cases:PinChecksPerMinutePerClient"] = "1000",
            ["Reports:SubmissionsPerMinutePerClient"] = "1000",
        };
        foreach (var (key, value) in settings ?? [])
        {
            _settings[key] = value;
        }
    }

    public string DataDirectory { get; }

    /// <summary>What the server printed on standard output at first run (the admin password line).</summary>
    public StringWriter FirstRunText { get; } = new();

    /// <summary>The first-run admin password this server printed, or null when it printed none.</summary>
    public string? AdminPassword
    {
        get
        {
            _ = Server;
            var match = System.Text.RegularExpressions.Regex.Match(FirstRunText.ToString(), "password ([A-Za-z0-9]{24}) ");
            return match.Success ? match.Groups[1].Value : null;
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton(new FirstRunOutput(FirstRunText));
            _services?.Invoke(services);
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Removes the data directory and the secrets directory beside it (call after disposing every factory that used it).</summary>
    public static void DeleteDirectory(string path)
    {
        foreach (var directory in new[] { path, Path.TrimEndingDirectorySeparator(path) + "-secrets" })
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
