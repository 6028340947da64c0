using Haechi.Core.Reports;
using Haechi.Core.Review;

namespace Haechi.Core.Tests.Reports;

public sealed class ReceiptProgressTests
{
    private static readonly DateTimeOffset Received = new(2026, 12, 7, 15, 30, 0, TimeSpan.Zero);

    private static ReportItemProgress Open(bool found = false, int minutes = 1) =>
        new(ReviewStatus.Open, null, null, Received.AddMinutes(minutes), found);

    private static ReportItemProgress Decided(ReviewDecision decision, int minutes, bool found = false) =>
        new(ReviewStatus.Decided, decision, Received.AddMinutes(minutes), Received, found);

    [Fact]
    public void NothingDecided_NothingFound_Received_SinceItArrived()
    {
        Assert.Equal(new ReceiptProgress(ReceiptState.Received, Received), ReceiptProgress.Of(Received, [Open()]));
        Assert.Equal(new ReceiptProgress(ReceiptState.Received, Received), ReceiptProgress.Of(Received, []));
    }

    [Fact]
    public void ContentFoundAtItsLinks_UnderReview_SinceFound()
    {
        Assert.Equal(new ReceiptProgress(ReceiptState.UnderReview, Received.AddMinutes(5)), ReceiptProgress.Of(Received, [Open(), Open(found: true, minutes: 9), Open(found: true, minutes: 5)]));
    }

    [Theory]
    [InlineData(ReviewDecision.NotAbuse)]
    [InlineData(ReviewDecision.Duplicate)]
    public void DecidedWithoutAction_UnderReview_TheDecisionIsNotTold(ReviewDecision decision)
    {
        Assert.Equal(new ReceiptProgress(ReceiptState.UnderReview, Received.AddMinutes(30)), ReceiptProgress.Of(Received, [Decided(decision, 30)]));
    }

    [Theory]
    [InlineData(ReviewDecision.Confirm)]
    [InlineData(ReviewDecision.NeedsPolice)]
    public void ConfirmedOrPassedToPolice_ActionTaken_SinceTheFirstAction(ReviewDecision decision)
    {
        var items = new[] { Decided(ReviewDecision.NotAbuse, 10), Decided(decision, 60, found: true), Decided(ReviewDecision.Confirm, 90) };
        Assert.Equal(new ReceiptProgress(ReceiptState.ActionTaken, Received.AddMinutes(60)), ReceiptProgress.Of(Received, items));
    }

    [Fact]
    public void NoticeSent_ActionTaken_SinceTheNotice()
    {
        var noticed = Open(found: true, minutes: 5) with { NoticeSentAt = Received.AddHours(2) };
        Assert.Equal(new ReceiptProgress(ReceiptState.ActionTaken, Received.AddHours(2)), ReceiptProgress.Of(Received, [Open(), noticed]));
    }

    [Fact]
    public void ClassifiedAsContentDecidedBefore_CountsByItsDecision()
    {
        var classified = new ReportItemProgress(ReviewStatus.AutoClassified, ReviewDecision.Confirm, null, Received.AddMinutes(1), FoundAtLink: true);
        Assert.Equal(new ReceiptProgress(ReceiptState.ActionTaken, Received.AddMinutes(1)), ReceiptProgress.Of(Received, [classified]));
    }
}
