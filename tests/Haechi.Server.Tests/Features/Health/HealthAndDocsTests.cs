using System.Net;

namespace Haechi.Server.Tests.Features.Health;

public sealed class HealthAndDocsTests : IAsyncLifetime
{
    private readonly HaechiServerFactory _factory = new();
    private HttpClient _client = null!;

    public ValueTask InitializeAsync()
    {
        _client = _factory.CreateClient();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        HaechiServerFactory.DeleteDirectory(_factory.DataDirectory);
    }

    [Fact]
    public async Task Health_StoreAndIndexReady_Ok()
    {
        using var response = await _client.GetAsync("/api/health", ApiClient.Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("ready", (string?)body["status"]);
        Assert.True(File.Exists(Path.Combine(_factory.DataDirectory, "haechi.db")));
    }

    [Fact]
    public async Task OpenApi_Document_ListsTheContract()
    {
        var json = await _client.GetStringAsync("/openapi/v1.json", ApiClient.Ct);

        foreach (var path in new[] { "/api/cases", "/api/cases/{caseNumber}", "/api/cases/{caseNumber}/signals", "/api/reports", "/api/health" })
        {
            Assert.Contains("\"" + path + "\"", json, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Scalar_ReferencePage_Served()
    {
        using var response = await _client.GetAsync("/scalar/", ApiClient.Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
