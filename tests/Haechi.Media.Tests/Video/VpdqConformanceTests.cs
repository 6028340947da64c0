using System.Globalization;
using Haechi.Core.Hashing;
using Haechi.Core.Video;
using Haechi.Media.Video;

namespace Haechi.Media.Tests.Video;

/// <summary>
/// vPDQ against Meta's reference hashes in ../shared/testdata/vpdq, with upstream's regression
/// criteria (see its README): same frame count and frame numbers, and for every line where both
/// qualities are at least 50 a distance under 31. Each video's distance distribution is written to
/// the test output.
/// </summary>
public sealed class VpdqConformanceTests(ITestOutputHelper output)
{
    public static TheoryData<string> Samples => [.. VideoTestTools.SampleNames];

    public static TheoryData<string> DownscaledSamples => [.. VideoTestTools.SampleNames.Where(n => n != "test-padded-dimensions")];

    [Theory]
    [MemberData(nameof(Samples))]
    public void Fingerprint_SampleVideo_MatchesReferenceHashes(string name) =>
        AssertConforms(name, name, VideoDecodeOptions.Default);

    [Theory]
    [MemberData(nameof(DownscaledSamples))]
    public void Fingerprint_SampleVideoScaledTo128_MatchesReferenceHashes(string name) =>
        AssertConforms(name, name + "-128x128", VideoDecodeOptions.Default with { ScaleWidth = 128, ScaleHeight = 128 });

    private void AssertConforms(string video, string expectedName, VideoDecodeOptions options)
    {
        VideoTestTools.RequireFfmpeg();
        List<VpdqFrame> expected;
        using (var reader = File.OpenText(VideoTestTools.Expected(expectedName)))
        {
            expected = VpdqFormat.Read(reader);
        }

        var actual = new VideoFingerprinter(options).Fingerprint(VideoTestTools.Video(video), TestContext.Current.CancellationToken).Frames;
        Assert.Equal(expected.Count, actual.Count);

        int compared = 0, max = 0, total = 0, qualityDiffs = 0;
        var failures = new List<string>();
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].FrameNumber, actual[i].FrameNumber);
            Assert.Equal(VpdqFormat.FormatLine(expected[i]).Split(',')[3], VpdqFormat.FormatLine(actual[i]).Split(',')[3]);
            if (expected[i].Quality != actual[i].Quality)
            {
                qualityDiffs++;
            }

            if (expected[i].Quality < 50 || actual[i].Quality < 50)
            {
                continue;
            }

            var distance = Hash256.Distance(expected[i].Hash, actual[i].Hash);
            compared++;
            total += distance;
            max = Math.Max(max, distance);
            if (distance >= 31)
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"frame {expected[i].FrameNumber}: {distance} bits"));
            }
        }

        var mean = compared == 0 ? 0 : (double)total / compared;
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{expectedName}: {actual.Count} frames, {compared} compared, mean distance {mean:F2}, max {max}, {qualityDiffs} quality values differ"));
        Assert.True(compared > 0, "no frame had quality >= 50 on both sides");
        Assert.True(failures.Count == 0, string.Join("; ", failures));
    }
}
