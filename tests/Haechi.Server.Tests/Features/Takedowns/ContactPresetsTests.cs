using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Haechi.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Haechi.Server.Tests.Features.Takedowns;

/// <summary>The Telegram contact a fresh data directory starts with, added once and never back after an admin changed it.</summary>
public sealed class ContactPresetsTests
{
    [Fact]
    public async Task FreshDataDirectory_HasTheTelegramContact_OnceEvenAfterRestartAndRename()
    {
        string dataDirectory;
        await using (var factory = new HaechiServerFactory())
        {
            dataDirectory = factory.DataDirectory;
            using var admin = await factory.AdminAsync();
            var contacts = JsonNode.Parse(await admin.GetStringAsync("/api/takedowns/contacts", ApiClient.Ct))!.AsArray();
            var telegram = Assert.Single(contacts);
            Assert.Equal("Telegram", (string?)telegram!["name"]);
            Assert.Equal(["t.me", "telegram.me", "telegram.org"], telegram["hosts"]!.AsArray().Select(h => (string?)h));
            Assert.Equal("abuse@telegram.org", (string?)telegram["email"]);

            // The admin renames it (say, to the hotline's own Telegram liaison) ...
            using var renamed = await admin.PutAsJsonAsync($"/api/takedowns/contacts/{(long)telegram["id"]!}", new { name = "Telegram (liaison)", hosts = "t.me", email = "liaison@example.org" }, ApiClient.Ct);
            Assert.True(renamed.IsSuccessStatusCode);
        }

        // ... and a restart on the same data directory does not add the preset back.
        await using (var again = new HaechiServerFactory(dataDirectory: dataDirectory))
        {
            using var client = again.CreateClient(); // starts the server (and its start-up tasks)
            await using var scope = again.Services.CreateAsyncScope();
            var names = await scope.ServiceProvider.GetRequiredService<HaechiDbContext>().PlatformContacts.Select(c => c.Name).ToListAsync(ApiClient.Ct);
            Assert.Equal(["Telegram (liaison)"], names);
        }

        HaechiServerFactory.DeleteDirectory(dataDirectory);
    }
}
