using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Haechi.Server.Tests.Features.Ingestion;

/// <summary>Intent-level calls on the watched sources and ingestion admin API, and a clock tests can move.</summary>
internal static class IngestTestClient
{
    public static async Task<JsonObject> AddSourceAsync(this HttpClient staff, Uri url, int depth = 0, int revisitSeconds = 3600, bool enabled = true)
    {
        using var response = await staff.PostAsJsonAsync("/api/admin/sources", new { url = url.AbsoluteUri, depth, revisitSeconds, enabled }, ApiClient.Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(ApiClient.Ct));
        return await response.JsonAsync();
    }

    public static async Task<JsonObject> VisitAsync(this HttpClient staff, long sourceId)
    {
        using var response = await staff.PostAsync($"/api/admin/sources/{sourceId}/visit", null, ApiClient.Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(ApiClient.Ct));
        return await response.JsonAsync();
    }

    public static async Task<JsonObject> SourceAsync(this HttpClient staff, long sourceId)
    {
        var all = (await staff.GetFromJsonAsync<JsonArray>("/api/admin/sources", ApiClient.Ct))!;
        return all.Select(s => s!.AsObject()).Single(s => (long)s["id"]! == sourceId);
    }

    public static async Task<JsonObject> IngestStatusAsync(this HttpClient staff) =>
        (await staff.GetFromJsonAsync<JsonObject>("/api/admin/ingest/status", ApiClient.Ct))!;

    /// <summary>Polls <paramref name="read"/> until <paramref name="done"/> holds; fails with the last value after <paramref name="timeout"/>.</summary>
    public static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = TimeProvider.System.GetUtcNow() + timeout;
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            Assert.True(TimeProvider.System.GetUtcNow() < deadline, $"timed out waiting for {what}: {value}");
            await Task.Delay(100, ApiClient.Ct);
        }
    }

    public static int Count(JsonObject status, string state) => status["states"]?[state] is { } n ? (int)n : 0;
}

/// <summary>The system clock shifted by an offset the test moves forward (timers still run on real time).</summary>
internal sealed class ShiftedTimeProvider : TimeProvider
{
    private long _offsetTicks;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
}
