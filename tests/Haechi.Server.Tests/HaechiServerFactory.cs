using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Haechi.Server.Tests;

/// <summary>The real server on a fresh SQLite data directory, with cheap PINs and generous rate limits unless a test sets its own.</summary>
public sealed class HaechiServerFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string> _settings;

    public HaechiServerFactory(Dictionary<string, string>? settings = null, string? dataDirectory = null)
    {
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

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Removes the data directory (call after disposing every factory that used it).</summary>
    public static void DeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
