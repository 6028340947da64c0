using Haechi.Core.Video;

namespace Haechi.Media.Tests.Video;

/// <summary>
/// The vPDQ comparison on Meta's reference hash files, against the percentages in
/// ../shared/testdata/vpdq/README.md: the two chair cuts match, the pattern clips with bars or a
/// large logo do not match the plain one, and unrelated videos share nothing.
/// </summary>
public sealed class VpdqReferenceComparisonTests
{
    private static List<VpdqFrame> Expected(string name)
    {
        using var reader = File.OpenText(VideoTestTools.Expected(name));
        return VpdqFormat.Read(reader);
    }

    [Theory]
    [InlineData("chair-19-sd-bar", "chair-22-sd-grey-bar", 100.0, 85.7, true)]
    [InlineData("pattern-sd-grey-bar", "pattern-sd-with-large-logo-bar", 1.0, 1.0, false)]
    [InlineData("pattern-hd-no-bar", "pattern-sd-grey-bar", 0.0, 0.0, false)]
    [InlineData("chair-19-sd-bar", "pattern-hd-no-bar", 0.0, 0.0, false)]
    [InlineData("chair-22-sd-grey-bar", "doorknob-hd-no-bar", 0.0, 0.0, false)]
    [InlineData("chair-19-sd-bar", "test-padded-dimensions", 0.0, 0.0, false)]
    public void Compare_ReferenceHashes_GivesUpstreamPercentages(string query, string compared, double queryPercent, double comparedPercent, bool match)
    {
        var result = VpdqComparer.Compare(Expected(query).ToArray(), Expected(compared).ToArray());

        Assert.Equal(queryPercent, result.QueryMatchPercent, 0.05);
        Assert.Equal(comparedPercent, result.ComparedMatchPercent, 0.05);
        Assert.Equal(match, result.IsMatch());
    }

    [Fact]
    public void Compare_ReferenceHashesWithUpstreamCppThreshold_SamePercentages()
    {
        var cpp = VpdqMatchOptions.Default with { MaxDistance = 30 };
        var result = VpdqComparer.Compare(Expected("chair-19-sd-bar").ToArray(), Expected("chair-22-sd-grey-bar").ToArray(), cpp);

        Assert.Equal(100.0, result.QueryMatchPercent, 0.05);
        Assert.Equal(85.7, result.ComparedMatchPercent, 0.05);
    }
}
