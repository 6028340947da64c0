using Haechi.Cli.Hashing;
using Haechi.Core.Video;
using Haechi.Media.Video;

namespace Haechi.Cli.Video;

/// <summary>
/// Prints the vPDQ hash of each video in the order given: one block of reference-format lines per
/// video, preceded by <c># path</c> when there are several. Videos are hashed one after another
/// (FFmpeg already decodes on several threads); a refused video gets one line on stderr.
/// </summary>
internal sealed class VideoHashRun(CliConsole console, VideoDecodeOptions options, bool trimBars)
{
    /// <summary>Returns 0 when every video was hashed, 1 when any failed.</summary>
    public int Execute(IReadOnlyList<InputFile> files, CancellationToken cancellationToken)
    {
        var fingerprinter = new VideoFingerprinter(options, trimBars);
        var anyFailed = false;
        foreach (var file in files)
        {
            var problem = file.Problem;
            IReadOnlyList<VpdqFrame> frames = [];
            if (problem is null)
            {
                try
                {
                    frames = fingerprinter.Fingerprint(file.Path, cancellationToken).Frames;
                }
                catch (VideoDecodeException ex)
                {
                    problem = ex.Message;
                }
            }

            if (problem is not null)
            {
                anyFailed = true;
                console.Error.WriteLine("haechi: " + file.Path + ": " + problem);
                continue;
            }

            if (files.Count > 1)
            {
                console.Out.WriteLine("# " + file.Path);
            }

            VpdqFormat.Write(console.Out, frames);
        }

        return anyFailed ? 1 : 0;
    }
}
