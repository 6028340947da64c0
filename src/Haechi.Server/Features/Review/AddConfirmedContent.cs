using Haechi.Core.Hashing;
using Haechi.Core.Hashing.Pdq;
using Haechi.Core.Robust;
using Haechi.Core.Signals;
using Haechi.Core.Video;
using Haechi.Data;
using Haechi.Data.Banks;
using Haechi.Data.Review;
using Haechi.Data.Sealing;
using Haechi.Media.Images;
using Haechi.Media.Robust;
using Haechi.Pipeline.Ingestion;
using Haechi.Pipeline.Matching;
using Haechi.Pipeline.Review;
using Haechi.Server.Features.Evidence;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Server.Features.Review;

/// <summary>
/// Confirmed content is hunted everywhere: when an analyst confirms an item, its fingerprints go into
/// the bank of confirmed content (<see cref="ConfirmedContent.BankName"/>), with the views a victim's
/// registration keeps (crops, borders, captions, mirrors) when the content itself is at hand (a
/// report's screenshot, or an ingested image, sealed in the store), else its PDQ; a confirmed video
/// goes into the video bank (<see cref="ConfirmedContent.VideoBankName"/>) by its vPDQ frames. Every later copy, from any source, then matches it through the
/// one matcher and is linked to the same decision by the review queue. The entry's external id is
/// <c>review-item:ID</c> (never a case number: a victim's withdrawal does not reach it).
/// </summary>
internal sealed partial class AddConfirmedContent(HaechiDbContext db, ContentSealer sealer, Matcher matcher, TimeProvider time, ILogger<AddConfirmedContent> logger)
{
    /// <summary>The extra signals of the confirmed bank: the victim's default set.</summary>
    public const RobustFamilies Signals = RobustFamilies.Dihedral | RobustFamilies.Canonical | RobustFamilies.Crops;

    /// <summary>Adds the confirmed item's fingerprints (after the decision committed); returns the entry id, or null when it has none to add.</summary>
    public async Task<long?> ExecuteAsync(ReviewItemRecord item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (await VideoFramesAsync(item, cancellationToken).ConfigureAwait(false) is { } frames)
        {
            return await AddVideoAsync(item, frames, cancellationToken).ConfigureAwait(false);
        }

        var entry = await EntryAsync(item, cancellationToken).ConfigureAwait(false);
        if (entry is null)
        {
            return null;
        }

        var store = new BankStore(db, time);
        if (!await store.BankExistsAsync(ConfirmedContent.BankName, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await store.CreateBankAsync(ConfirmedContent.BankName, "Content analysts confirmed: every later copy is matched to the same decision.", SignalType.Pdq, Signals, cancellationToken).ConfigureAwait(false);
            }
            catch (BankStoreException)
            {
                // Another decision may have created it first; anything else fails below, where the entry is added.
            }
        }

        var added = await store.AddEntriesAsync(ConfirmedContent.BankName, [entry], cancellationToken).ConfigureAwait(false);
        var id = added.AddedIds[0] != 0 ? added.AddedIds[0] : added.Duplicates[0].ExistingId;
        await matcher.RefreshAsync(cancellationToken).ConfigureAwait(false);
        LogAdded(logger, item.Id, id);
        return id;
    }

    private async Task<NewBankEntry?> EntryAsync(ReviewItemRecord item, CancellationToken cancellationToken)
    {
        var externalId = ConfirmedContent.ExternalId(item.Id);
        string[] labels = ["confirmed"];

        // A report's screenshot: the content is here, so the bank keeps its views too.
        if (item.EvidenceId is { } evidenceId)
        {
            var evidence = await db.Evidence.AsNoTracking().Where(e => e.Id == evidenceId).Select(e => new { e.ReportId, e.ContentType, e.Sealed }).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (evidence?.ReportId is { } reportId && evidence.ContentType.StartsWith("image/", StringComparison.Ordinal)
                && WithViews(() => sealer.Open(evidence.Sealed, EvidenceIntake.Context(reportId, preview: false)), externalId, labels) is { } withViews)
            {
                return withViews;
            }
        }

        // Ingested content: sealed in the store, so its views are made from it too; else its PDQ and quality as the pipeline recorded them.
        if (item.Pdq is not { } pdq)
        {
            return null;
        }

        int? quality = null;
        if (IngestSource.ItemId(item.SourceId) is { } ingestId)
        {
            var ingested = await db.IngestItems.AsNoTracking().Where(i => i.Id == ingestId).Select(i => new { i.Quality, i.ContentKind }).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            quality = ingested?.Quality;
            if (ingested?.ContentKind == "image"
                && await db.IngestContents.AsNoTracking().Where(c => c.ItemId == ingestId).Select(c => c.Sealed).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false) is { } sealedContent
                && WithViews(() => sealer.Open(sealedContent, IngestContentSealing.Context(ingestId)), externalId, labels) is { } withViews)
            {
                return withViews;
            }
        }

        return quality >= PdqQuality.DefaultMinimum ? new NewBankEntry(Hash256.ReadBigEndian(pdq), quality.Value, externalId, labels) : null;
    }

    /// <summary>The vPDQ frames of an ingested video (confirmed videos are hunted by vPDQ, not by one frame's PDQ); null for anything else.</summary>
    private async Task<VpdqFrame[]?> VideoFramesAsync(ReviewItemRecord item, CancellationToken cancellationToken)
    {
        if (IngestSource.ItemId(item.SourceId) is not { } ingestId)
        {
            return null;
        }

        var video = await db.IngestItems.AsNoTracking().Where(i => i.Id == ingestId && i.ContentKind == "video").Select(i => i.Frames).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return video is { Length: > 0 } packed && PackedFrames.Unpack(packed) is { Length: > 0 } frames ? frames : null;
    }

    private async Task<long?> AddVideoAsync(ReviewItemRecord item, VpdqFrame[] frames, CancellationToken cancellationToken)
    {
        var store = new BankStore(db, time);
        if (!await store.BankExistsAsync(ConfirmedContent.VideoBankName, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await store.CreateBankAsync(ConfirmedContent.VideoBankName, "Videos analysts confirmed: every later copy is matched to the same decision.", SignalType.Vpdq, cancellationToken).ConfigureAwait(false);
            }
            catch (BankStoreException)
            {
                // Another decision may have created it first; anything else fails below, where the entry is added.
            }
        }

        var added = await store.AddVideoEntriesAsync(ConfirmedContent.VideoBankName, [new NewVideoEntry(frames, ConfirmedContent.ExternalId(item.Id), ["confirmed"])], cancellationToken).ConfigureAwait(false);
        var id = added.AddedIds[0] != 0 ? added.AddedIds[0] : added.Duplicates[0].ExistingId;
        await matcher.RefreshAsync(cancellationToken).ConfigureAwait(false);
        LogAdded(logger, item.Id, id);
        return id;
    }

    /// <summary>The entry with the victim's default views, from the content's bytes; null when they cannot be read or the PDQ is too weak.</summary>
    private static NewBankEntry? WithViews(Func<byte[]> open, string externalId, string[] labels)
    {
        try
        {
            var (views, _) = new RobustFingerprinter().RegisterAll(open(), Signals);
            return views[0].Quality >= PdqQuality.DefaultMinimum ? new NewBankEntry(views[0].Hash, views[0].Quality, externalId, labels, views.GetRange(1, views.Count - 1)) : null;
        }
        catch (Exception ex) when (ex is ImageDecodeException or SealedContentException)
        {
            // Fall back to the stored PDQ.
            return null;
        }
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Confirmed review item {ItemId} added to the confirmed-content bank as entry {EntryId}")]
    private static partial void LogAdded(ILogger logger, long itemId, long entryId);
}
