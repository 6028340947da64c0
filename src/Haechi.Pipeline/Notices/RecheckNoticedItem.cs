using Haechi.Core.Hashing;
using Haechi.Core.Hashing.Pdq;
using Haechi.Core.Signals;
using Haechi.Core.Takedowns;
using Haechi.Core.Video;
using Haechi.Media;
using Haechi.Media.Images;
using Haechi.Media.Video;
using Haechi.Pipeline.Fetching;

namespace Haechi.Pipeline.Notices;

/// <summary>What one re-check saw, with the fetch status behind the outcome.</summary>
public sealed record RecheckResult(RecheckOutcome Outcome, FetchStatus Fetch, int? Distance, DateTimeOffset CheckedAt);

/// <summary>
/// Re-fetches a noticed image URL and re-fingerprints it: <see cref="RecheckOutcome.Gone"/> when
/// the host answers 404/410 or no longer serves an image, <see cref="RecheckOutcome.Changed"/> when
/// the image there no longer matches the noticed PDQ (dihedral hashes included, so a mirrored
/// re-upload still counts as there), <see cref="RecheckOutcome.StillThere"/> otherwise. A noticed
/// video is re-fingerprinted (vPDQ) and compared with its noticed frames the way the matcher compares
/// videos (<see cref="RunVideoAsync"/>). A fetch that fails for transient reasons (timeout,
/// connection, 5xx) is returned as null: unknown, try later.
/// </summary>
public sealed class RecheckNoticedItem(SafeFetcher fetcher, ImageDecodeOptions? decodeOptions = null, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>Largest distance at which the content counts as the same.</summary>
    public int Radius { get; init; } = SignalType.PdqThreshold;

    /// <summary>How a re-fetched video is decoded (frames per second, limits).</summary>
    public VideoDecodeOptions VideoDecode { get; init; } = VideoDecodeOptions.Default;

    /// <summary>
    /// Re-checks a noticed video at <paramref name="url"/> against its vPDQ frames: still there when
    /// the video served now matches them (<see cref="VpdqComparison.IsMatch"/>, the matcher's rule),
    /// changed when something else (or an image, or an unreadable file) is served, gone on 404/410/451.
    /// </summary>
    public async Task<RecheckResult?> RunVideoAsync(Uri url, IReadOnlyList<VpdqFrame> noticedFrames, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(noticedFrames);
        var fetched = await fetcher.FetchAsync(url, FetchPurpose.Media, cancellationToken).ConfigureAwait(false);
        var at = _time.GetUtcNow();
        switch (fetched.Status)
        {
            case FetchStatus.HttpStatus when fetched.HttpStatusCode is 404 or 410 or 451:
            case FetchStatus.NotMedia:
                return new RecheckResult(RecheckOutcome.Gone, fetched.Status, null, at);
            case FetchStatus.Ok when fetched.Body is not null && fetched.Kind == SniffedKind.Video:
                break;
            case FetchStatus.Ok when fetched.Body is not null:
                return new RecheckResult(RecheckOutcome.Changed, fetched.Status, null, at);
            default:
                return null;
        }

        // FFmpeg reads a file: the fetched bytes go to a private temporary file, deleted at once.
        var path = Path.Combine(Path.GetTempPath(), "haechi-recheck-" + Guid.NewGuid().ToString("N"));
        try
        {
            await File.WriteAllBytesAsync(path, fetched.Body, cancellationToken).ConfigureAwait(false);
            var fingerprint = new VideoFingerprinter(VideoDecode, trimBorders: true).Fingerprint(path, cancellationToken);
            var comparison = VpdqComparer.Compare([.. noticedFrames], [.. fingerprint.Frames]);
            return new RecheckResult(comparison.IsMatch() ? RecheckOutcome.StillThere : RecheckOutcome.Changed, fetched.Status, null, at);
        }
        catch (MediaException)
        {
            return new RecheckResult(RecheckOutcome.Changed, fetched.Status, null, at);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Re-checks <paramref name="url"/> against the PDQ recorded in the notice.</summary>
    public async Task<RecheckResult?> RunAsync(Uri url, Hash256 noticedPdq, CancellationToken cancellationToken)
    {
        var fetched = await fetcher.FetchAsync(url, FetchPurpose.Media, cancellationToken).ConfigureAwait(false);
        var at = _time.GetUtcNow();
        switch (fetched.Status)
        {
            case FetchStatus.HttpStatus when fetched.HttpStatusCode is 404 or 410 or 451:
            case FetchStatus.NotMedia:
                return new RecheckResult(RecheckOutcome.Gone, fetched.Status, null, at);
            case FetchStatus.Ok when fetched.Body is not null && fetched.Kind == SniffedKind.Image:
                break;
            default:
                return null;
        }

        ImageFingerprint fingerprint;
        try
        {
            fingerprint = new ImageFingerprinter(decodeOptions).Fingerprint(fetched.Body, FingerprintParts.Dihedral);
        }
        catch (ImageDecodeException)
        {
            return new RecheckResult(RecheckOutcome.Changed, fetched.Status, null, at);
        }

        var (_, best) = DihedralDistance.Closest(fingerprint.Dihedral ?? [fingerprint.Pdq], noticedPdq);
        return new RecheckResult(MatchStrength.IsMatch(SignalType.Pdq.Strength(best, Radius)) ? RecheckOutcome.StillThere : RecheckOutcome.Changed, fetched.Status, best, at);
    }
}
