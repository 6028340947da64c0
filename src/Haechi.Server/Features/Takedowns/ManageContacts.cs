using System.ComponentModel.DataAnnotations;
using Haechi.Data;
using Haechi.Data.Audit;
using Haechi.Data.Takedowns;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Server.Features.Takedowns;

/// <summary>A contact as the API and pages read and write it (the webhook secret is write-only).</summary>
internal sealed record ContactRequest(
    [property: Required, MaxLength(200)] string Name,
    [property: Required, MaxLength(4000)] string Hosts,
    [property: MaxLength(320), EmailAddress] string? Email,
    [property: MaxLength(2048), Url] string? WebFormUrl,
    [property: MaxLength(2048), Url] string? WebhookUrl,
    [property: MaxLength(200)] string? WebhookSecret,
    string? Language);

/// <summary>A stored contact.</summary>
internal sealed record ContactView(long Id, string Name, IReadOnlyList<string> Hosts, string? Email, string? WebFormUrl, string? WebhookUrl, bool HasWebhookSecret, string Language);

/// <summary>Lists, saves and matches platform contacts (audited).</summary>
internal sealed class ManageContacts(HaechiDbContext db, AuditLog audit, TimeProvider time)
{
    /// <summary>The error (key <c>name</c>) when another contact has the name.</summary>
    public const string NameTaken = "A contact with this name exists.";

    public async Task<List<ContactView>> ListAsync(CancellationToken cancellationToken)
    {
        var rows = await db.PlatformContacts.AsNoTracking().OrderBy(c => c.Name).ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(View)];
    }

    public async Task<ContactView?> GetAsync(long id, CancellationToken cancellationToken) =>
        await db.PlatformContacts.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken).ConfigureAwait(false) is { } row ? View(row) : null;

    /// <summary>Creates (<paramref name="id"/> null) or updates a contact; null with errors when invalid, or when the id is unknown.</summary>
    public async Task<(ContactView? Contact, Dictionary<string, string[]>? Errors)> SaveAsync(long? id, ContactRequest request, string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        // A form sends empty fields as empty text: blank optional fields are absent, not invalid addresses.
        request = request with { Name = request.Name?.Trim() ?? string.Empty, Email = Blank(request.Email), WebFormUrl = Blank(request.WebFormUrl), WebhookUrl = Blank(request.WebhookUrl) };
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(request, new ValidationContext(request), results, validateAllProperties: true))
        {
            foreach (var result in results)
            {
                foreach (var member in result.MemberNames)
                {
                    errors[System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(member)] = [result.ErrorMessage ?? "invalid"];
                }
            }
        }

        var hosts = ParseHosts(request.Hosts);
        if (hosts.Count == 0)
        {
            errors["hosts"] = ["At least one host name (example.com) is needed."];
        }

        if (string.IsNullOrWhiteSpace(request.Email) && string.IsNullOrWhiteSpace(request.WebhookUrl) && string.IsNullOrWhiteSpace(request.WebFormUrl))
        {
            errors.TryAdd("email", ["An e-mail address, a webhook or a web form is needed."]);
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var now = time.GetUtcNow();
        PlatformContactRecord? row;
        if (id is { } existing)
        {
            row = await db.PlatformContacts.FirstOrDefaultAsync(c => c.Id == existing, cancellationToken).ConfigureAwait(false);
            if (row is null)
            {
                return (null, null);
            }
        }
        else
        {
            row = new PlatformContactRecord { Name = request.Name.Trim(), Hosts = string.Empty, Language = "ko", CreatedAt = now };
            db.PlatformContacts.Add(row);
        }

        row.Name = request.Name.Trim();
        row.Hosts = string.Join('\n', hosts);
        row.Email = Blank(request.Email);
        row.WebFormUrl = Blank(request.WebFormUrl);
        row.WebhookUrl = Blank(request.WebhookUrl);
        if (request.WebhookSecret is { Length: > 0 } secret)
        {
            row.WebhookSecret = secret;
        }

        row.Language = NoticeText.NormaliseLanguage(request.Language);
        row.UpdatedAt = now;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException)
        {
            return (null, new Dictionary<string, string[]>(StringComparer.Ordinal) { ["name"] = [NameTaken] });
        }

        await audit.AppendAsync("user:" + userId, id is null ? "takedown.contact-created" : "takedown.contact-updated", "contact:" + row.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "hosts=" + hosts.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (View(row), null);
    }

    /// <summary>The contact whose host list holds <paramref name="host"/> or a parent domain of it (longest match wins).</summary>
    public async Task<PlatformContactRecord?> MatchAsync(string host, CancellationToken cancellationToken)
    {
        var rows = await db.PlatformContacts.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
        return Match(rows, host);
    }

    public static PlatformContactRecord? Match(IEnumerable<PlatformContactRecord> contacts, string host)
    {
        ArgumentNullException.ThrowIfNull(contacts);
        host = host.TrimEnd('.').ToLowerInvariant();
        PlatformContactRecord? best = null;
        var bestLength = 0;
        foreach (var contact in contacts)
        {
            foreach (var domain in contact.Hosts.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var matches = host == domain || host.EndsWith("." + domain, StringComparison.Ordinal);
                if (matches && domain.Length > bestLength)
                {
                    best = contact;
                    bestLength = domain.Length;
                }
            }
        }

        return best;
    }

    public static List<string> ParseHosts(string? text)
    {
        var hosts = new List<string>();
        foreach (var part in (text ?? string.Empty).Split([',', '\n', '\r', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var host = part.TrimEnd('.').ToLowerInvariant();
            if (host.StartsWith("*.", StringComparison.Ordinal))
            {
                host = host[2..];
            }

            // A domain (or IPv4 address) has a dot: a lone word is a typo, not a host to match.
            if (host.Contains('.', StringComparison.Ordinal) && Uri.CheckHostName(host) is UriHostNameType.Dns or UriHostNameType.IPv4 && !hosts.Contains(host))
            {
                hosts.Add(host);
            }
        }

        return hosts;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static ContactView View(PlatformContactRecord row) =>
        new(row.Id, row.Name, row.Hosts.Split('\n', StringSplitOptions.RemoveEmptyEntries), row.Email, row.WebFormUrl, row.WebhookUrl, !string.IsNullOrEmpty(row.WebhookSecret), row.Language);
}
