using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Haechi.Cli.Tests.Watching;

/// <summary>
/// A small web site on 127.0.0.1 for the watcher: pages (HTML by path), images (bytes by path),
/// and hostile endpoints: redirect loops and chains, a body that stalls, an endless body, a
/// decompression-bomb header, and a page of thousands of links.
/// </summary>
internal sealed class TestSite : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Dictionary<string, string> _pages = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    private TestSite(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public int MediaRequests;

    /// <summary>How long each image waits before its answer, like a remote host's (none by default).</summary>
    public TimeSpan MediaDelay { get; set; }

    public static async Task<TestSite> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var site = new TestSite(app);
        app.Run(site.HandleAsync);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        site.BaseUrl = new Uri(address + "/");
        return site;
    }

    public Uri Url(string pathAndQuery) => new(BaseUrl, pathAndQuery);

    public void Page(string pathAndQuery, string html)
    {
        lock (_lock)
        {
            _pages[pathAndQuery] = html;
        }
    }

    public void File(string path, byte[] bytes)
    {
        lock (_lock)
        {
            _files[path] = bytes;
        }
    }

    public void Remove(string path)
    {
        lock (_lock)
        {
            _files.Remove(path);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var key = path + context.Request.QueryString.Value;
        string? html;
        byte[]? bytes;
        lock (_lock)
        {
            _pages.TryGetValue(key, out html);
            _files.TryGetValue(path, out bytes);
        }

        if (html is not null)
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync(html, context.RequestAborted);
            return;
        }

        Interlocked.Increment(ref MediaRequests);
        if (bytes is not null)
        {
            if (MediaDelay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(MediaDelay, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            context.Response.ContentType = path.EndsWith(".png", StringComparison.Ordinal) ? "image/png" : "image/jpeg";
            context.Response.ContentLength = bytes.Length;
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
            return;
        }

        if (path.StartsWith("/loop/", StringComparison.Ordinal))
        {
            // /loop/a.jpg -> /loop/b.jpg -> /loop/a.jpg ...
            context.Response.Redirect(path.EndsWith("a.jpg", StringComparison.Ordinal) ? "/loop/b.jpg" : "/loop/a.jpg");
            return;
        }

        if (path.StartsWith("/chain/", StringComparison.Ordinal) && int.TryParse(Path.GetFileNameWithoutExtension(path), out var hop))
        {
            context.Response.Redirect($"/chain/{hop + 1}.jpg");
            return;
        }

        if (path == "/slow.jpg")
        {
            // Headers and the first bytes of a JPEG, then nothing.
            context.Response.ContentType = "image/jpeg";
            await context.Response.Body.WriteAsync(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10 }, context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }

            return;
        }

        if (path == "/endless.jpg")
        {
            // A JPEG start, then filler without end and without a Content-Length.
            context.Response.ContentType = "image/jpeg";
            var chunk = new byte[64 * 1024];
            chunk[0] = 0xFF;
            chunk[1] = 0xD8;
            chunk[2] = 0xFF;
            try
            {
                for (var i = 0; i < 100_000 && !context.RequestAborted.IsCancellationRequested; i++)
                {
                    await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                    chunk[0] = chunk[1] = chunk[2] = 0;
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
            }

            return;
        }

        if (path == "/bomb.png")
        {
            context.Response.ContentType = "image/png";
            await context.Response.Body.WriteAsync(PngBomb(40_000, 40_000), context.RequestAborted);
            return;
        }

        context.Response.StatusCode = 404;
    }

    /// <summary>A small PNG whose header declares <paramref name="width"/>×<paramref name="height"/> pixels (a decompression bomb's header).</summary>
    public static byte[] PngBomb(int width, int height)
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // RGB
        Chunk(png, "IHDR", ihdr);
        using var zlib = new MemoryStream();
        using (var deflate = new ZLibStream(zlib, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            deflate.Write(new byte[1 + (3 * 1024)]); // the first row's start: the rest would inflate to 4.8 GB
        }

        Chunk(png, "IDAT", zlib.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(length, Crc32(typed));
        png.Write(length);
    }

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
