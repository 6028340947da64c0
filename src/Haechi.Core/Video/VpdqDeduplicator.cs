namespace Haechi.Core.Video;

/// <summary>
/// Shrinks a vPDQ hash for storage by collapsing runs of consecutive near-identical frames (a
/// still shot, a slide, a paused scene) into the first frame of each run. The kept lines are
/// ordinary vPDQ lines with their original frame numbers and timestamps, so the result is still
/// in the reference format.
/// </summary>
/// <remarks>
/// A frame joins the current run when it is within <c>maxDistance</c> bits of the run's first
/// frame (not of its predecessor, so a slow pan cannot drift arbitrarily far), and its quality
/// falls on the same side of <c>minQuality</c>, so a run never hides a good frame behind a poor one.
/// With <c>maxDistance</c> 0 only identical consecutive hashes are collapsed and the vPDQ
/// comparison percentages, which count distinct hashes, are unchanged.
/// </remarks>
public static class VpdqDeduplicator
{
    /// <summary>Default run threshold: a few bits, well under PDQ's match distance of 31.</summary>
    public const int DefaultMaxDistance = 4;

    /// <summary>Returns the first frame of each run of near-identical frames.</summary>
    public static List<VpdqFrame> CollapseRuns(
        ReadOnlySpan<VpdqFrame> frames,
        int maxDistance = DefaultMaxDistance,
        int minQuality = VpdqMatchOptions.DefaultMinQuality)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxDistance);
        var kept = new List<VpdqFrame>();
        if (frames.IsEmpty)
        {
            return kept;
        }

        var runStart = frames[0];
        kept.Add(runStart);
        for (var i = 1; i < frames.Length; i++)
        {
            var frame = frames[i];
            var sameSide = (frame.Quality >= minQuality) == (runStart.Quality >= minQuality);
            if (!sameSide || frame.Hash.DistanceTo(runStart.Hash) > maxDistance)
            {
                runStart = frame;
                kept.Add(frame);
            }
        }

        return kept;
    }
}
