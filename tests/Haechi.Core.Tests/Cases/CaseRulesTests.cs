using Haechi.Core.Cases;

namespace Haechi.Core.Tests.Cases;

public sealed class CaseRulesTests
{
    [Theory]
    [InlineData(CaseStatus.Registered, CaseStatus.MatchFound, true)]
    [InlineData(CaseStatus.MatchFound, CaseStatus.NoticeSent, true)]
    [InlineData(CaseStatus.NoticeSent, CaseStatus.Removed, true)]
    [InlineData(CaseStatus.Removed, CaseStatus.MatchFound, true)]
    [InlineData(CaseStatus.Registered, CaseStatus.Withdrawn, true)]
    [InlineData(CaseStatus.Removed, CaseStatus.Withdrawn, true)]
    [InlineData(CaseStatus.Registered, CaseStatus.Removed, false)]
    [InlineData(CaseStatus.Withdrawn, CaseStatus.Registered, false)]
    [InlineData(CaseStatus.Withdrawn, CaseStatus.Withdrawn, false)]
    public void CanTransition_Pair_FollowsStateMachine(CaseStatus from, CaseStatus to, bool allowed) =>
        Assert.Equal(allowed, CaseStateRules.CanTransition(from, to));

    [Fact]
    public void AcceptsSignals_Withdrawn_False()
    {
        Assert.False(CaseStateRules.AcceptsSignals(CaseStatus.Withdrawn));
        Assert.True(CaseStateRules.AcceptsSignals(CaseStatus.Registered));
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(4, 0)]
    [InlineData(5, 1)]
    [InlineData(6, 2)]
    [InlineData(8, 8)]
    [InlineData(100, 24 * 60)]
    public void LockoutAfter_FailedAttempts_DoublesFromOneMinuteUpToADay(int failures, int minutes) =>
        Assert.Equal(TimeSpan.FromMinutes(minutes), CasePin.LockoutAfter(failures));

    [Theory]
    [InlineData("12345678", true)]
    [InlineData("1234567", false)]
    [InlineData("123456789", false)]
    [InlineData("1234567a", false)]
    [InlineData("１２３４５６７８", false)]
    [InlineData(null, false)]
    public void IsWellFormed_Input_AcceptsEightAsciiDigits(string? pin, bool expected) =>
        Assert.Equal(expected, CasePin.IsWellFormed(pin));
}
