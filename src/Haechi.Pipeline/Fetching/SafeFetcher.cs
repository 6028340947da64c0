using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace Haechi.Pipeline.Fetching;

/// <summary>
/// Fetches pages and media from hosts that may be hostile: every connection is checked against
/// <see cref="AddressPolicy"/> after DNS resolution (so a redirect or a DNS answer cannot point
/// it at the machine's own network), redirects are followed by hand up to a limit with loop
/// detection, bodies are streamed against a size cap and a stall timer, and what came back is
/// sniffed from its first bytes. Thread-safe; one instance per process is enough.
/// </summary>
public sealed class SafeFetcher : IDisposable
{
    private readonly FetchOptions _options;
    private readonly TimeProvider _time;
    private readonly HttpClient _client;

    /// <summary>Creates a fetcher with its own connection pool.</summary>
    public SafeFetcher(FetchOptions? options = null, TimeProvider? time = null)
    {
        _options = options ?? FetchOptions.Default;
        _time = time ?? TimeProvider.System;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false, // a proxy would connect on our behalf, past the address check
            UseCookies = false,
            ConnectTimeout = _options.ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate | DecompressionMethods.Brotli,
            MaxResponseHeadersLength = 64, // KiB
            ConnectCallback = ConnectAsync,
        };
        _client = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd(_options.UserAgent);
    }

    /// <summary>The limits in force.</summary>
    public FetchOptions Options => _options;

    /// <summary>Fetches <paramref name="url"/> for <paramref name="purpose"/>; never throws for what the remote side does.</summary>
    public async Task<FetchResult> FetchAsync(Uri url, FetchPurpose purpose, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        var start = _time.GetTimestamp();
        if (!IsHttp(url))
        {
            return new FetchResult { Url = url, Status = FetchStatus.InvalidUrl, Detail = "only absolute http and https URLs are fetched" };
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.TotalTimeout);
        var maxBytes = purpose == FetchPurpose.Page ? _options.MaxPageBytes : _options.MaxMediaBytes;
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var current = url;
        var redirects = 0;
        int? code = null;
        var readingBody = false;
        try
        {
            while (true)
            {
                if (!visited.Add(current.AbsoluteUri))
                {
                    return Result(FetchStatus.RedirectLoop, "a redirect returned to a URL already visited");
                }

                if (!_options.AllowPrivateAddresses && IPAddress.TryParse(current.IdnHost, out var literal) && AddressPolicy.IsPrivate(literal))
                {
                    return Result(FetchStatus.BlockedPrivate, "the address is in a private range");
                }

                using var request = new HttpRequestMessage(HttpMethod.Get, current);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(purpose == FetchPurpose.Page ? "text/html" : "image/*"));
                if (purpose == FetchPurpose.Media)
                {
                    request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("video/*"));
                }

                using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
                code = (int)response.StatusCode;
                if (code is 301 or 302 or 303 or 307 or 308)
                {
                    var location = response.Headers.Location;
                    if (location is null)
                    {
                        return Result(FetchStatus.HttpStatus, "a redirect without a Location header");
                    }

                    var next = location.IsAbsoluteUri ? location : new Uri(current, location);
                    if (!IsHttp(next))
                    {
                        return Result(FetchStatus.InvalidUrl, "a redirect to a scheme other than http(s)");
                    }

                    if (++redirects > _options.MaxRedirects)
                    {
                        return Result(FetchStatus.TooManyRedirects, string.Create(CultureInfo.InvariantCulture, $"more than {_options.MaxRedirects} redirects"));
                    }

                    current = next;
                    continue;
                }

                if (code is < 200 or > 299)
                {
                    return Result(FetchStatus.HttpStatus, string.Create(CultureInfo.InvariantCulture, $"HTTP {code}"));
                }

                var contentType = response.Content.Headers.ContentType?.MediaType;
                if (response.Content.Headers.ContentLength is { } declared && declared > maxBytes)
                {
                    return Result(FetchStatus.TooLarge, string.Create(CultureInfo.InvariantCulture, $"declared {declared} bytes; the limit is {maxBytes}"), contentType);
                }

                readingBody = true;
                var stream = await response.Content.ReadAsStreamAsync(deadline.Token).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    var (status, body, detail) = await ReadBodyAsync(stream, maxBytes, purpose, contentType, deadline.Token).ConfigureAwait(false);
                    if (status != FetchStatus.Ok)
                    {
                        return Result(status, detail, contentType);
                    }

                    var kind = ContentSniffer.Sniff(body.AsSpan(0, Math.Min(body.Length, ContentSniffer.PrefixLength)), contentType);
                    if (!Wanted(kind, purpose))
                    {
                        return Result(FetchStatus.NotMedia, purpose == FetchPurpose.Page ? "not an HTML page" : "not an image or a video", contentType, kind);
                    }

                    return Result(FetchStatus.Ok, null, contentType, kind) with { Body = body };
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return readingBody
                ? Result(FetchStatus.SlowResponse, "the body did not arrive before the deadline")
                : Result(FetchStatus.Timeout, "no response before the deadline");
        }
        catch (HttpRequestException ex) when (Find<BlockedAddressException>(ex) is not null)
        {
            return Result(FetchStatus.BlockedPrivate, "the host resolves to a private address");
        }
        catch (HttpRequestException ex) when (Find<TimeoutException>(ex) is not null)
        {
            return Result(FetchStatus.Timeout, "the connection timed out");
        }
        catch (HttpRequestException ex)
        {
            return Result(readingBody ? FetchStatus.SlowResponse : FetchStatus.ConnectFailed, ex.HttpRequestError.ToString());
        }
        catch (IOException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return Result(FetchStatus.ConnectFailed, ex.GetType().Name);
        }

        FetchResult Result(FetchStatus status, string? detail, string? contentType = null, SniffedKind kind = SniffedKind.Unknown) => new()
        {
            Url = url,
            Status = status,
            FinalUrl = current,
            HttpStatusCode = code,
            ContentType = contentType,
            Kind = kind,
            Redirects = redirects,
            Detail = detail,
            Elapsed = _time.GetElapsedTime(start),
        };
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    private async Task<(FetchStatus Status, byte[] Body, string? Detail)> ReadBodyAsync(Stream stream, long maxBytes, FetchPurpose purpose, string? contentType, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var output = new ArrayBufferWriter<byte>(64 * 1024);
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sniffed = false;
        try
        {
            while (true)
            {
                stall.CancelAfter(_options.ReadStallTimeout);
                int read;
                try
                {
                    read = await stream.ReadAsync(buffer, stall.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return (FetchStatus.SlowResponse, [], string.Create(CultureInfo.InvariantCulture, $"no data for {_options.ReadStallTimeout.TotalSeconds:0.#} s"));
                }

                if (!stall.TryReset())
                {
                    throw new OperationCanceledException(cancellationToken);
                }

                if (read == 0)
                {
                    return (FetchStatus.Ok, output.WrittenSpan.ToArray(), null);
                }

                if (output.WrittenCount + read > maxBytes)
                {
                    return (FetchStatus.TooLarge, [], string.Create(CultureInfo.InvariantCulture, $"more than {maxBytes} bytes"));
                }

                output.Write(buffer.AsSpan(0, read));

                // Media that is plainly something else is dropped after its first bytes, not after the cap.
                if (!sniffed && purpose == FetchPurpose.Media && output.WrittenCount >= 16)
                {
                    sniffed = true;
                    var head = output.WrittenSpan[..Math.Min(output.WrittenCount, ContentSniffer.PrefixLength)];
                    if (!Wanted(ContentSniffer.Sniff(head, contentType), purpose))
                    {
                        return (FetchStatus.NotMedia, [], "not an image or a video");
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        if (!_options.AllowPrivateAddresses)
        {
            // A name with any private answer is refused as a whole: mixed answers are how DNS rebinding starts.
            foreach (var address in addresses)
            {
                if (AddressPolicy.IsPrivate(address))
                {
                    throw new BlockedAddressException();
                }
            }
        }

        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(address, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }

    private static bool Wanted(SniffedKind kind, FetchPurpose purpose) =>
        purpose == FetchPurpose.Page ? kind == SniffedKind.Html : kind is SniffedKind.Image or SniffedKind.Video;

    private static bool IsHttp(Uri url) =>
        url.IsAbsoluteUri && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps) && !string.IsNullOrEmpty(url.Host);

    private static T? Find<T>(Exception? ex)
        where T : Exception
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is T found)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>Thrown inside the connect callback when the host resolves to a refused address.</summary>
    private sealed class BlockedAddressException : Exception
    {
        public BlockedAddressException()
            : base("The host resolves to a private address.")
        {
        }
    }
}
