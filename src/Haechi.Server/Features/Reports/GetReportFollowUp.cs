using Haechi.Data;
using Haechi.Data.Ingestion;
using Haechi.Server.Features.Ingestion.WebSources;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Server.Features.Reports;

/// <summary>One media found at a reported link and what the pipeline made of it.</summary>
/// <param name="IngestItemId">The ingestion item.</param>
/// <param name="Url">The media URL fetched.</param>
/// <param name="Link">The address it is known by when not its URL (a Telegram post).</param>
/// <param name="PageUrl">The page it was found on.</param>
/// <param name="State">The pipeline state (queued, fetched, fingerprinted, matched, done, failed).</param>
/// <param name="Error">The failure's code, when failed.</param>
/// <param name="ReviewItemId">The review item it became (it matched), or the one its exact copy became.</param>
internal sealed record FoundMedia(long IngestItemId, string? Url, string? Link, string? PageUrl, string State, string? Error, long? ReviewItemId);

/// <summary>One link of a report as the watcher followed it.</summary>
/// <param name="Position">Its place in the report.</param>
/// <param name="Url">The link as reported.</param>
/// <param name="Status"><c>pending</c> (not visited yet), <c>fetched</c> (media found), <c>failed</c> (see <paramref name="Error"/>) or <c>nothing</c> (visited, no media).</param>
/// <param name="Error">The last visit's error code, or the media's when every one failed.</param>
/// <param name="LastVisitAt">When it was last visited.</param>
/// <param name="NextVisitAt">When it is visited again; null once no longer followed.</param>
/// <param name="Media">What was found there (at most <see cref="GetReportFollowUp.MaxMediaPerLink"/>).</param>
internal sealed record FollowedLink(int Position, string Url, string Status, string? Error, DateTimeOffset? LastVisitAt, DateTimeOffset? NextVisitAt, IReadOnlyList<FoundMedia> Media);

/// <summary>What the web watcher found at a report's links, for the report's review page (URLs are shown to staff, never logged).</summary>
internal sealed class GetReportFollowUp(HaechiDbContext db)
{
    /// <summary>Most media listed per link.</summary>
    public const int MaxMediaPerLink = 50;

    /// <summary>The report's links in order, each with its status and media; empty when the report had none or is unknown.</summary>
    public async Task<IReadOnlyList<FollowedLink>> ExecuteAsync(string receipt, CancellationToken cancellationToken)
    {
        var links = await db.Reports.AsNoTracking().Where(r => r.Receipt == receipt)
            .Join(db.ReportLinks.AsNoTracking(), r => r.Id, l => l.ReportId, (r, l) => l)
            .OrderBy(l => l.Position).ToListAsync(cancellationToken).ConfigureAwait(false);
        var followed = new List<FollowedLink>(links.Count);
        foreach (var link in links)
        {
            var prefix = VisitReportLink.SourceIdPrefix(link.Id);
            var items = await db.IngestItems.AsNoTracking()
                .Where(i => i.SourceKind == VisitReportLink.SourceKind && i.SourceId.StartsWith(prefix))
                .OrderBy(i => i.Id).Take(MaxMediaPerLink)
                .Select(i => new { i.Id, i.Url, i.Link, i.PageUrl, i.State, i.LastError, i.ReviewItemId, i.DuplicateOf })
                .ToListAsync(cancellationToken).ConfigureAwait(false);

            // An exact copy of bytes seen before is not reviewed again: point at the review item of the first.
            var firsts = items.Where(i => i.DuplicateOf is not null).Select(i => i.DuplicateOf!.Value).ToList();
            var firstReview = firsts.Count == 0 ? [] : await db.IngestItems.AsNoTracking().Where(i => firsts.Contains(i.Id) && i.ReviewItemId != null)
                .ToDictionaryAsync(i => i.Id, i => i.ReviewItemId!.Value, cancellationToken).ConfigureAwait(false);
            var media = items.Select(i => new FoundMedia(
                i.Id, i.Url, i.Link, i.PageUrl, i.State.ToString().ToLowerInvariant(), i.State == IngestState.Failed ? i.LastError : null,
                i.ReviewItemId ?? (i.DuplicateOf is { } first && firstReview.TryGetValue(first, out var review) ? review : null))).ToList();

            string status;
            var error = link.LastError;
            if (link.Visits == 0)
            {
                status = "pending";
            }
            else if (media.Count > 0 && media.TrueForAll(m => m.State == "failed"))
            {
                status = "failed";
                error ??= media[0].Error;
            }
            else if (media.Count > 0)
            {
                status = "fetched";
            }
            else
            {
                status = error is null ? "nothing" : "failed";
            }

            followed.Add(new FollowedLink(link.Position, link.Url, status, error, link.LastVisitAt, link.NextVisitAt is { } next ? DateTimeOffset.FromUnixTimeMilliseconds(next) : null, media));
        }

        return followed;
    }
}
