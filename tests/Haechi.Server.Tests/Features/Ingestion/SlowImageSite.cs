using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Haechi.Server.Tests.Features.Ingestion;

/// <summary>
/// Images by path on 127.0.0.1, each answered after a fixed delay like a remote host's, so that a
/// fast machine cannot drain the crash test's queue between two status polls.
/// </summary>
internal sealed class SlowImageSite : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly TimeSpan _delay;

    private SlowImageSite(WebApplication app, TimeSpan delay)
    {
        _app = app;
        _delay = delay;
    }

    public Uri BaseUrl { get; private set; } = null!;

    public static async Task<SlowImageSite> StartAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var site = new SlowImageSite(app, delay);
        app.Run(site.HandleAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        site.BaseUrl = new Uri(address + "/");
        return site;
    }

    public Uri Url(string path) => new(BaseUrl, path);

    public void File(string path, byte[] bytes) => _files[path] = bytes;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        try
        {
            await Task.Delay(_delay, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (!_files.TryGetValue(context.Request.Path.Value ?? "/", out var bytes))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        context.Response.ContentType = "image/jpeg";
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }
}
