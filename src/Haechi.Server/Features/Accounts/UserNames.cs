using Haechi.Data;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Server.Features.Accounts;

/// <summary>
/// Names for the user ids that records and the audit log keep (the id stays in the record; pages,
/// histories and evidence packages show the name). An actor <c>user:&lt;id&gt;</c> reads as the
/// user's name; <c>system:…</c> actors and unknown ids read as they are.
/// </summary>
internal sealed class UserNames(HaechiDbContext db)
{
    private const string UserPrefix = "user:";

    /// <summary>The names of <paramref name="idsOrActors"/> (user ids or <c>user:&lt;id&gt;</c> actors), keyed by user id.</summary>
    public async Task<IReadOnlyDictionary<string, string>> LookUpAsync(IEnumerable<string?> idsOrActors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(idsOrActors);
        var ids = idsOrActors.OfType<string>().Select(Id).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0)
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }

        var rows = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).Select(u => new { u.Id, u.UserName }).ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.Where(r => r.UserName is not null).ToDictionary(r => r.Id, r => r.UserName!, StringComparer.Ordinal);
    }

    /// <summary>How <paramref name="idOrActor"/> reads: the user's name when known, else the value itself.</summary>
    public static string Display(string? idOrActor, IReadOnlyDictionary<string, string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (idOrActor is null)
        {
            return "–";
        }

        return names.TryGetValue(Id(idOrActor), out var name) ? name : idOrActor;
    }

    private static string Id(string idOrActor) => idOrActor.StartsWith(UserPrefix, StringComparison.Ordinal) ? idOrActor[UserPrefix.Length..] : idOrActor;
}
