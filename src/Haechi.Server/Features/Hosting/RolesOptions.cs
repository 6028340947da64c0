namespace Haechi.Server.Features.Hosting;

/// <summary>
/// The <c>Roles</c> section: the duties this process performs, so one binary runs all-in-one or split
/// into a web instance and worker instances on one store (HMA roles). Every role is on by default. A
/// role left unset falls back to the old key that switched its worker before, when that is set (see
/// <see cref="HostRoles"/>): <c>Roles</c> wins when set, else the old key, else on.
/// </summary>
internal sealed class RolesOptions
{
    public const string Section = "Roles";

    /// <summary>The pages and the API. False: a worker process that serves only <c>/api/health</c>.</summary>
    public bool Web { get; set; } = true;

    /// <summary>The ingestion pipeline's workers. Unset: <c>Ingestion:Worker</c>, else on.</summary>
    public bool? Pipeline { get; set; }

    /// <summary>
    /// The watchers: the web-source scheduler and, where Telegram is configured (<c>Telegram:Enabled</c>
    /// with a token), the Telegram poller. Unset: the scheduler follows <c>Ingestion:WebWatcher</c>,
    /// else on, and the poller <c>Telegram:Enabled</c> (default false).
    /// </summary>
    public bool? Watchers { get; set; }

    /// <summary>The notice loop: deliveries, re-checks, re-notices, escalations. Unset: <c>Takedowns:LoopEnabled</c>, else on.</summary>
    public bool? Notices { get; set; }
}
