using System.Globalization;
using Haechi.Data;
using Haechi.Data.Audit;
using Haechi.Data.Watching;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Haechi.Server.Features.Ingestion.WebSources;

/// <summary>A watched source as an analyst sets it: start URL, pagination depth, re-visit interval, enabled.</summary>
internal sealed record WatchedSourceRequest(string? Url, int? Depth, int? RevisitSeconds, bool? Enabled);

/// <summary>
/// A watched source with its health: <c>disabled</c>, <c>pending</c> (not visited yet), <c>ok</c>,
/// <c>degraded</c> (pages read but an error too) or <c>failing</c> (no page read).
/// </summary>
internal sealed record WatchedSourceView(
    long Id,
    string Url,
    int Depth,
    int RevisitSeconds,
    bool Enabled,
    DateTimeOffset CreatedAt,
    DateTimeOffset NextVisitAt,
    DateTimeOffset? LastVisitAt,
    DateTimeOffset? LastSuccessAt,
    string? LastError,
    int LastPages,
    int LastItemsFound,
    int LastItemsQueued,
    bool LastTruncated,
    int Visits,
    long ItemsQueuedTotal,
    string Health)
{
    public static WatchedSourceView Of(WatchedSourceRecord s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var health = !s.Enabled ? "disabled"
            : s.LastVisitAt is null ? "pending"
            : s.LastError is null ? "ok"
            : s.LastPages > 0 ? "degraded"
            : "failing";
        return new WatchedSourceView(
            s.Id, s.Url, s.Depth, s.RevisitSeconds, s.Enabled, s.CreatedAt, DateTimeOffset.FromUnixTimeMilliseconds(s.NextVisitAt), s.LastVisitAt, s.LastSuccessAt,
            s.LastError, s.LastPages, s.LastItemsFound, s.LastItemsQueued, s.LastTruncated, s.Visits, s.ItemsQueuedTotal, health);
    }
}

/// <summary>
/// Lists, adds and edits watched sources (audited: ids, depth, interval and enabled only, never the URL).
/// A new or re-enabled source is due at once.
/// </summary>
internal sealed class ManageWatchedSources(HaechiDbContext db, AuditLog audit, IOptions<IngestionServerOptions> options, TimeProvider time)
{
    /// <summary>Longest start URL (the column's size).</summary>
    public const int MaxUrlLength = 2048;

    /// <summary>Deepest pagination a source may ask for.</summary>
    public const int MaxDepth = 20;

    /// <summary>Longest re-visit interval: 30 days.</summary>
    public const int MaxRevisitSeconds = 30 * 86_400;

    public async Task<List<WatchedSourceView>> ListAsync(CancellationToken cancellationToken)
    {
        var rows = await db.WatchedSources.AsNoTracking().OrderBy(s => s.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(WatchedSourceView.Of);
    }

    public async Task<WatchedSourceView?> GetAsync(long id, CancellationToken cancellationToken)
    {
        var row = await db.WatchedSources.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken).ConfigureAwait(false);
        return row is null ? null : WatchedSourceView.Of(row);
    }

    /// <summary>Adds (<paramref name="id"/> null) or updates a source; null and the errors when the request is invalid; (null, null) when the id is unknown.</summary>
    public async Task<(WatchedSourceView? Source, Dictionary<string, string[]>? Errors)> SaveAsync(long? id, WatchedSourceRequest request, string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var minRevisit = options.Value.WebMinRevisitSeconds;
        string? url = null;
        if (!Uri.TryCreate(request.Url?.Trim(), UriKind.Absolute, out var parsed)
            || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps)
            || !string.IsNullOrEmpty(parsed.UserInfo)
            || parsed.AbsoluteUri.Length > MaxUrlLength)
        {
            errors["url"] = ["An absolute http or https URL without user name or password, at most 2048 characters."];
        }
        else
        {
            url = parsed.AbsoluteUri;
        }

        var depth = request.Depth ?? 0;
        if (depth is < 0 or > MaxDepth)
        {
            errors["depth"] = [string.Create(CultureInfo.InvariantCulture, $"Depth 0 to {MaxDepth}.")];
        }

        var revisit = request.RevisitSeconds ?? 86_400;
        if (revisit < minRevisit || revisit > MaxRevisitSeconds)
        {
            errors["revisitSeconds"] = [string.Create(CultureInfo.InvariantCulture, $"Re-visit interval {minRevisit} to {MaxRevisitSeconds} seconds.")];
        }

        if (url is not null && await db.WatchedSources.AnyAsync(s => s.Url == url && s.Id != (id ?? 0), cancellationToken).ConfigureAwait(false))
        {
            errors["url"] = ["This URL is already watched."];
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var now = time.GetUtcNow();
        WatchedSourceRecord? record;
        string action;
        if (id is { } existing)
        {
            record = await db.WatchedSources.FirstOrDefaultAsync(s => s.Id == existing, cancellationToken).ConfigureAwait(false);
            if (record is null)
            {
                return (null, null);
            }

            var enabledNow = request.Enabled ?? record.Enabled;
            if ((enabledNow && !record.Enabled) || record.Url != url || record.Depth != depth)
            {
                record.NextVisitAt = now.ToUnixTimeMilliseconds();
            }

            record.Url = url!;
            record.Depth = depth;
            record.RevisitSeconds = revisit;
            record.Enabled = enabledNow;
            action = "watch.source-updated";
        }
        else
        {
            record = new WatchedSourceRecord { Url = url!, Depth = depth, RevisitSeconds = revisit, Enabled = request.Enabled ?? true, CreatedAt = now, NextVisitAt = now.ToUnixTimeMilliseconds() };
            db.WatchedSources.Add(record);
            action = "watch.source-added";
        }

        var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await audit.AppendAsync(
                "user:" + userId,
                action,
                "watched-source:" + record.Id.ToString(CultureInfo.InvariantCulture),
                string.Create(CultureInfo.InvariantCulture, $"depth={record.Depth} revisit={record.RevisitSeconds} enabled={record.Enabled}"),
                cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return (WatchedSourceView.Of(record), null);
    }
}
