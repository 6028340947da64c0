using Haechi.Core.Hashing;
using Haechi.Core.Review;
using Haechi.Core.Signals;
using Haechi.Media.Images;
using Haechi.Pipeline.Matching;
using Haechi.Pipeline.Review;

namespace Haechi.Pipeline.Ingestion;

/// <summary>
/// Fingerprinted item against every bank through the one <see cref="Matcher"/>: vPDQ for a video; for an
/// image its PDQ, with the dihedral hashes and the banks' extra views when wanted (one decode for
/// both). Records the match it links to (<see cref="ConfirmedContent.Linked(IReadOnlyList{ImageBankMatch})"/>: confirmed
/// content first, else the strongest) and returns its signal (none, pdq, view or vpdq).
/// </summary>
internal sealed class MatchStep(ItemContent content, IngestionOptions options)
{
    public async Task<MatchSignal> RunAsync(ItemWork work, Matcher matcher, CancellationToken cancellationToken)
    {
        var item = work.Record;
        var filter = options.Filter;
        item.MatchCount = 0;
        item.MatchedEntryId = null;
        item.MatchStrength = 0;
        if (item.ContentKind == "video")
        {
            var matches = await matcher.MatchVideoAsync(PackedFrames.Unpack(item.Frames ?? []), filter, cancellationToken).ConfigureAwait(false);
            if (matches.Count == 0)
            {
                return MatchSignal.None;
            }

            var linked = ConfirmedContent.Linked(matches);
            item.MatchCount = matches.Count;
            item.MatchedEntryId = linked.Entry.Id;
            item.MatchStrength = linked.Strength;
            return MatchSignal.Vpdq;
        }

        if (item.Pdq is not { } pdq || item.Quality is not { } quality || quality < filter.MinQuality)
        {
            return MatchSignal.None;
        }

        // What every caller of the matcher computes from one decode (dihedral PDQ, the views and
        // keypoints banks keep); only a plain-PDQ query can use the stored hash without the pixels.
        var parts = options.Dihedral ? matcher.QueryParts : matcher.QueryParts & ~FingerprintParts.Dihedral;
        var fingerprint = parts != FingerprintParts.Pdq
            ? FingerprintStep.Decode(await content.GetAsync(work, cancellationToken).ConfigureAwait(false), parts, matcher.Fingerprinter().QueryViews, options.ImageDecode)
            : new ImageFingerprint { Pdq = Hash256.ReadBigEndian(pdq), Quality = quality, Width = 0, Height = 0, DecodeTime = TimeSpan.Zero, HashTime = TimeSpan.Zero };
        var imageMatches = await matcher.MatchImageAsync(fingerprint, filter, cancellationToken).ConfigureAwait(false);
        if (imageMatches.Count == 0)
        {
            return MatchSignal.None;
        }

        var match = ConfirmedContent.Linked(imageMatches);
        item.MatchCount = imageMatches.Count;
        item.MatchedEntryId = match.Entry.Id;
        item.MatchStrength = match.Strength;
        return match.SignalType == SignalType.Pdq ? MatchSignal.Pdq : MatchSignal.View;
    }
}
