using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Haechi.Server.Tests.Features.Ingestion;

/// <summary>
/// The built server (<c>src/Haechi.Server/bin/CONFIG/FRAMEWORK/haechi-server.dll</c>) as a child
/// process on 127.0.0.1 and a free port, so that a test can kill it (SIGKILL) and start it again on
/// the same data directory. Standard output and error are kept for the first-run admin password
/// and for failure messages.
/// </summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _lock = new();

    private ServerProcess(Process process, Uri baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the server printed so far (standard output and error).</summary>
    public string Output
    {
        get
        {
            lock (_lock)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The first-run admin password the server printed, or null.</summary>
    public string? AdminPassword => FirstRunPassword().Match(Output) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>Starts the server with <paramref name="settings"/> (configuration keys) and waits until <c>/api/health</c> answers 200.</summary>
    public static async Task<ServerProcess> StartAsync(string dataDirectory, IReadOnlyDictionary<string, string> settings, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var dll = ServerAssembly();
        var port = FreePort();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"));
        start.ArgumentList.Add("--data-dir");
        start.ArgumentList.Add(dataDirectory);
        foreach (var (key, value) in settings)
        {
            start.ArgumentList.Add("--" + key);
            start.ArgumentList.Add(value);
        }

        // Only this test's settings: no store or environment inherited from the test host.
        start.Environment.Remove("ConnectionStrings__Haechi");
        start.Environment.Remove("HAECHI_DATA_DIR");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var server = new ServerProcess(Process.Start(start)!, new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/")));
        server._process.OutputDataReceived += (_, e) => server.Append(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromSeconds(5) };
        var watch = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(server.HasExited, "the server exited while starting: " + server.Output);
            try
            {
                using var health = await http.GetAsync("/api/health", cancellationToken);
                if (health.StatusCode == HttpStatusCode.OK)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            if (watch.Elapsed > timeout)
            {
                await server.DisposeAsync();
                Assert.Fail($"the server did not become healthy within {timeout.TotalSeconds} s: " + server.Output);
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>A client with its own cookies on this server.</summary>
    public HttpClient CreateClient() => new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>SIGKILL on Linux: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            _output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // The server's own build output (its deps.json and runtimeconfig resolve its packages): the same
    // configuration and framework folder as this test assembly.
    private static string ServerAssembly()
    {
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = framework.Parent!;
        var root = configuration.Parent!;
        while (!File.Exists(Path.Combine(root.FullName, "Haechi.slnx")))
        {
            root = root.Parent ?? throw new InvalidOperationException("Haechi.slnx not found above the test assembly.");
        }

        var path = Path.Combine(root.FullName, "src", "Haechi.Server", "bin", configuration.Name, framework.Name, "haechi-server.dll");
        Assert.True(File.Exists(path), path + " is missing: build src/Haechi.Server");
        return path;
    }

    [GeneratedRegex("password ([A-Za-z0-9]{24}) ")]
    private static partial Regex FirstRunPassword();
}
