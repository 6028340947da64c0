using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Haechi.Core.Hashing;
using Haechi.Media.Images;
using Haechi.Pipeline.Matching;
using Haechi.Server.Tests.Features.Evidence;
using Microsoft.Extensions.DependencyInjection;

namespace Haechi.Server.Tests;

/// <summary>A victim case registered by <see cref="ServerIntents.RegisterCaseAsync"/>: its number, PIN and the photo's PDQ.</summary>
internal sealed record RegisteredCase(string CaseNumber, string Pin, string Pdq);

/// <summary>
/// Intent-level steps on a running server, for new tests to compose: register a victim's photo,
/// report a screenshot, ask whether a hash is matched, read the newest review item, queue a URL
/// for ingestion, read the health and the roles of a process, start a worker process on the same
/// store. Each goes through the API as a person or an admin would; only <see cref="IsMatchedAsync"/>
/// asks the server's one matcher directly (there is no lookup API yet).
/// </summary>
internal static class ServerIntents
{
    /// <summary>A synthetic photo-like PNG (no real person): smooth gradients that differ by seed.</summary>
    public static byte[] Photo(int seed, int width = 640, int height = 480) => EvidenceTests.Picture(seed, width, height);

    /// <summary>A screenshot of <paramref name="photo"/>: the same picture smaller, re-encoded as a JPEG.</summary>
    public static byte[] Screenshot(byte[] photo)
    {
        using var image = NetVips.Image.NewFromBuffer(photo);
        using var smaller = image.Resize(0.6);
        return smaller.JpegsaveBuffer(q: 70);
    }

    /// <summary>Registers a victim case as her browser does: the photo is hashed here and only its PDQ is sent.</summary>
    public static async Task<RegisteredCase> RegisterCaseAsync(this HaechiServerFactory factory, byte[] photo)
    {
        var fingerprint = new ImageFingerprinter().Fingerprint(photo);
        var pdq = fingerprint.Pdq.ToString();
        using var client = factory.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/cases", new { signals = new object[] { new { type = "pdq", hash = pdq, quality = fingerprint.Quality } }, language = "ko" }, ApiClient.Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(ApiClient.Ct));
        var body = await response.JsonAsync();
        return new RegisteredCase((string)body["caseNumber"]!, (string)body["pin"]!, pdq);
    }

    /// <summary>Reports <paramref name="url"/> with one screenshot through the public form's API; returns the receipt.</summary>
    public static async Task<string> PostReportAsync(this HaechiServerFactory factory, byte[] screenshot, string url, bool possibleMinor = false)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent(url), "urls" },
            { new StringContent("website"), "platform" },
            { new StringContent(possibleMinor ? "true" : "false"), "possibleMinor" },
        };
        var part = new ByteArrayContent(screenshot);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(part, "evidence", "screenshot.jpg");
        using var client = factory.CreateClient();
        using var response = await client.PostAsync("/api/reports", form, ApiClient.Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(ApiClient.Ct));
        return (string)(await response.JsonAsync())["receipt"]!;
    }

    /// <summary>Whether a PDQ hash (64 hex digits) is within the PDQ threshold of a bank entry, in the server's one matcher now.</summary>
    public static async Task<bool> IsMatchedAsync(this HaechiServerFactory factory, string pdq)
    {
        var matcher = factory.Services.GetRequiredService<Matcher>();
        await matcher.EnsureLoadedAsync(ApiClient.Ct);
        return matcher.Pdq.Search(Hash256.Parse(pdq), Core.Signals.SignalType.PdqThreshold).Count > 0;
    }

    /// <summary>The newest open review item (highest id), as the admin sees it in the queue; null when the queue is empty.</summary>
    public static async Task<JsonObject?> LatestReviewItemAsync(this HaechiServerFactory factory)
    {
        using var admin = await factory.AdminAsync();
        var queue = (await admin.GetFromJsonAsync<JsonObject>("/api/review/items", ApiClient.Ct))!;
        return queue["items"]!.AsArray().Select(i => i!.AsObject()).MaxBy(i => (long)i["id"]!);
    }

    /// <summary>Queues one URL for ingestion as an admin; returns the item id.</summary>
    public static async Task<long> EnqueueUrlAsync(this HaechiServerFactory factory, string url)
    {
        using var admin = await factory.AdminAsync();
        using var response = await admin.PostAsJsonAsync("/api/admin/ingest/items", new { url }, ApiClient.Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync(ApiClient.Ct));
        return (long)(await response.JsonAsync())["itemId"]!;
    }

    /// <summary>The ingestion queue's counts per state, as the admin sees them.</summary>
    public static async Task<JsonObject> IngestStatusAsync(this HaechiServerFactory factory)
    {
        using var admin = await factory.AdminAsync();
        return (await admin.GetFromJsonAsync<JsonObject>("/api/admin/ingest/status", ApiClient.Ct))!;
    }

    /// <summary><c>GET /api/health</c>: its status code and body.</summary>
    public static async Task<(HttpStatusCode Status, JsonObject Body)> HealthAsync(this HaechiServerFactory factory)
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync("/api/health", ApiClient.Ct);
        return (response.StatusCode, await response.JsonAsync());
    }

    /// <summary>The roles this process runs, from <c>/api/health</c>.</summary>
    public static async Task<string[]> RolesAsync(this HaechiServerFactory factory)
    {
        var (status, body) = await factory.HealthAsync();
        Assert.Equal(HttpStatusCode.OK, status);
        return [.. body["roles"]!.AsArray().Select(r => (string)r!)];
    }

    /// <summary>A worker process (<c>Roles:Web=false</c>) on <paramref name="factory"/>'s store, with <paramref name="settings"/> over it; start the web process first.</summary>
    public static HaechiServerFactory WorkerOn(this HaechiServerFactory factory, Dictionary<string, string> settings)
    {
        var worker = new Dictionary<string, string>(settings, StringComparer.Ordinal) { ["Roles:Web"] = "false" };
        return new HaechiServerFactory(worker, factory.DataDirectory);
    }
}
