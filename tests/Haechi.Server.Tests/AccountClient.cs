using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Haechi.Server.Tests;

/// <summary>Intent-level calls on the accounts API: sign in, invite, accept, TOTP codes.</summary>
internal static class AccountClient
{
    public const string Password = "correct horse battery staple";

    public static async Task<HttpResponseMessage> SignInAsync(this HttpClient client, string userName, string password, string? code = null) =>
        await client.PostAsJsonAsync("/api/account/sign-in", new { userName, password, code }, ApiClient.Ct);

    /// <summary>A client signed in as the first-run admin.</summary>
    public static async Task<HttpClient> AdminAsync(this HaechiServerFactory factory)
    {
        var client = factory.CreateClient();
        using var response = await client.SignInAsync("admin", factory.AdminPassword!);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        return client;
    }

    public static async Task<string> InviteAsync(this HttpClient admin, string role)
    {
        using var response = await admin.PostAsJsonAsync("/api/admin/invites", new { role }, ApiClient.Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (string)(await response.JsonAsync())["token"]!;
    }

    /// <summary>A client signed in as a new user of <paramref name="role"/> (invited by the admin).</summary>
    public static async Task<HttpClient> UserAsync(this HaechiServerFactory factory, HttpClient admin, string role, string userName)
    {
        var token = await admin.InviteAsync(role);
        var client = factory.CreateClient();
        using (var accepted = await client.PostAsJsonAsync("/api/account/invites/" + token, new { userName, password = Password }, ApiClient.Ct))
        {
            Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        }

        using var signedIn = await client.SignInAsync(userName, Password);
        Assert.Equal(HttpStatusCode.NoContent, signedIn.StatusCode);
        return client;
    }

    public static async Task<List<JsonObject>> AuditAsync(this HttpClient admin)
    {
        var entries = await admin.GetFromJsonAsync<List<JsonObject>>("/api/admin/audit?take=1000", ApiClient.Ct);
        return entries!;
    }

    /// <summary>RFC 6238 TOTP (HMAC-SHA1, 30 s, 6 digits) of a base32 key, as authenticator apps compute it.</summary>
    public static string Totp(string base32Key, DateTimeOffset at)
    {
        var key = Base32(base32Key.Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant());
        var counter = at.ToUnixTimeSeconds() / 30;
        var message = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(message, counter);
#pragma warning disable CA5350 // TOTP is defined over HMAC-SHA1.
        var hash = HMACSHA1.HashData(key, message);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0F;
        var binary = ((hash[offset] & 0x7F) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static byte[] Base32(string text)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var output = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var c in text.TrimEnd('='))
        {
            buffer = (buffer << 5) | Alphabet.IndexOf(c, StringComparison.Ordinal);
            bits += 5;
            if (bits >= 8)
            {
                output.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }

        return [.. output];
    }
}
