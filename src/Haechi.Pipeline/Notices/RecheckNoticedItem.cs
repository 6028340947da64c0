using Haechi.Core.Hashing;
using Haechi.Core.Hashing.Pdq;
using Haechi.Core.Signals;
using Haechi.Core.Takedowns;
using Haechi.Core.Video;
using Haechi.Media;
using Haechi.Media.Images;
using Haechi.Media.Video;
using Haechi.Pipeline.Extraction;
using Haechi.Pipeline.Fetching;

namespace Haechi.Pipeline.Notices;

/// <summary>What one re-check saw, with the fetch status behind the outcome.</summary>
public sealed record RecheckResult(RecheckOutcome Outcome, FetchStatus Fetch, int? Distance, DateTimeOffset CheckedAt);

/// <summary>
/// Re-fetches a noticed image URL and re-fingerprints it: <see cref="RecheckOutcome.Gone"/> when
/// the host answers 404/410 or serves a page that no longer shows the content (a noticed page, such
/// as a Telegram post link or a reported page, is read for its media), <see cref="RecheckOutcome.Changed"/> when
/// the image there no longer matches the noticed PDQ (dihedral hashes included, so a mirrored
/// re-upload still counts as there), <see cref="RecheckOutcome.StillThere"/> otherwise. A noticed
/// video is re-fingerprinted (vPDQ) and compared with its noticed frames the way the matcher compares
/// videos (<see cref="RunVideoAsync(Uri, IReadOnlyList{VpdqFrame}, CancellationToken)"/>). A fetch that fails for transient reasons (timeout,
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
    public Task<RecheckResult?> RunVideoAsync(Uri url, IReadOnlyList<VpdqFrame> noticedFrames, CancellationToken cancellationToken) =>
        RunVideoAsync(url, noticedFrames, followPage: true, cancellationToken);

    private async Task<RecheckResult?> RunVideoAsync(Uri url, IReadOnlyList<VpdqFrame> noticedFrames, bool followPage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(noticedFrames);
        var fetched = await fetcher.FetchAsync(url, FetchPurpose.Media, cancellationToken).ConfigureAwait(false);
        var at = _time.GetUtcNow();
        switch (fetched.Status)
        {
            case FetchStatus.NotMedia when followPage:
                return await RunPageAsync(url, at, (media, ct) => RunVideoAsync(media, noticedFrames, followPage: false, ct), cancellationToken).ConfigureAwait(false);
            case FetchStatus.NotMedia:
                return new RecheckResult(RecheckOutcome.Changed, fetched.Status, null, at);
            case FetchStatus.HttpStatus when fetched.HttpStatusCode is 404 or 410 or 451:
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
    public Task<RecheckResult?> RunAsync(Uri url, Hash256 noticedPdq, CancellationToken cancellationToken) =>
        RunAsync(url, noticedPdq, followPage: true, cancellationToken);

    private async Task<RecheckResult?> RunAsync(Uri url, Hash256 noticedPdq, bool followPage, CancellationToken cancellationToken)
    {
        var fetched = await fetcher.FetchAsync(url, FetchPurpose.Media, cancellationToken).ConfigureAwait(false);
        var at = _time.GetUtcNow();
        switch (fetched.Status)
        {
            case FetchStatus.NotMedia when followPage:
                return await RunPageAsync(url, at, (media, ct) => RunAsync(media, noticedPdq, followPage: false, ct), cancellationToken).ConfigureAwait(false);
            case FetchStatus.NotMedia:
                return new RecheckResult(RecheckOutcome.Changed, fetched.Status, null, at);
            case FetchStatus.HttpStatus when fetched.HttpStatusCode is 404 or 410 or 451:
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

    /// <summary>Most media of a page re-checked (a Telegram post or a reported page shows a few).</summary>
    public const int MaxMediaPerPage = 20;

    /// <summary>
    /// The noticed URL answers with a page, not media (a Telegram post link, a reported page, or a media
    /// URL the host replaced with a page): the media on the page (img, srcset, og:image, video...) are
    /// re-checked one by one, <see cref="MaxMediaPerPage"/> at most, never following them further. Still
    /// there when any of them is the noticed content; gone when the page shows none of it. A private
    /// <c>t.me/c/…</c> link cannot be read from outside: unknown (null), so notices go on until an
    /// analyst records the host's reply.
    /// </summary>
    private async Task<RecheckResult?> RunPageAsync(Uri url, DateTimeOffset at, Func<Uri, CancellationToken, Task<RecheckResult?>> recheckMedia, CancellationToken cancellationToken)
    {
        if (url.Host is "t.me" or "telegram.me" && url.AbsolutePath.StartsWith("/c/", StringComparison.Ordinal))
        {
            return null;
        }

        var page = await fetcher.FetchAsync(url, FetchPurpose.Page, cancellationToken).ConfigureAwait(false);
        if (page.Status != FetchStatus.Ok || page.Body is null)
        {
            return page.Status == FetchStatus.HttpStatus && page.HttpStatusCode is 404 or 410 or 451
                ? new RecheckResult(RecheckOutcome.Gone, page.Status, null, at)
                : null;
        }

        var extracted = new MediaExtractor(ExtractionOptions.Default with { MaxMediaPerPage = MaxMediaPerPage }).Extract(page.Body, page.FinalUrl ?? url);
        var unknown = false;
        int? closest = null;
        foreach (var media in extracted.Media.Take(MaxMediaPerPage))
        {
            // A media link that is itself a page is not followed again.
            var result = await recheckMedia(media.Url, cancellationToken).ConfigureAwait(false);
            switch (result?.Outcome)
            {
                case RecheckOutcome.StillThere:
                    return new RecheckResult(RecheckOutcome.StillThere, FetchStatus.Ok, result.Distance, at);
                case null:
                    unknown = true;
                    break;
                default:
                    closest = result.Distance is { } d && (closest is null || d < closest) ? d : closest;
                    break;
            }
        }

        return unknown ? null : new RecheckResult(RecheckOutcome.Gone, FetchStatus.NotMedia, closest, at);
    }
}
