using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Haechi.Server.Tests;

/// <summary>Intent-level calls on the JSON API.</summary>
internal static class ApiClient
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static string Pdq(int seed)
    {
        var random = new Random(seed);
        var bytes = new byte[32];
        random.NextBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    public static string Md5(int seed)
    {
        var random = new Random(seed + 1_000_000);
        var bytes = new byte[16];
        random.NextBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    public static object Signals(params int[] seeds) =>
        seeds.SelectMany(s => new object[] { new { type = "pdq", hash = Pdq(s), quality = 90 }, new { type = "md5", hash = Md5(s) } }).ToArray();

    public static async Task<(string CaseNumber, string Pin)> CreateCaseAsync(this HttpClient client, params int[] seeds)
    {
        using var response = await client.PostAsJsonAsync("/api/cases", new { signals = Signals(seeds), language = "ko" }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(Ct);
        return ((string)body!["caseNumber"]!, (string)body["pin"]!);
    }

    public static async Task<HttpResponseMessage> SendWithPinAsync(this HttpClient client, HttpMethod method, string path, string? pin, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (pin is not null)
        {
            request.Headers.Add("X-Case-Pin", pin);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await client.SendAsync(request, Ct);
    }

    public static async Task<JsonObject> JsonAsync(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!;

    public static string WrongPin(string pin) => pin == "00000000" ? "11111111" : "00000000";

    public static JsonSerializerOptions Web { get; } = new(JsonSerializerDefaults.Web);
}
