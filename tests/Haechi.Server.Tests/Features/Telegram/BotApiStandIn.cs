using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using WireMock;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using WireMock.Types;
using WireMock.Util;

namespace Haechi.Server.Tests.Features.Telegram;

/// <summary>
/// A stand-in for the Telegram Bot API on 127.0.0.1 (WireMock.Net): <c>getUpdates</c> answers the
/// updates at or after the requested offset (it never forgets them, so a connector that lost its
/// offset would see them again), <c>getFile</c> and the file download serve registered files,
/// <c>sendMessage</c> is recorded, and queued failures (429 with <c>retry_after</c>, 500) are
/// answered to the next polls. Like the real API, a poll's <c>allowed_updates</c> drops the
/// update kinds it does not name. Every request is recorded with its time.
/// </summary>
internal sealed class BotApiStandIn : IDisposable
{
    public const string Token = "4242:stand-in-token";

    private readonly WireMockServer _server;
    private readonly Lock _lock = new();
    private readonly List<JsonObject> _updates = [];
    private readonly Queue<(int Status, string Body)> _pollFailures = new();
    private readonly Dictionary<string, (string Path, byte[] Bytes, long? Declared)> _files = new(StringComparer.Ordinal);
    private readonly HashSet<string> _tooBig = new(StringComparer.Ordinal);
    private int _nextUpdateId = 1000;
    private int _nextMessageId = 1;

    public BotApiStandIn()
    {
        var port = FreePort();
        _server = WireMockServer.Start(new WireMockServerSettings { Urls = [string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}")] });
        _server.Given(Request.Create().WithPath(new WildcardMatcher("/*")).UsingAnyMethod()).RespondWith(Response.Create().WithCallback(AnswerAsync));
        Url = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}");
    }

    public string Url { get; }

    /// <summary>Every request: time, path, and the offset of polls.</summary>
    public ConcurrentQueue<(DateTimeOffset At, string Path, long? Offset, int Status)> Requests { get; } = new();

    /// <summary>The bodies of <c>sendMessage</c> calls.</summary>
    public ConcurrentQueue<JsonObject> Sent { get; } = new();

    /// <summary>Downloads per file path.</summary>
    public ConcurrentDictionary<string, int> Downloads { get; } = new(StringComparer.Ordinal);

    /// <summary><c>getFile</c> calls per file id.</summary>
    public ConcurrentDictionary<string, int> FileLookups { get; } = new(StringComparer.Ordinal);

    /// <summary>Polls answered so far.</summary>
    public IEnumerable<long?> PollOffsets => Requests.Where(r => r.Path.EndsWith("/getUpdates", StringComparison.Ordinal)).Select(r => r.Offset);

    public void AddFile(string fileId, byte[] bytes, long? declaredBytes)
    {
        lock (_lock)
        {
            _files[fileId] = ("photos/" + fileId + ".jpg", bytes, declaredBytes);
        }
    }

    /// <summary>A file <c>getFile</c> refuses as the real API does above 20 MB (400 "file is too big").</summary>
    public void AddFileTooBigForApi(string fileId)
    {
        lock (_lock)
        {
            _tooBig.Add(fileId);
        }
    }

    /// <summary>A video file (served under <c>videos/</c>).</summary>
    public void AddVideoFile(string fileId, byte[] bytes, long? declaredBytes)
    {
        lock (_lock)
        {
            _files[fileId] = ("videos/" + fileId + ".mp4", bytes, declaredBytes);
        }
    }

    /// <summary>A <c>video</c> field (its unique id is <c>u-</c> and the file id, as for photos).</summary>
    public static JsonObject Video(string fileId, long? size, int seconds, string field = "video")
    {
        var video = new JsonObject { ["file_id"] = fileId, ["file_unique_id"] = "u-" + fileId, ["width"] = 320, ["height"] = 240, ["duration"] = seconds, ["mime_type"] = "video/mp4" };
        if (size is { } s)
        {
            video["file_size"] = s;
        }

        return new JsonObject { [field] = video };
    }

    /// <summary>Adds an update (its id is assigned) and returns the id.</summary>
    public int AddUpdate(string kind, JsonObject message)
    {
        lock (_lock)
        {
            var id = _nextUpdateId++;
            message["message_id"] ??= _nextMessageId++;
            message["date"] ??= 1_763_900_000;
            _updates.Add(new JsonObject { ["update_id"] = id, [kind] = message });
            return id;
        }
    }

    /// <summary>The next polls are answered with these failures, in order.</summary>
    public void FailNextPolls(params (int Status, string Body)[] failures)
    {
        lock (_lock)
        {
            foreach (var failure in failures)
            {
                _pollFailures.Enqueue(failure);
            }
        }
    }

    public static JsonObject PhotoSizes(params (string FileId, long? Size, int Width)[] sizes)
    {
        var array = new JsonArray();
        foreach (var (fileId, size, width) in sizes)
        {
            var photo = new JsonObject { ["file_id"] = fileId, ["file_unique_id"] = "u-" + fileId, ["width"] = width, ["height"] = width * 3 / 4 };
            if (size is { } s)
            {
                photo["file_size"] = s;
            }

            array.Add(photo);
        }

        return new JsonObject { ["photo"] = array };
    }

    public static JsonObject Private(long userId, JsonObject content)
    {
        content["chat"] = new JsonObject { ["id"] = userId, ["type"] = "private", ["first_name"] = "Reporter" };
        content["from"] = new JsonObject { ["id"] = userId, ["is_bot"] = false, ["first_name"] = "Reporter" };
        return content;
    }

    public static JsonObject Channel(long chatId, int messageId, JsonObject content, string? username = null, string title = "A channel")
    {
        content["chat"] = new JsonObject { ["id"] = chatId, ["type"] = "channel", ["title"] = title };
        if (username is not null)
        {
            content["chat"]!["username"] = username;
        }

        content["message_id"] = messageId;
        return content;
    }

    private async Task<IResponseMessage> AnswerAsync(IRequestMessage request)
    {
        var path = request.Path;
        var body = string.IsNullOrEmpty(request.Body) ? new JsonObject() : JsonNode.Parse(request.Body)!.AsObject();
        (int Status, object Body) answer;
        long? offset = null;
        if (path == $"/bot{Token}/getUpdates")
        {
            offset = body["offset"]?.GetValue<long>() ?? 0;
            var allowed = body["allowed_updates"] is JsonArray kinds ? kinds.Select(k => (string)k!).ToHashSet(StringComparer.Ordinal) : null;
            answer = Poll(offset.Value, allowed);
            if (answer.Body is JsonObject { } result && result["result"] is JsonArray { Count: 0 })
            {
                // A long poll with nothing new waits a little, as the real one does.
                await Task.Delay(100);
            }
        }
        else if (path == $"/bot{Token}/getFile")
        {
            var fileId = (string)body["file_id"]!;
            FileLookups.AddOrUpdate(fileId, 1, (_, n) => n + 1);
            answer = GetFile(fileId);
        }
        else if (path == $"/bot{Token}/sendMessage")
        {
            Sent.Enqueue(body);
            answer = (200, Ok(new JsonObject { ["message_id"] = 9000 + Sent.Count, ["date"] = 1_763_900_000, ["chat"] = new JsonObject { ["id"] = body["chat_id"]!.DeepClone(), ["type"] = "private" }, ["text"] = body["text"]!.DeepClone() }));
        }
        else if (path.StartsWith($"/file/bot{Token}/", StringComparison.Ordinal))
        {
            var filePath = path[$"/file/bot{Token}/".Length..];
            Downloads.AddOrUpdate(filePath, 1, (_, n) => n + 1);
            byte[]? bytes;
            lock (_lock)
            {
                bytes = _files.Values.FirstOrDefault(f => f.Path == filePath).Bytes;
            }

            Requests.Enqueue((TimeProvider.System.GetUtcNow(), path, null, bytes is null ? 404 : 200));
            var download = new ResponseMessage { StatusCode = bytes is null ? 404 : 200, BodyData = new BodyData { BodyAsBytes = bytes ?? [], DetectedBodyType = BodyType.Bytes } };
            download.AddHeader("Content-Type", "application/octet-stream");
            return download;
        }
        else
        {
            answer = (404, Error(404, "Not Found"));
        }

        Requests.Enqueue((TimeProvider.System.GetUtcNow(), path, offset, answer.Status));
        var response = new ResponseMessage { StatusCode = answer.Status, BodyData = new BodyData { BodyAsString = answer.Body.ToString(), DetectedBodyType = BodyType.String } };
        response.AddHeader("Content-Type", "application/json");
        return response;
    }

    private (int, object) Poll(long offset, HashSet<string>? allowed)
    {
        lock (_lock)
        {
            if (_pollFailures.TryDequeue(out var failure))
            {
                return (failure.Status, failure.Body);
            }

            var result = new JsonArray();
            foreach (var update in _updates)
            {
                var kind = update.Select(p => p.Key).First(k => k != "update_id");
                if ((int)update["update_id"]! >= offset && (allowed is null || allowed.Count == 0 || allowed.Contains(kind)))
                {
                    result.Add(update.DeepClone());
                }
            }

            return (200, Ok(result));
        }
    }

    private (int, object) GetFile(string fileId)
    {
        lock (_lock)
        {
            if (_tooBig.Contains(fileId))
            {
                return (400, Error(400, "Bad Request: file is too big"));
            }

            if (!_files.TryGetValue(fileId, out var file))
            {
                return (400, Error(400, "Bad Request: invalid file_id"));
            }

            var result = new JsonObject { ["file_id"] = fileId, ["file_unique_id"] = "u-" + fileId, ["file_path"] = file.Path };
            if (file.Declared is { } declared)
            {
                result["file_size"] = declared;
            }

            return (200, Ok(result));
        }
    }

    private static JsonObject Ok(JsonNode result) => new() { ["ok"] = true, ["result"] = result };

    public static JsonObject Error(int code, string description, int? retryAfter = null)
    {
        var error = new JsonObject { ["ok"] = false, ["error_code"] = code, ["description"] = description };
        if (retryAfter is { } seconds)
        {
            error["parameters"] = new JsonObject { ["retry_after"] = seconds };
        }

        return error;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose() => _server.Dispose();
}
