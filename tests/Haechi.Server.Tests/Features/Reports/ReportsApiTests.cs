using System.Net;
using System.Net.Http.Json;
using Haechi.Core.Reports;
using Haechi.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Haechi.Server.Tests.Features.Reports;

public sealed class ReportsApiTests : IAsyncLifetime
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
    public async Task Submit_PossibleMinor_ReceiptAndHighestPriorityStored()
    {
        using var response = await _client.PostAsJsonAsync("/api/reports", new { urls = (string[])["https://t.me/some_room"], platform = "telegram", channel = "room", description = "<script>alert(1)</script>", possibleMinor = true }, ApiClient.Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var receipt = (string)(await response.JsonAsync())["receipt"]!;
        Assert.Matches("^HR-[0-9A-Z]{5}-[0-9A-Z]{5}$", receipt);
        using var scope = _factory.Services.CreateScope();
        var stored = await scope.ServiceProvider.GetRequiredService<HaechiDbContext>().Reports.AsNoTracking().SingleAsync(r => r.Receipt == receipt, ApiClient.Ct);
        Assert.Equal(ReportPriority.Highest, stored.Priority);
        Assert.Equal(ReportPlatform.Telegram, stored.Platform);
        Assert.Equal("api", stored.Intake);
        Assert.Null(stored.Contact);
    }

    [Fact]
    public async Task Submit_NotMinor_NormalPriority()
    {
        using var response = await _client.PostAsJsonAsync("/api/reports", new { urls = (string[])["https://example.org/x"], platform = "website" }, ApiClient.Ct);
        var receipt = (string)(await response.JsonAsync())["receipt"]!;

        using var scope = _factory.Services.CreateScope();
        var stored = await scope.ServiceProvider.GetRequiredService<HaechiDbContext>().Reports.AsNoTracking().SingleAsync(r => r.Receipt == receipt, ApiClient.Ct);
        Assert.Equal(ReportPriority.Normal, stored.Priority);
    }

    [Theory]
    [InlineData("""{"urls":["javascript:alert(1)"],"platform":"x"}""", "urls")]
    [InlineData("""{"urls":[],"platform":"x"}""", "urls")]
    [InlineData("""{"urls":["https://example.org"]}""", "platform")]
    public async Task Submit_Invalid_BadRequestAndNothingStored(string body, string field)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync("/api/reports", content, ApiClient.Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.JsonAsync())["errors"]![field]);
        using var scope = _factory.Services.CreateScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<HaechiDbContext>().Reports.AnyAsync(ApiClient.Ct));
    }

    [Fact]
    public async Task Submit_UnknownPlatform_BadRequest()
    {
        using var content = new StringContent("""{"urls":["https://example.org"],"platform":"myspace"}""", System.Text.Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync("/api/reports", content, ApiClient.Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Submit_ManyAtOnce_EachCommittedWithItsOwnReceiptAndReviewItem()
    {
        // The intake commits reports that arrive together in one transaction; every report must
        // still get its own receipt, row and review item, and only after the commit.
        const int count = 300;
        var posts = new Task<HttpResponseMessage>[count];
        for (var i = 0; i < count; i++)
        {
            posts[i] = _client.PostAsJsonAsync("/api/reports", new { urls = (string[])[$"https://example.org/{i}"], platform = "website", possibleMinor = i % 10 == 0 }, ApiClient.Ct);
        }

        var receipts = new HashSet<string>(StringComparer.Ordinal);
        foreach (var post in posts)
        {
            using var response = await post;
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            Assert.True(receipts.Add((string)(await response.JsonAsync())["receipt"]!));
        }

        using var scope = _factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
        var stored = await db.Reports.AsNoTracking().Select(r => new { r.Id, r.Receipt, r.Urls, r.PossibleMinor }).ToListAsync(ApiClient.Ct);
        Assert.Equal(count, stored.Count);
        Assert.True(receipts.SetEquals(stored.Select(r => r.Receipt)));
        var items = await db.ReviewItems.AsNoTracking().Select(r => new { r.SourceId, r.PossibleMinor }).ToListAsync(ApiClient.Ct);
        Assert.Equal(count, items.Count);
        foreach (var report in stored)
        {
            var item = Assert.Single(items, i => i.SourceId == report.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(report.PossibleMinor, item.PossibleMinor);
            var index = int.Parse(report.Urls["https://example.org/".Length..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(index % 10 == 0, report.PossibleMinor);
        }
    }
}
