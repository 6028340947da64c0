using Haechi.Server.Features.Ingestion;
using Haechi.Server.Features.Takedowns;
using Haechi.Server.Features.Telegram;

namespace Haechi.Server.Features.Hosting;

/// <summary>
/// What this process runs, resolved once at start from <see cref="RolesOptions"/> and the old keys:
/// <list type="table">
/// <item><term>web</term><description><c>Roles:Web</c> (default true): pages and API; off, only <c>/api/health</c> answers.</description></item>
/// <item><term>pipeline</term><description><c>Roles:Pipeline</c>, else <c>Ingestion:Worker</c>, else on: the ingestion workers.</description></item>
/// <item><term>watchers</term><description><c>Roles:Watchers</c>, else <c>Ingestion:WebWatcher</c>, else on: the web-source scheduler;
/// <c>Roles:Watchers</c> not false and <c>Telegram:Enabled</c> (default false): the Telegram poller.</description></item>
/// <item><term>notices</term><description><c>Roles:Notices</c>, else <c>Takedowns:LoopEnabled</c>, else on: the notice loop.</description></item>
/// </list>
/// Every role is on when nothing is set (one all-in-one process: a source added on <c>/admin/sources</c>
/// is watched, its media ingested and its notices sent without another setting).
/// The store's start-up, the matcher's index refresher and the report writer run in every process.
/// </summary>
internal sealed record HostRoles(bool Web, bool Pipeline, bool WebSources, bool Telegram, bool Notices)
{
    /// <summary>The watchers role: the web-source scheduler or the Telegram poller runs here.</summary>
    public bool Watchers => WebSources || Telegram;

    /// <summary>The roles on, in a fixed order (<c>web</c>, <c>pipeline</c>, <c>watchers</c>, <c>notices</c>).</summary>
    public IReadOnlyList<string> Names
    {
        get
        {
            var names = new List<string>(4);
            if (Web)
            {
                names.Add("web");
            }

            if (Pipeline)
            {
                names.Add("pipeline");
            }

            if (Watchers)
            {
                names.Add("watchers");
            }

            if (Notices)
            {
                names.Add("notices");
            }

            return names;
        }
    }

    /// <summary>Resolves the roles: <c>Roles</c> wins when set, else the old key, else on.</summary>
    public static HostRoles Resolve(RolesOptions roles, IngestionServerOptions ingestion, TelegramOptions telegram, TakedownsOptions takedowns)
    {
        ArgumentNullException.ThrowIfNull(roles);
        ArgumentNullException.ThrowIfNull(ingestion);
        ArgumentNullException.ThrowIfNull(telegram);
        ArgumentNullException.ThrowIfNull(takedowns);
        return new HostRoles(
            Web: roles.Web,
            Pipeline: roles.Pipeline ?? ingestion.Worker ?? true,
            WebSources: roles.Watchers ?? ingestion.WebWatcher ?? true,
            Telegram: (roles.Watchers ?? true) && telegram.Enabled,
            Notices: roles.Notices ?? takedowns.LoopEnabled ?? true);
    }
}
