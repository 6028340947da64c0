using Haechi.Core.Review;

namespace Haechi.Core.Tests.Review;

public sealed class ReviewPriorityTests
{
    public static TheoryData<double, double> Scores => new()
    {
        { 0, 0 }, { 0.66, 0 }, { 0.66, 0.5 }, { 1, 1 }, { 0.3, 0.49 }, { 0.99, 0.2 },
    };

    [Theory]
    [MemberData(nameof(Scores))]
    public void Compute_Tiers_NeverOvertakeEachOther(double score, double nudity)
    {
        // The weakest face match on sexual content beats the strongest fingerprint match, which beats
        // the strongest face match on non-sexual content, which beats any unmatched item.
        var faceOnSexual = ReviewPriority.Compute(MatchSignal.Face, 0, ReviewPriority.SexualContent);
        var bestFingerprint = ReviewPriority.Compute(MatchSignal.Pdq, 1, 1);
        var bestFaceNotSexual = ReviewPriority.Compute(MatchSignal.Face, 1, ReviewPriority.SexualContent - 1e-9);
        var bestUnmatched = ReviewPriority.Compute(MatchSignal.None, 1, 1);
        Assert.True(faceOnSexual > bestFingerprint);
        Assert.True(ReviewPriority.Compute(MatchSignal.Pdq, 0, 0) > bestFaceNotSexual);
        Assert.True(ReviewPriority.Compute(MatchSignal.Face, 0, 0) > bestUnmatched);

        var tier = nudity >= ReviewPriority.SexualContent ? (0.75, 1.0) : (0.25, 0.5);
        Assert.InRange(ReviewPriority.Compute(MatchSignal.Face, score, nudity), tier.Item1, tier.Item2);
        foreach (var fingerprint in new[] { MatchSignal.Pdq, MatchSignal.View, MatchSignal.Vpdq })
        {
            Assert.InRange(ReviewPriority.Compute(fingerprint, score, nudity), 0.5, 0.75);
        }

        Assert.InRange(ReviewPriority.Compute(MatchSignal.None, score, nudity), 0, 0.25);
    }

    [Fact]
    public void Compute_WithinTier_HigherScoreOrNudityFirst_OutOfRangeClamped()
    {
        Assert.True(ReviewPriority.Compute(MatchSignal.Pdq, 0.9, 0.1) > ReviewPriority.Compute(MatchSignal.Pdq, 0.8, 0.1));
        Assert.True(ReviewPriority.Compute(MatchSignal.Pdq, 0.8, 0.4) > ReviewPriority.Compute(MatchSignal.Pdq, 0.8, 0.1));
        Assert.True(ReviewPriority.Compute(MatchSignal.None, 0, 0.3) > ReviewPriority.Compute(MatchSignal.None, 0, 0.2));
        Assert.Equal(ReviewPriority.Compute(MatchSignal.Pdq, 1, 1), ReviewPriority.Compute(MatchSignal.Pdq, 7, double.PositiveInfinity));
        Assert.Equal(ReviewPriority.Compute(MatchSignal.Face, 0, 0), ReviewPriority.Compute(MatchSignal.Face, double.NaN, -1));
    }

    [Fact]
    public void Compare_PossibleMinorAbovePriority_PriorityAboveMatchStrength()
    {
        var minor = new ReviewOrderKey(3, PossibleMinor: true, MatchStrength: 0, NudityScore: 0, Priority: 0);
        var faceOnSexual = new ReviewOrderKey(2, false, MatchStrength: 0.7, NudityScore: 0.9, Priority: ReviewPriority.Compute(MatchSignal.Face, 0.7, 0.9));
        var pdq = new ReviewOrderKey(1, false, MatchStrength: 1, NudityScore: 0.9, Priority: ReviewPriority.Compute(MatchSignal.Pdq, 1, 0.9));
        Assert.True(ReviewRules.Compare(minor, faceOnSexual) < 0);
        Assert.True(ReviewRules.Compare(faceOnSexual, pdq) < 0);
        Assert.True(ReviewRules.Compare(pdq, faceOnSexual) > 0);
    }

    [Theory]
    [InlineData(MatchSignal.Pdq, "pdq")]
    [InlineData(MatchSignal.View, "view")]
    [InlineData(MatchSignal.Vpdq, "vpdq")]
    [InlineData(MatchSignal.Face, "face")]
    [InlineData(MatchSignal.Nudity, "nudity")]
    public void Name_Parse_RoundTrip(MatchSignal signal, string name)
    {
        Assert.Equal(name, ReviewPriority.Name(signal));
        Assert.Equal(signal, ReviewPriority.Parse(name));
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(0.9, 1.0)]
    [InlineData(1.0, 0.51)]
    public void Compute_NudityOnly_BelowEveryMatch_OrderedByNudity(double score, double nudity)
    {
        // Unmatched sexual content is queued, but after the weakest match of any signal.
        var queued = ReviewPriority.Compute(MatchSignal.Nudity, score, nudity);
        Assert.InRange(queued, 0, 0.25);
        Assert.Equal(ReviewPriority.Compute(MatchSignal.None, score, nudity), queued);
        foreach (var matched in new[] { MatchSignal.Pdq, MatchSignal.View, MatchSignal.Vpdq, MatchSignal.Face })
        {
            Assert.True(ReviewPriority.Compute(matched, 0, 0) > queued);
        }

        Assert.True(ReviewPriority.Compute(MatchSignal.Nudity, 0, Math.Min(1, nudity + 0.05)) >= queued);
    }
}
