using System.Globalization;
using Haechi.Core.Hashing;
using Haechi.Core.Video;

namespace Haechi.Server.Features.Cases;

/// <summary>
/// One video a victim registers from her device (<c>type: "vpdq"</c>): the vPDQ frames her browser
/// computed, checked against <see cref="VictimVideo"/>'s limits. Nothing in it is trusted beyond its
/// shape: the frames are stored and searched like frames the server hashed itself.
/// </summary>
internal static class CaseVideoSignal
{
    /// <summary>
    /// The frames of <paramref name="input"/>, or null with the problems keyed by JSON path
    /// (<c>signals[i].frames</c> for the list, <c>signals[i].frames[j].hash</c>, <c>.quality</c>,
    /// <c>.frame</c>, <c>.seconds</c> for one frame).
    /// </summary>
    public static IReadOnlyList<VpdqFrame>? TryParse(SignalInput input, string at, Dictionary<string, string[]> errors)
    {
        if (input.Hash is not null || input.Quality is not null || input.Local is not null || input.Views is not null)
        {
            errors[at] = ["A vPDQ signal carries only its frames (no hash, quality, local features or views)."];
            return null;
        }

        var inputs = input.Frames;
        if (inputs is null || inputs.Count == 0)
        {
            errors[at + ".frames"] = ["A vPDQ signal needs at least one frame."];
            return null;
        }

        if (inputs.Count > VictimVideo.MaxFrames)
        {
            errors[at + ".frames"] = [string.Create(CultureInfo.InvariantCulture, $"At most {VictimVideo.MaxFrames} frames per video; {inputs.Count} were sent.")];
            return null;
        }

        var frames = new List<VpdqFrame>(inputs.Count);
        var previousFrame = -1;
        var previousSeconds = 0d;
        var good = 0;
        var ok = true;
        for (var j = 0; j < inputs.Count; j++)
        {
            var frame = inputs[j];
            var where = string.Create(CultureInfo.InvariantCulture, $"{at}.frames[{j}]");
            if (frame is null)
            {
                errors[where] = ["A frame cannot be null."];
                return null;
            }

            if (!Hash256.TryParse(frame.Hash, out var hash, out _))
            {
                errors[where + ".hash"] = ["A frame's PDQ hash is 64 hexadecimal digits."];
                ok = false;
            }

            if (frame.Quality is not (>= 0 and <= 100))
            {
                errors[where + ".quality"] = ["A frame's quality is between 0 and 100."];
                ok = false;
            }

            if (frame.Frame is not { } number || number < 0 || number <= previousFrame)
            {
                errors[where + ".frame"] = ["Frame numbers are 0 or more and increase within a video."];
                ok = false;
            }

            if (frame.Seconds is not { } seconds || !double.IsFinite(seconds) || seconds < previousSeconds || seconds > VictimVideo.MaxSeconds)
            {
                errors[where + ".seconds"] = [string.Create(CultureInfo.InvariantCulture, $"Timestamps are 0 to {VictimVideo.MaxSeconds} seconds and do not decrease within a video.")];
                ok = false;
            }

            if (!ok)
            {
                // The first bad frame is enough to name; the rest would repeat it.
                return null;
            }

            previousFrame = frame.Frame!.Value;
            previousSeconds = frame.Seconds!.Value;
            if (frame.Quality >= VpdqMatchOptions.DefaultMinQuality)
            {
                good++;
            }

            frames.Add(new VpdqFrame(previousFrame, frame.Quality!.Value, hash, previousSeconds));
        }

        if (good < VictimVideo.MinGoodFrames)
        {
            errors[at + ".frames"] = [string.Create(CultureInfo.InvariantCulture, $"No frame has quality {VpdqMatchOptions.DefaultMinQuality} or more: this video could never be matched.")];
            return null;
        }

        return frames;
    }
}
