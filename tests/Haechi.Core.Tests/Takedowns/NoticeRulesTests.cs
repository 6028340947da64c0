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

    [Theory]
    [InlineData(HostReply.Unavailable, NoticeStatus.Unavailable)]
    [InlineData(HostReply.Moved, NoticeStatus.Moved)]
    [InlineData(HostReply.NotIllegal, NoticeStatus.NotIllegal)]
    public void HostReplied_StopsTheNotices(HostReply reply, NoticeStatus expected)
    {
        var state = NoticeRules.NoticeSent(new NoticeState(), T0);
        state = NoticeRules.HostReplied(state, reply);
        Assert.Equal(expected, state.Status);
        Assert.False(NoticeRules.AcceptsNotices(state.Status));
        Assert.Equal(NoticeAction.None, NoticeRules.NextAction(state, T0.AddDays(30), Policy));
        Assert.Throws<InvalidOperationException>(() => NoticeRules.NoticeSent(state, T0.AddDays(1)));
    }

    [Theory]
    [InlineData(HostReply.Note)]
    [InlineData(HostReply.RemovedByHost)]
    public void HostReplied_NoteOrRemovedByHost_KeepsTheStatusUntilTheRecheck(HostReply reply)
    {
        var state = NoticeRules.NoticeSent(new NoticeState(), T0);
        Assert.Equal(NoticeStatus.ReferredToHost, NoticeRules.HostReplied(state, reply).Status);
        var escalated = NoticeRules.Escalated(state);
        Assert.Equal(NoticeStatus.ReferredToPolice, NoticeRules.HostReplied(escalated, reply).Status);
    }

    [Fact]
    public void HostReplied_OnRemovedContent_Refused()
    {
        var removed = NoticeRules.Rechecked(NoticeRules.NoticeSent(new NoticeState(), T0), RecheckOutcome.Gone, T0.AddHours(1));
        Assert.Throws<InvalidOperationException>(() => NoticeRules.HostReplied(removed, HostReply.Moved));
        Assert.Throws<InvalidOperationException>(() => NoticeRules.HostReplied(removed, HostReply.NotIllegal));
        Assert.Throws<InvalidOperationException>(() => NoticeRules.HostReplied(removed, HostReply.Unavailable));
    }

    [Fact]
    public void Unavailable_IsRecheckedNotNoticed_GoneBecomesRemoved_StillThereStays()
    {
        var state = NoticeRules.HostReplied(NoticeRules.NoticeSent(new NoticeState(), T0), HostReply.Unavailable);
        Assert.True(NoticeRules.IsRechecked(state.Status));
        Assert.Equal(NoticeStatus.Unavailable, NoticeRules.Rechecked(state, RecheckOutcome.StillThere, T0.AddHours(2)).Status);
        var gone = NoticeRules.Rechecked(state, RecheckOutcome.Gone, T0.AddHours(3));
        Assert.Equal(NoticeStatus.Removed, gone.Status);
        Assert.Equal(TimeSpan.FromHours(3), NoticeRules.TimeToRemoval(gone));
        Assert.False(NoticeRules.IsRechecked(NoticeStatus.NotIllegal));
        Assert.False(NoticeRules.IsRechecked(NoticeStatus.Moved));
        Assert.False(NoticeRules.IsRechecked(NoticeStatus.Removed));
    }

    [Fact]
    public void Disputed_NotIllegal_GoesBackToTheHost_OtherStatusesRefused()
    {
        var state = NoticeRules.HostReplied(NoticeRules.NoticeSent(new NoticeState(), T0), HostReply.NotIllegal);
        var disputed = NoticeRules.Disputed(state);
        Assert.Equal(NoticeStatus.ReferredToHost, disputed.Status);
        Assert.Equal(NoticeAction.RecheckAndRenotify, NoticeRules.NextAction(disputed, T0.AddHours(24), Policy));
        Assert.Throws<InvalidOperationException>(() => NoticeRules.Disputed(disputed));
        Assert.False(NoticeRules.CanMove(NoticeStatus.Moved, NoticeStatus.ReferredToHost));
    }

    [Fact]
    public void PoliceReferral_OpenAcceptedClosed_NoWayBack()
    {
        Assert.True(PoliceReferralRules.CanMove(PoliceReferralStatus.Open, PoliceReferralStatus.Accepted));
        Assert.True(PoliceReferralRules.CanMove(PoliceReferralStatus.Open, PoliceReferralStatus.Closed));
        Assert.True(PoliceReferralRules.CanMove(PoliceReferralStatus.Accepted, PoliceReferralStatus.Closed));
        Assert.False(PoliceReferralRules.CanMove(PoliceReferralStatus.Closed, PoliceReferralStatus.Open));
        Assert.False(PoliceReferralRules.CanMove(PoliceReferralStatus.Accepted, PoliceReferralStatus.Open));
        Assert.False(PoliceReferralRules.CanMove(PoliceReferralStatus.Open, PoliceReferralStatus.Open));
    }
}
