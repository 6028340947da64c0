using System.Diagnostics;
using Haechi.Media.Video;

namespace Haechi.Media.Tests.Video;

/// <summary>
/// Hostile and broken inputs get a clear <see cref="VideoDecodeException"/> in bounded time, and
/// FFmpeg never outlives the call.
/// </summary>
public sealed class HostileVideoTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static VideoDecodeException Refused(string path, VideoDecodeOptions? options = null)
    {
        VideoTestTools.RequireFfmpeg();
        var start = Stopwatch.GetTimestamp();
        var ex = Assert.Throws<VideoDecodeException>(() => new VideoFingerprinter(options).Fingerprint(path, TestContext.Current.CancellationToken));
        Assert.True(Stopwatch.GetElapsedTime(start) < Bound, "took longer than " + Bound);
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
        return ex;
    }

    private string Write(string name, byte[] bytes)
    {
        var path = _directory.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void Fingerprint_ZeroLengthFile_ThrowsEmpty()
    {
        var ex = Refused(Write("empty.mp4", []));

        Assert.Equal(VideoDecodeError.Empty, ex.Error);
    }

    [Fact]
    public void Fingerprint_TextFileNamedMp4_ThrowsNotAVideo()
    {
        var ex = Refused(Write("notes.mp4", "This is not a video, just some text.\n"u8.ToArray()));

        Assert.Equal(VideoDecodeError.NotAVideo, ex.Error);
        Assert.StartsWith("Not a", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fingerprint_RandomBytes_ThrowsNotAVideo()
    {
        var bytes = new byte[64 * 1024];
        new Random(8).NextBytes(bytes);

        var ex = Refused(Write("noise.bin", bytes));

        Assert.Equal(VideoDecodeError.NotAVideo, ex.Error);
    }

    [Fact]
    public void Fingerprint_TruncatedMp4WithIndexFirst_ThrowsCorruptNamingFramesDecoded()
    {
        var whole = File.ReadAllBytes(VideoTestTools.Video("chair-19-sd-bar"));

        var ex = Refused(Write("truncated.mp4", whole[..300_000]));

        Assert.Equal(VideoDecodeError.Corrupt, ex.Error);
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
        Assert.Contains("of 564 frames", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fingerprint_TruncatedMp4WithIndexLast_ThrowsNotAVideo()
    {
        var source = _directory.File("index-last.mp4");
        VideoTestTools.Ffmpeg("-f", "lavfi", "-i", "testsrc2=s=160x120:r=10:d=3", "-c:v", "libx264", "-preset", "ultrafast", source);
        var whole = File.ReadAllBytes(source);

        var ex = Refused(Write("cut.mp4", whole[..(whole.Length / 2)]));

        Assert.Equal(VideoDecodeError.NotAVideo, ex.Error);
        Assert.Contains("moov atom not found", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(16000, 16000)]
    [InlineData(60000, 60000)]
    [InlineData(9000, 16)]
    public void Fingerprint_AbsurdDimensions_ThrowsBadDimensionsBeforeDecoding(int width, int height)
    {
        // A YUV4MPEG2 header is plain text: any frame size can be declared in a few bytes.
        var header = System.Text.Encoding.ASCII.GetBytes($"YUV4MPEG2 W{width} H{height} F30:1 Ip A1:1 C420jpeg\nFRAME\nabc");

        var ex = Refused(Write("huge.y4m", header));

        Assert.Equal(VideoDecodeError.BadDimensions, ex.Error);
    }

    [Fact]
    public void Fingerprint_AudioOnly_ThrowsNoVideoStream()
    {
        var path = _directory.File("audio.m4a");
        VideoTestTools.Ffmpeg("-f", "lavfi", "-i", "sine=d=1", "-c:a", "aac", path);

        var ex = Refused(path);

        Assert.Equal(VideoDecodeError.NoVideoStream, ex.Error);
    }

    [Fact]
    public void Fingerprint_Directory_ThrowsUnreadable()
    {
        var ex = Refused(_directory.Path);

        Assert.Equal(VideoDecodeError.Unreadable, ex.Error);
    }

    [Fact]
    public void Fingerprint_FileOverSizeCap_ThrowsFileTooLarge()
    {
        var ex = Refused(VideoTestTools.Video("chair-19-sd-bar"), VideoDecodeOptions.Default with { MaxFileBytes = 1_000_000 });

        Assert.Equal(VideoDecodeError.FileTooLarge, ex.Error);
    }

    [Fact]
    public void Fingerprint_DeclaredDurationOverCap_ThrowsTooLong()
    {
        var ex = Refused(VideoTestTools.Video("chair-19-sd-bar"), VideoDecodeOptions.Default with { MaxDuration = TimeSpan.FromSeconds(10) });

        Assert.Equal(VideoDecodeError.TooLong, ex.Error);
    }

    [Fact]
    public void Fingerprint_DecodeTimeout_KillsFfmpegAndThrowsTimedOut()
    {
        var ex = Refused(VideoTestTools.Video("chair-22-sd-grey-bar"), VideoDecodeOptions.Default with { DecodeTimeout = TimeSpan.FromMilliseconds(200) });

        Assert.Equal(VideoDecodeError.TimedOut, ex.Error);
        Assert.Contains("stopped", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fingerprint_Cancelled_ThrowsOperationCanceledPromptly()
    {
        VideoTestTools.RequireFfmpeg();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var start = Stopwatch.GetTimestamp();

        Assert.ThrowsAny<OperationCanceledException>(() => new VideoFingerprinter().Fingerprint(VideoTestTools.Video("chair-22-sd-grey-bar"), cancel.Token));

        Assert.True(Stopwatch.GetElapsedTime(start) < Bound);
    }

    [Fact]
    public void Fingerprint_FfprobeMissing_ThrowsToolMissing()
    {
        var ex = Refused(VideoTestTools.Video("chair-19-sd-bar"), VideoDecodeOptions.Default with { FfprobePath = "/nonexistent/ffprobe" });

        Assert.Equal(VideoDecodeError.ToolMissing, ex.Error);
        Assert.Contains("apt-get install ffmpeg", ex.Message, StringComparison.Ordinal);
    }
}
