using Haechi.Media.Video;

namespace Haechi.Media.Tests.Video;

/// <summary>The ffprobe parser on output captured from Debian 12's ffprobe 5.1 (Jellyfin style).</summary>
public sealed class FfprobeOutputTests
{
    // ffprobe of ../shared/testdata/vpdq/videos/chair-19-sd-bar.mp4 (H.264 + AAC).
    private const string Mp4WithAudio = """
        {
            "programs": [

            ],
            "streams": [
                {
                    "index": 0,
                    "codec_name": "h264",
                    "codec_type": "video",
                    "width": 480,
                    "height": 720,
                    "r_frame_rate": "30/1",
                    "avg_frame_rate": "30/1",
                    "duration": "18.800000",
                    "nb_frames": "564",
                    "disposition": {
                        "attached_pic": 0
                    }
                },
                {
                    "index": 1,
                    "codec_name": "aac",
                    "codec_type": "audio",
                    "r_frame_rate": "0/0",
                    "avg_frame_rate": "0/0",
                    "duration": "18.794000",
                    "nb_frames": "882",
                    "disposition": {
                        "attached_pic": 0
                    }
                }
            ],
            "format": {
                "format_name": "mov,mp4,m4a,3gp,3g2,mj2",
                "duration": "18.816000",
                "size": "2117802"
            }
        }
        """;

    // A VP9 WebM made with ffmpeg's testsrc2: no per-stream duration or frame count.
    private const string WebM = """
        {
            "programs": [

            ],
            "streams": [
                {
                    "index": 0,
                    "codec_name": "vp9",
                    "codec_type": "video",
                    "width": 320,
                    "height": 240,
                    "r_frame_rate": "25/1",
                    "avg_frame_rate": "25/1",
                    "disposition": {
                        "attached_pic": 0
                    }
                }
            ],
            "format": {
                "format_name": "matroska,webm",
                "duration": "2.000000",
                "size": "72208"
            }
        }
        """;

    // An AAC-only .m4a.
    private const string AudioOnly = """
        {
            "programs": [

            ],
            "streams": [
                {
                    "index": 0,
                    "codec_name": "aac",
                    "codec_type": "audio",
                    "r_frame_rate": "0/0",
                    "avg_frame_rate": "0/0",
                    "duration": "1.000000",
                    "nb_frames": "45",
                    "disposition": {
                        "attached_pic": 0
                    }
                }
            ],
            "format": {
                "format_name": "mov,mp4,m4a,3gp,3g2,mj2",
                "duration": "1.000000",
                "size": "9976"
            }
        }
        """;

    // An MP3 with cover art: the only "video" stream is an attached picture.
    private const string Mp3WithCover = """
        {
            "programs": [

            ],
            "streams": [
                {
                    "index": 0,
                    "codec_name": "mp3",
                    "codec_type": "audio",
                    "r_frame_rate": "0/0",
                    "avg_frame_rate": "0/0",
                    "duration": "1.044898",
                    "disposition": {
                        "attached_pic": 0
                    }
                },
                {
                    "index": 1,
                    "codec_name": "mjpeg",
                    "codec_type": "video",
                    "width": 64,
                    "height": 64,
                    "r_frame_rate": "90000/1",
                    "avg_frame_rate": "0/0",
                    "duration": "1.044900",
                    "disposition": {
                        "attached_pic": 1
                    }
                }
            ],
            "format": {
                "format_name": "mp3",
                "duration": "1.044898",
                "size": "10776"
            }
        }
        """;

    // A hand-made YUV4MPEG2 header declaring 16000×16000 frames (ffprobe accepts it).
    private const string HugeY4m = """
        {
            "programs": [

            ],
            "streams": [
                {
                    "index": 0,
                    "codec_name": "rawvideo",
                    "codec_type": "video",
                    "width": 16000,
                    "height": 16000,
                    "r_frame_rate": "30/1",
                    "avg_frame_rate": "30/1",
                    "duration": "0.000000",
                    "disposition": {
                        "attached_pic": 0
                    }
                }
            ],
            "format": {
                "format_name": "yuv4mpegpipe",
                "size": "56"
            }
        }
        """;

    // stderr of ffprobe on a text file named .mp4 (exit code 1; stdout was "{\n\n}").
    private const string TextFileError = """
        [mov,mp4,m4a,3gp,3g2,mj2 @ 0x5599a16d7600] moov atom not found
        /tmp/vp/text.mp4: Invalid data found when processing input
        """;

    // stderr of ffprobe on a YUV4MPEG2 header declaring 60000×60000 frames.
    private const string InvalidSizeError = """
        [IMGUTILS @ 0x7ffe4c71d120] Picture size 60000x60000 is invalid
        /tmp/vp/huge.y4m: Device or resource busy
        """;

    private static VideoProbe Parse(string json) => FfprobeOutput.Parse(new StringReader(json));

    [Fact]
    public void Parse_Mp4WithAudio_DescribesTheVideoStream()
    {
        var probe = Parse(Mp4WithAudio);

        Assert.Equal(0, probe.StreamIndex);
        Assert.Equal("h264", probe.Codec);
        Assert.Equal("mov,mp4,m4a,3gp,3g2,mj2", probe.Container);
        Assert.Equal((480, 720), (probe.Width, probe.Height));
        Assert.Equal(30.0, probe.FrameRate);
        Assert.Equal(564, probe.FrameCount);
        Assert.Equal(TimeSpan.FromSeconds(18.8), probe.Duration);
    }

    [Fact]
    public void Parse_WebMWithoutStreamDuration_UsesContainerDuration()
    {
        var probe = Parse(WebM);

        Assert.Equal("vp9", probe.Codec);
        Assert.Equal(25.0, probe.FrameRate);
        Assert.Null(probe.FrameCount);
        Assert.Equal(TimeSpan.FromSeconds(2), probe.Duration);
    }

    [Theory]
    [InlineData(AudioOnly)]
    [InlineData(Mp3WithCover)]
    public void Parse_NoRealVideoStream_ThrowsNoVideoStream(string json)
    {
        var ex = Assert.Throws<VideoDecodeException>(() => Parse(json));

        Assert.Equal(VideoDecodeError.NoVideoStream, ex.Error);
        Assert.Contains("no video stream", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\n\n}")]
    [InlineData("")]
    [InlineData("not json at all")]
    public void Parse_NotFfprobeJson_ThrowsNotAVideo(string json)
    {
        var ex = Assert.Throws<VideoDecodeException>(() => Parse(json));

        Assert.Equal(VideoDecodeError.NotAVideo, ex.Error);
    }

    [Fact]
    public void CheckProbe_HugeDeclaredFrames_ThrowsBadDimensions()
    {
        var probe = Parse(HugeY4m);

        var ex = Assert.Throws<VideoDecodeException>(() => VideoDecoder.CheckProbe(probe, VideoDecodeOptions.Default));

        Assert.Equal(VideoDecodeError.BadDimensions, ex.Error);
        Assert.Contains("16000×16000", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProbeFailure_TextFile_SaysNotPlayableWithoutFileName()
    {
        var ex = FfprobeOutput.ProbeFailure(TextFileError);

        Assert.Equal(VideoDecodeError.NotAVideo, ex.Error);
        Assert.Contains("moov atom not found", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Invalid data found when processing input", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("/tmp/vp", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProbeFailure_InvalidPictureSize_ThrowsBadDimensions()
    {
        var ex = FfprobeOutput.ProbeFailure(InvalidSizeError);

        Assert.Equal(VideoDecodeError.BadDimensions, ex.Error);
        Assert.Contains("60000x60000", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("30/1", 30.0)]
    [InlineData("30000/1001", 29.97002997)]
    [InlineData("0/0", null)]
    [InlineData("25", 25.0)]
    [InlineData("x/y", null)]
    [InlineData(null, null)]
    public void Rate_FfprobeRational_ParsesOrNull(string? text, double? expected)
    {
        var rate = FfprobeOutput.Rate(text);

        Assert.Equal(expected.HasValue, rate.HasValue);
        if (expected is { } e)
        {
            Assert.Equal(e, rate!.Value, 6);
        }
    }

    [Fact]
    public void FfmpegArguments_Sampling_SelectsFramesAndReadsLocalFileOnly()
    {
        var probe = Parse(Mp4WithAudio);

        var arguments = VideoDecoder.FfmpegArguments("-weird name.mp4", probe, 128, 128, 30, VideoDecodeOptions.Default);

        Assert.Contains("-noautorotate", arguments);
        Assert.Contains(arguments, a => a.StartsWith("file:/", StringComparison.Ordinal) && a.EndsWith("-weird name.mp4", StringComparison.Ordinal));
        Assert.Contains("select=not(mod(n\\,30)),scale=128:128:flags=area:in_color_matrix=bt601,format=rgb24", arguments);
        Assert.Equal("pipe:1", arguments[^1]);
    }

    [Theory]
    [InlineData("jpeg_pipe")]
    [InlineData("png_pipe")]
    [InlineData("image2")]
    public void Parse_StillImageContainer_ThrowsNotAVideo(string container)
    {
        var json = "{\"streams\":[{\"index\":0,\"codec_type\":\"video\",\"codec_name\":\"mjpeg\",\"width\":200,\"height\":200,\"avg_frame_rate\":\"0/0\",\"r_frame_rate\":\"25/1\"}],\"format\":{\"format_name\":\"" + container + "\"}}";
        var ex = Assert.Throws<VideoDecodeException>(() => FfprobeOutput.Parse(new StringReader(json)));
        Assert.Equal(VideoDecodeError.NotAVideo, ex.Error);
        Assert.Contains("still image", ex.Message, StringComparison.Ordinal);
    }
}
