using Haechi.Core.Video;

namespace Haechi.Core.Tests.Video;

public sealed class VpdqSamplingTests
{
    [Theory]
    [InlineData(30.0, null, 1)]
    [InlineData(30.0, 0.0, 1)]
    [InlineData(30.0, 1.0, 30)]
    [InlineData(29.97, 1.0, 29)]
    [InlineData(30.0, 4.0, 7)]
    [InlineData(30.0, 60.0, 1)]
    [InlineData(0.5, 1.0, 1)]
    [InlineData(0.0, 1.0, 1)]
    [InlineData(30.0, double.NaN, 1)]
    public void FrameStep_RateAndFps_TruncatesLikeUpstream(double frameRate, double? fps, int expected) =>
        Assert.Equal(expected, VpdqSampling.FrameStep(frameRate, fps));

    [Theory]
    [InlineData(0, 30.0, 0.0)]
    [InlineData(45, 30.0, 1.5)]
    [InlineData(10, 0.0, 0.0)]
    public void Timestamp_FrameNumber_IsNumberOverRate(int frameNumber, double frameRate, double expected) =>
        Assert.Equal(expected, VpdqSampling.Timestamp(frameNumber, frameRate), 9);
}
