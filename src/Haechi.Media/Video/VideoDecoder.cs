using System.Globalization;
using System.Text;

namespace Haechi.Media.Video;

/// <summary>
/// Turns video files into RGB frames with the system's FFmpeg (Debian package <c>ffmpeg</c>):
/// <c>ffprobe</c> reads the header, <c>ffmpeg</c> decodes and writes raw RGB24 frames to a pipe
/// that <see cref="VideoFrameReader"/> reads one frame at a time, so a video is never held in
/// memory. File size, frame size and duration are checked before decoding; both tools run under
/// a time limit and are killed when it runs out or the caller cancels.
/// </summary>
/// <remarks>
/// Frames are converted as upstream vPDQ converts them (libswscale, area filter, BT.601 matrix,
/// no rotation from container metadata), so hashes agree with Meta's reference hashes.
/// </remarks>
public static class VideoDecoder
{
    /// <summary>Reads the header of <paramref name="path"/> and checks it against the limits.</summary>
    /// <exception cref="VideoDecodeException">Missing, empty, too large, not a video, no video stream, too big or too long.</exception>
    public static VideoProbe Probe(string path, VideoDecodeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= VideoDecodeOptions.Default;
        CheckFile(path, options);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ProbeTimeout);
        string json;
        int exitCode;
        string error;
        using (var run = ToolProcess.Start(options.FfprobePath, [.. FfprobeOutput.Arguments, InputArgument(path)], timeout.Token))
        {
            // ffprobe's JSON is a few kilobytes; a file with absurdly many streams is cut off here.
            using var reader = new StreamReader(run.Output, Encoding.UTF8);
            var buffer = new char[1 << 20];
            var read = reader.ReadBlock(buffer, 0, buffer.Length);
            json = new string(buffer, 0, read);
            if (read == buffer.Length)
            {
                run.Kill();
            }

            exitCode = run.WaitForExit();
            error = run.Error;
        }

        ThrowIfStopped(timeout, options.ProbeTimeout, "ffprobe", cancellationToken);
        if (exitCode != 0)
        {
            throw FfprobeOutput.ProbeFailure(error);
        }

        var probe = FfprobeOutput.Parse(new StringReader(json));
        CheckProbe(probe, options);
        return probe;
    }

    /// <summary>
    /// Probes <paramref name="path"/> and starts decoding it. Dispose the reader to stop FFmpeg
    /// early.
    /// </summary>
    /// <exception cref="VideoDecodeException">The file is refused or cannot be decoded.</exception>
    public static VideoFrameReader Open(string path, VideoDecodeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= VideoDecodeOptions.Default;
        var probe = Probe(path, options, cancellationToken);
        return VideoFrameReader.Start(path, probe, options, cancellationToken);
    }

    /// <summary>The ffmpeg arguments that decode the probed stream to raw RGB24 frames on stdout.</summary>
    internal static List<string> FfmpegArguments(string path, VideoProbe probe, int width, int height, int frameStep, VideoDecodeOptions options)
    {
        var c = CultureInfo.InvariantCulture;
        var filters = new List<string>();
        if (frameStep > 1)
        {
            // Only the sampled frames are converted and piped; n counts decoded frames from 0, as upstream's frame numbers do.
            filters.Add(string.Create(c, $"select=not(mod(n\\,{frameStep}))"));
        }

        // Upstream converts with sws_getContext(..., SWS_AREA) and libswscale's default (BT.601) matrix.
        filters.Add(string.Create(c, $"scale={width}:{height}:flags=area:in_color_matrix=bt601"));
        filters.Add("format=rgb24");

        var arguments = new List<string> { "-hide_banner", "-nostdin", "-nostats", "-v", "error" };
        if (options.DecoderThreads > 0)
        {
            arguments.AddRange(["-threads", options.DecoderThreads.ToString(c)]);
        }

        arguments.AddRange(
        [
            "-noautorotate",
            "-i", InputArgument(path),
            "-map", string.Create(c, $"0:{probe.StreamIndex}"),
            "-an", "-sn", "-dn",
            "-vf", string.Join(',', filters),
            "-fps_mode", "passthrough",
            "-f", "rawvideo",
            "-pix_fmt", "rgb24",
            "pipe:1",
        ]);
        return arguments;
    }

    /// <summary>A path FFmpeg reads as a local file, never as a protocol URL or an option.</summary>
    internal static string InputArgument(string path) => "file:" + Path.GetFullPath(path);

    internal static void ThrowIfStopped(CancellationTokenSource timeout, TimeSpan limit, string tool, CancellationToken callerToken)
    {
        callerToken.ThrowIfCancellationRequested();
        if (timeout.IsCancellationRequested)
        {
            throw new VideoDecodeException(
                VideoDecodeError.TimedOut,
                string.Create(CultureInfo.InvariantCulture, $"{tool} did not finish within {limit.TotalSeconds:0.###} s and was stopped."));
        }
    }

    private static void CheckFile(string path, VideoDecodeOptions options)
    {
        long length;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new VideoDecodeException(VideoDecodeError.Unreadable, Directory.Exists(path) ? "Is a directory." : "No such file.");
            }

            length = info.Length;
            using var probe = File.OpenRead(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new VideoDecodeException(VideoDecodeError.Unreadable, "The file cannot be read: " + ex.Message, ex);
        }

        if (length == 0)
        {
            throw new VideoDecodeException(VideoDecodeError.Empty, "The file is empty.");
        }

        if (length > options.MaxFileBytes)
        {
            throw new VideoDecodeException(
                VideoDecodeError.FileTooLarge,
                string.Create(CultureInfo.InvariantCulture, $"The file is {length:N0} bytes; the limit is {options.MaxFileBytes:N0}."));
        }
    }

    internal static void CheckProbe(VideoProbe probe, VideoDecodeOptions options)
    {
        var c = CultureInfo.InvariantCulture;
        if (probe.Width <= 0 || probe.Height <= 0)
        {
            throw new VideoDecodeException(VideoDecodeError.BadDimensions, "The video stream declares no frame size.");
        }

        if (probe.Width > options.MaxSide || probe.Height > options.MaxSide || (long)probe.Width * probe.Height > options.MaxFramePixels)
        {
            throw new VideoDecodeException(
                VideoDecodeError.BadDimensions,
                string.Create(c, $"The video declares {probe.Width}×{probe.Height} frames; the limit is {options.MaxSide} pixels a side and {options.MaxFramePixels:N0} pixels a frame."));
        }

        if (!(probe.FrameRate > 0) || probe.FrameRate > 1000)
        {
            throw new VideoDecodeException(VideoDecodeError.Corrupt, string.Create(c, $"The video declares no usable frame rate ({probe.FrameRate:0.###} frames/s)."));
        }

        if (probe.Duration is { } duration && duration > options.MaxDuration)
        {
            throw new VideoDecodeException(
                VideoDecodeError.TooLong,
                string.Create(c, $"The video lasts {duration.TotalSeconds:N0} s; the limit is {options.MaxDuration.TotalSeconds:N0} s."));
        }
    }
}
