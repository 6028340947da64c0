using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Haechi.Core.Video;

namespace Haechi.Media.Video;

/// <summary>One decoded frame: packed RGB24 rows, valid until the next read.</summary>
/// <param name="Pixels">Height rows of width × 3 bytes.</param>
/// <param name="Width">Pixels per row.</param>
/// <param name="Height">Rows.</param>
/// <param name="FrameNumber">0-based decode order of the frame in the video.</param>
public readonly record struct VideoFrame(ReadOnlyMemory<byte> Pixels, int Width, int Height, int FrameNumber);

/// <summary>
/// Reads the frames that one ffmpeg process writes to its stdout. A pump thread drains the pipe
/// into a small ring of frame buffers (<see cref="BufferCount"/>), so ffmpeg decodes the next
/// frames while the caller hashes this one; memory stays a few frames whatever the video's
/// length. Enforces the duration cap and the decode time limit while reading, and reports
/// truncated or corrupt video at the end. Dispose it to stop ffmpeg.
/// </summary>
public sealed class VideoFrameReader : IDisposable
{
    /// <summary>Frame buffers in the ring: one with the caller, the others filled ahead.</summary>
    public const int BufferCount = 3;

    private readonly BlockingCollection<byte[]> _free = new(BufferCount);
    private readonly BlockingCollection<Chunk> _filled = new();
    private readonly Thread _pump;
    private readonly ToolProcess _process;
    private readonly CancellationTokenSource _timeout;
    private readonly CancellationToken _callerToken;
    private readonly VideoDecodeOptions _options;
    private readonly int _frameBytes;
    private byte[]? _current;
    private long _readTicks;
    private bool _finished;

    private VideoFrameReader(ToolProcess process, CancellationTokenSource timeout, VideoDecodeOptions options, VideoProbe probe, int width, int height, int frameStep, CancellationToken callerToken)
    {
        _process = process;
        _timeout = timeout;
        _callerToken = callerToken;
        _options = options;
        Probe = probe;
        Width = width;
        Height = height;
        FrameStep = frameStep;
        _frameBytes = checked(width * height * 3);
        for (var i = 0; i < BufferCount; i++)
        {
            _free.Add(new byte[_frameBytes], CancellationToken.None);
        }

        _pump = new Thread(Pump) { IsBackground = true, Name = "haechi ffmpeg frames" };
        _pump.Start();
    }

    /// <summary>What ffprobe said about the video.</summary>
    public VideoProbe Probe { get; }

    /// <summary>Width of the frames handed out (the decoded width, or the scale width).</summary>
    public int Width { get; }

    /// <summary>Height of the frames handed out.</summary>
    public int Height { get; }

    /// <summary>Every <c>FrameStep</c>-th decoded frame is handed out (1: all).</summary>
    public int FrameStep { get; }

    /// <summary>Frames handed out so far.</summary>
    public int FramesRead { get; private set; }

    /// <summary>Time spent waiting for ffmpeg to deliver frames.</summary>
    public TimeSpan ReadTime => Stopwatch.GetElapsedTime(0, _readTicks);

    /// <summary>
    /// FFmpeg's complaints about a video it still decoded to the end (damaged but complete), or
    /// <see langword="null"/>; available once <see cref="TryRead"/> returned false.
    /// </summary>
    public string? Warnings { get; private set; }

    internal static VideoFrameReader Start(string path, VideoProbe probe, VideoDecodeOptions options, CancellationToken cancellationToken)
    {
        var width = options.ScaleWidth > 0 ? options.ScaleWidth : probe.Width;
        var height = options.ScaleHeight > 0 ? options.ScaleHeight : probe.Height;
        var step = VpdqSampling.FrameStep(probe.FrameRate, options.FramesPerSecond);
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            timeout.CancelAfter(options.DecodeTimeout);
            var process = ToolProcess.Start(options.FfmpegPath, VideoDecoder.FfmpegArguments(path, probe, width, height, step, options), timeout.Token);
            return new VideoFrameReader(process, timeout, options, probe, width, height, step, cancellationToken);
        }
        catch
        {
            timeout.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads the next frame into the reader's buffer (overwritten by the next call). Returns false
    /// at the end of a complete video.
    /// </summary>
    /// <exception cref="VideoDecodeException">The video is truncated, corrupt, too long, or took too long.</exception>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    public bool TryRead(out VideoFrame frame)
    {
        frame = default;
        if (_finished)
        {
            return false;
        }

        if (_current is not null)
        {
            _free.Add(_current);
            _current = null;
        }

        var start = Stopwatch.GetTimestamp();
        var chunk = _filled.Take();
        _readTicks += Stopwatch.GetTimestamp() - start;
        if (chunk.Error is not null)
        {
            _finished = true;
            _process.Kill();
            VideoDecoder.ThrowIfStopped(_timeout, _options.DecodeTimeout, "ffmpeg", _callerToken);
            throw new VideoDecodeException(VideoDecodeError.Corrupt, "Reading ffmpeg's output failed: " + chunk.Error.Message, chunk.Error);
        }

        if (chunk.Bytes < _frameBytes)
        {
            _finished = true;
            Finish(chunk.Bytes);
            return false;
        }

        _current = chunk.Buffer;

        var frameNumber = checked(FramesRead * FrameStep);
        if (VpdqSampling.Timestamp(frameNumber, Probe.FrameRate) > _options.MaxDuration.TotalSeconds)
        {
            _finished = true;
            _process.Kill();
            throw new VideoDecodeException(
                VideoDecodeError.TooLong,
                string.Create(CultureInfo.InvariantCulture, $"The video runs past the limit of {_options.MaxDuration.TotalSeconds:N0} s (its header claimed less)."));
        }

        FramesRead++;
        frame = new VideoFrame(_current, Width, Height, frameNumber);
        return true;
    }

    private void Finish(int partialBytes)
    {
        var exitCode = _process.WaitForExit();
        VideoDecoder.ThrowIfStopped(_timeout, _options.DecodeTimeout, "ffmpeg", _callerToken);
        var error = _process.Error;
        var c = CultureInfo.InvariantCulture;
        if (exitCode != 0)
        {
            throw new VideoDecodeException(
                FramesRead == 0 ? VideoDecodeError.NotAVideo : VideoDecodeError.Corrupt,
                string.Create(c, $"ffmpeg failed after {FramesRead} frames: {FfprobeOutput.Summarise(error)}"));
        }

        if (partialBytes > 0)
        {
            throw new VideoDecodeException(VideoDecodeError.Corrupt, string.Create(c, $"ffmpeg stopped in the middle of frame {FramesRead}."));
        }

        if (FramesRead == 0)
        {
            throw new VideoDecodeException(VideoDecodeError.Corrupt, "The video stream holds no decodable frame: " + FfprobeOutput.Summarise(error));
        }

        if (error.Length > 0)
        {
            // Frames missing against the container's own count means the file was cut short.
            var expected = Probe.FrameCount is { } count ? (count + FrameStep - 1) / FrameStep : (long?)null;
            if (expected is { } e && FramesRead < e)
            {
                throw new VideoDecodeException(
                    VideoDecodeError.Corrupt,
                    string.Create(c, $"The video is truncated or corrupt: {FramesRead} of {e} frames decoded ({FfprobeOutput.Summarise(error)})."));
            }

            Warnings = FfprobeOutput.Summarise(error);
        }
    }

    public void Dispose()
    {
        _free.CompleteAdding();
        _process.Dispose();
        if (_pump.Join(TimeSpan.FromSeconds(10)))
        {
            _free.Dispose();
            _filled.Dispose();
        }

        _timeout.Dispose();
    }

    // Runs on the pump thread: fills free buffers from the pipe until end of stream. The last
    // chunk is always short (end of stream) or an error, and nothing follows it.
    private void Pump()
    {
        try
        {
            while (_free.TryTake(out var buffer, Timeout.Infinite))
            {
                var read = _process.Output.ReadAtLeast(buffer, _frameBytes, throwOnEndOfStream: false);
                _filled.Add(new Chunk(buffer, read, null));
                if (read < _frameBytes)
                {
                    return;
                }
            }

            // Disposed while frames were still coming: the reader is gone, nobody takes more.
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            _filled.Add(new Chunk(null, 0, ex));
        }
    }

    private readonly record struct Chunk(byte[]? Buffer, int Bytes, Exception? Error);
}
