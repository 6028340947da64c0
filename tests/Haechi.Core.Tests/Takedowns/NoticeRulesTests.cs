using Haechi.Core.Takedowns;

namespace Haechi.Core.Tests.Takedowns;

public sealed class NoticeRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private static readonly NoticePolicy Policy = new() { RenotifyInterval = TimeSpan.FromHours(24), EscalateAfterNotices = 3 };

    [Fact]
    public void NoticeSent_FirstAndRepeated_CountsAndKeepsTheFirstTime()
    {
        var state = NoticeRules.NoticeSent(new NoticeState(), T0);
        state = NoticeRules.NoticeSent(state, T0.AddHours(24));
        Assert.Equal(NoticeStatus.ReferredToHost, state.Status);
        Assert.Equal(2, state.NoticesSent);
        Assert.Equal(T0, state.FirstNoticeAt);
        Assert.Equal(T0.AddHours(24), state.LastNoticeAt);
    }

    [Fact]
    public void NextAction_BeforeAndAfterTheInterval_WaitsThenRenotifies()
    {
        var state = NoticeRules.NoticeSent(new NoticeState(), T0);
        Assert.Equal(NoticeAction.None, NoticeRules.NextAction(state, T0.AddHours(23.9), Policy));
        Assert.Equal(NoticeAction.RecheckAndRenotify, NoticeRules.NextAction(state, T0.AddHours(24), Policy));
        Assert.Equal(NoticeAction.None, NoticeRules.NextAction(new NoticeState(), T0.AddDays(9), Policy)); // an analyst sends the first
    }

    [Fact]
    public void NextAction_AfterNNotices_EscalatesToPolice_ThenKeepsRenotifying()
    {
        var state = new NoticeState();
        for (var i = 0; i < 3; i++)
        {
            state = NoticeRules.NoticeSent(state, T0.AddDays(i));
        }

        Assert.Equal(NoticeAction.RecheckAndEscalate, NoticeRules.NextAction(state, T0.AddDays(3), Policy));
        state = NoticeRules.Escalated(state);
        Assert.Equal(NoticeStatus.ReferredToPolice, state.Status);
        state = NoticeRules.NoticeSent(state, T0.AddDays(3));
        Assert.Equal(NoticeStatus.ReferredToPolice, state.Status);
        Assert.Equal(NoticeAction.RecheckAndRenotify, NoticeRules.NextAction(state, T0.AddDays(4), Policy));
    }

    [Theory]
    [InlineData(RecheckOutcome.Gone, NoticeStatus.Removed)]
    [InlineData(RecheckOutcome.Changed, NoticeStatus.Removed)]
    [InlineData(RecheckOutcome.StillThere, NoticeStatus.ReferredToHost)]
    public void Rechecked_Outcome_SetsStatusAndTimeToRemoval(RecheckOutcome outcome, NoticeStatus expected)
    {
        var state = NoticeRules.NoticeSent(new NoticeState(), T0);
        state = NoticeRules.Rechecked(state, outcome, T0.AddHours(30));
        Assert.Equal(expected, state.Status);
        Assert.Equal(1, state.Rechecks);
        Assert.Equal(expected == NoticeStatus.Removed ? TimeSpan.FromHours(30) : null, NoticeRules.TimeToRemoval(state));
        Assert.Equal(NoticeAction.None, NoticeRules.NextAction(state with { LastNoticeAt = expected == NoticeStatus.Removed ? T0 : T0.AddHours(30) }, T0.AddHours(31), Policy));
    }

    [Theory]
    [InlineData(NoticeStatus.Removed)]
    [InlineData(NoticeStatus.NotIllegal)]
    [InlineData(NoticeStatus.Moved)]
    public void NoticeSent_FinalStatus_Refused(NoticeStatus final)
    {
        Assert.True(NoticeRules.IsFinal(final));
        Assert.Throws<InvalidOperationException>(() => NoticeRules.NoticeSent(new NoticeState { Status = final }, T0));
        Assert.Equal(final, NoticeRules.Rechecked(new NoticeState { Status = final }, RecheckOutcome.Gone, T0).Status);
    }

    [Fact]
    public void CanMove_NewToRemoved_RefusedWithoutANotice()
    {
        Assert.False(NoticeRules.CanMove(NoticeStatus.New, NoticeStatus.Removed));
        Assert.True(NoticeRules.CanMove(NoticeStatus.New, NoticeStatus.NotIllegal));
        Assert.True(NoticeRules.CanMove(NoticeStatus.ReferredToHost, NoticeStatus.ReferredToPolice));
        Assert.False(NoticeRules.CanMove(NoticeStatus.ReferredToPolice, NoticeStatus.ReferredToHost));
        Assert.Throws<InvalidOperationException>(() => NoticeRules.Rechecked(new NoticeState(), RecheckOutcome.Gone, T0));
    }
}
