using Haechi.Core.Review;
using Haechi.Data;
using Haechi.Pipeline.Ingestion;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Haechi.Pipeline.Review;

/// <summary>
/// The ingestion pipeline's one review sink, in the server and in <c>haechi ingest</c>: matched items
/// go through <see cref="IReviewQueue"/> (so content already decided is classified by fingerprint
/// and not shown again), once per source id. An item fetched from a URL becomes a web item that keeps
/// its URL, so a confirmed match can be noticed to the host.
/// </summary>
internal sealed class ReviewSink(IServiceScopeFactory scopes) : IReviewSink
{
    /// <inheritdoc />
    public async Task<long> SubmitAsync(ReviewCandidate candidate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
        var existing = await db.ReviewItems.AsNoTracking()
            .Where(r => (r.Kind == ReviewItemKind.BankMatch || r.Kind == ReviewItemKind.FaceMatch || r.Kind == ReviewItemKind.WebItem || r.Kind == ReviewItemKind.NudityTriage) && r.SourceId == candidate.SourceId)
            .Select(r => (long?)r.Id).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (existing is { } id)
        {
            return id;
        }

        // An item fetched from the web keeps its URL (what a takedown notice names) and is a web item;
        // a Telegram post, read through the bot, is located by its post link; both keep the page that showed them.
        Uri? url = null;
        Uri? page = null;
        var possibleMinor = false;
        if (IngestSource.ItemId(candidate.SourceId) is { } itemId
            && await db.IngestItems.AsNoTracking().Where(i => i.Id == itemId).Select(i => new { i.Url, i.PageUrl, i.Link, i.SourceKind, i.SourceId }).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false) is { } stored)
        {
            // Found at the link of a report flagged "possible minor": flagged too, so it is reviewed first.
            if (stored.SourceKind == ReportLinkSource.SourceKind && ReportLinkSource.LinkId(stored.SourceId) is { } linkId)
            {
                possibleMinor = await db.ReportLinks.AsNoTracking().Where(l => l.Id == linkId)
                    .Join(db.Reports.AsNoTracking(), l => l.ReportId, r => r.Id, (l, r) => r.PossibleMinor)
                    .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            }

            _ = Uri.TryCreate(stored.PageUrl, UriKind.Absolute, out page);
            // A post read through a channel's web preview is named by its post link, not by its short-lived file URL.
            url = Uri.TryCreate(stored.Link ?? stored.Url, UriKind.Absolute, out var fetched) ? fetched : page;
        }

        var queue = scope.ServiceProvider.GetRequiredService<IReviewQueue>();
        var enqueued = await queue.EnqueueAsync(
            new ReviewItemInput(KindOf(candidate.Kind, url), candidate.SourceId, MatchStrength: candidate.MatchStrength, NudityScore: candidate.NudityScore, Sha256: candidate.Sha256, Pdq: candidate.Pdq, MatchedEntryId: candidate.MatchedEntryId, Url: url, Signal: candidate.Signal, Priority: candidate.Priority, FrameAt: candidate.FrameAt, PdqQuality: candidate.PdqQuality, PageUrl: page, PossibleMinor: candidate.MinorAge is not null || possibleMinor, MinorAge: candidate.MinorAge),
            cancellationToken).ConfigureAwait(false);
        return enqueued.Id;
    }

    // A face match stays a face match (it names a person, not a copy) and a nudity triage item stays
    // one (nothing matched); a fingerprint match fetched from a URL is a web item. All keep their URL for the notice.
    private static ReviewItemKind KindOf(ReviewItemKind kind, Uri? url) =>
        kind is ReviewItemKind.FaceMatch or ReviewItemKind.NudityTriage ? kind : url is null ? ReviewItemKind.BankMatch : ReviewItemKind.WebItem;
}
