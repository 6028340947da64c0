using System.CommandLine;
using Haechi.Cli.Hashing;
using Haechi.Media.Video;

namespace Haechi.Cli.Video;

/// <summary>The <c>--vpdq</c> and <c>--fps</c> options of <c>haechi hash</c>, and the run they switch to.</summary>
internal sealed class VideoHashOptions
{
    private readonly Option<bool> _vpdq = new("--vpdq")
    {
        Description = "Treat the files as videos and print their vPDQ hashes: 'frame_number,quality,hash,timestamp' per frame (Meta's vpdq-hash-video format), a '# path' line before each video when several are given. Needs FFmpeg.",
    };

    private readonly Option<double?> _fps = new("--fps")
    {
        Description = "With --vpdq: hash N frames per second (frames whose number is a multiple of frame rate / N, as upstream). Default: every frame.",
    };

    private readonly Option<bool> _trimBars = new("--trim-bars")
    {
        Description = "With --vpdq: hash the picture inside letterbox/pillarbox bars (Haechi extension; the default output is upstream-compatible).",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(_vpdq);
        command.Options.Add(_fps);
        command.Options.Add(_trimBars);
        _fps.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double?>() is { } fps && (!(fps > 0) || !double.IsFinite(fps)))
            {
                result.AddError("--fps must be a positive number of frames per second.");
            }
        });
    }

    /// <summary>Whether <c>--vpdq</c> was given.</summary>
    public bool IsRequested(ParseResult result) => result.GetValue(_vpdq);

    /// <summary>Hashes <paramref name="files"/> as videos; returns the exit code.</summary>
    public int Run(CliConsole console, IReadOnlyList<InputFile> files, ParseResult result, CancellationToken cancellationToken)
    {
        var options = VideoDecodeOptions.Default with { FramesPerSecond = result.GetValue(_fps) };
        return new VideoHashRun(console, options, result.GetValue(_trimBars)).Execute(files, cancellationToken);
    }
}
