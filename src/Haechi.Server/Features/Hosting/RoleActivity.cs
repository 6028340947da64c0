using System.Collections.Concurrent;

namespace Haechi.Server.Features.Hosting;

/// <summary>A background duty of a role, as the roles page lists it.</summary>
internal enum BackgroundDuty
{
    /// <summary>The ingestion workers (pipeline role).</summary>
    IngestionWorkers = 0,

    /// <summary>The watched-sources scheduler (watchers role).</summary>
    WebWatcher = 1,

    /// <summary>The Telegram poller (watchers role, where Telegram is configured).</summary>
    TelegramPoller = 2,

    /// <summary>The notice loop (notices role).</summary>
    NoticeLoop = 3,
}

/// <summary>What one background duty did last in this process; times by the server's clock, errors as an exception type name (never a message).</summary>
internal sealed record DutyActivity(BackgroundDuty Duty, bool Running, DateTimeOffset? StartedAt, DateTimeOffset? LastPassAt, DateTimeOffset? LastErrorAt, string? LastError, DateTimeOffset? StoppedAt);

/// <summary>
/// Where each background service of this process stands (started, last finished pass, last error,
/// stopped): the services report here, <c>/admin/roles</c> and <c>/api/health</c> read it. In memory
/// only, per process; thread-safe.
/// </summary>
internal sealed class RoleActivity(TimeProvider time)
{
    private readonly ConcurrentDictionary<BackgroundDuty, DutyActivity> _duties = new();

    /// <summary>The role a duty belongs to (<c>pipeline</c>, <c>watchers</c>, <c>notices</c>).</summary>
    public static string RoleOf(BackgroundDuty duty) => duty switch
    {
        BackgroundDuty.IngestionWorkers => "pipeline",
        BackgroundDuty.WebWatcher or BackgroundDuty.TelegramPoller => "watchers",
        _ => "notices",
    };

    /// <summary>The duty started running.</summary>
    public void Started(BackgroundDuty duty) =>
        _duties.AddOrUpdate(duty, static (d, now) => new DutyActivity(d, true, now, null, null, null, null), static (_, old, now) => old with { Running = true, StartedAt = now, StoppedAt = null }, time.GetUtcNow());

    /// <summary>The duty finished one pass (a scheduler pass, a notice-loop pass).</summary>
    public void Passed(BackgroundDuty duty) => Update(duty, static (old, now, _) => old with { LastPassAt = now }, null);

    /// <summary>A pass failed with <paramref name="errorType"/> (an exception type name); the duty goes on.</summary>
    public void Failed(BackgroundDuty duty, string errorType) => Update(duty, static (old, now, error) => old with { LastErrorAt = now, LastError = error }, errorType);

    /// <summary>The duty stopped (the process is stopping, or it ended).</summary>
    public void Stopped(BackgroundDuty duty) => Update(duty, static (old, now, _) => old with { Running = false, StoppedAt = now }, null);

    /// <summary>What each duty that started in this process did, in duty order; a duty never started is absent.</summary>
    public IReadOnlyList<DutyActivity> Snapshot() => [.. _duties.Values.OrderBy(d => d.Duty)];

    /// <summary>The duty's activity, or null when it never started in this process.</summary>
    public DutyActivity? Of(BackgroundDuty duty) => _duties.TryGetValue(duty, out var activity) ? activity : null;

    private void Update(BackgroundDuty duty, Func<DutyActivity, DateTimeOffset, string?, DutyActivity> change, string? error)
    {
        var now = time.GetUtcNow();
        _duties.AddOrUpdate(
            duty,
            static (d, state) => state.Change(new DutyActivity(d, true, null, null, null, null, null), state.Now, state.Error),
            static (_, old, state) => state.Change(old, state.Now, state.Error),
            (Change: change, Now: now, Error: error));
    }
}
