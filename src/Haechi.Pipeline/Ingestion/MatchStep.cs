using Haechi.Core.Hashing;
using Haechi.Core.Review;
using Haechi.Core.Robust;
using Haechi.Media.Images;
using Haechi.Pipeline.Matching;

namespace Haechi.Pipeline.Ingestion;

/// <summary>
/// Fingerprinted item against every bank through <see cref="BankMatcher"/>: vPDQ for a video; for an
/// image its PDQ, with the dihedral hashes and the banks' extra views when wanted (one decode for
/// both). Records the strongest match and returns its signal (none, pdq, view or vpdq).
/// </summary>
internal sealed class MatchStep(ItemContent content, IngestionOptions options)
{
    public async Task<MatchSignal> RunAsync(ItemWork work, BankMatcher matcher, CancellationToken cancellationToken)
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

            item.MatchCount = matches.Count;
            item.MatchedEntryId = matches[0].Entry.Id;
            item.MatchStrength = Math.Clamp(matches[0].Comparison.QueryMatchPercent / 100.0, 0, 1);
            return MatchSignal.Vpdq;
        }

        if (item.Pdq is not { } pdq || item.Quality is not { } quality || quality < filter.MinQuality)
        {
            return MatchSignal.None;
        }

        // The stored PDQ is enough unless the dihedral hashes or the banks' extra views are wanted,
        // which need the pixels again (one decode for both).
        var parts = (options.Dihedral ? FingerprintParts.Dihedral : FingerprintParts.Pdq) | (matcher.HasExtraViews ? FingerprintParts.RobustViews : FingerprintParts.Pdq);
        var fingerprint = parts != FingerprintParts.Pdq
            ? FingerprintStep.Decode(await content.GetAsync(work, cancellationToken).ConfigureAwait(false), parts, matcher.HasExtraViews ? matcher.QueryFamilies : RobustFamilies.None, options.ImageDecode)
            : new ImageFingerprint { Pdq = Hash256.ReadBigEndian(pdq), Quality = quality, Width = 0, Height = 0, DecodeTime = TimeSpan.Zero, HashTime = TimeSpan.Zero };
        var imageMatches = await matcher.MatchImageAsync(fingerprint, filter, cancellationToken).ConfigureAwait(false);
        if (imageMatches.Count == 0)
        {
            return MatchSignal.None;
        }

        item.MatchCount = imageMatches.Count;
        item.MatchedEntryId = imageMatches[0].Entry.Id;
        item.MatchStrength = ReviewRules.PdqMatchStrength(imageMatches[0].Distance, filter.Radius + 1);
        return imageMatches[0].MatchedBy is "pdq" or "dihedral" ? MatchSignal.Pdq : MatchSignal.View;
    }
}
