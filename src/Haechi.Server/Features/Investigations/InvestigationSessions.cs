using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Haechi.Server.Features.Investigations;

/// <summary>
/// Analyses kept in memory (never on disk) for the investigator who ran them, until they expire or
/// the oldest is pushed out. Only the owner gets one back; anyone else gets nothing, as for an unknown id.
/// </summary>
internal sealed class InvestigationSessions(IOptions<InvestigationsOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<Guid, Investigation> _open = new();

    public void Add(Investigation investigation)
    {
        ArgumentNullException.ThrowIfNull(investigation);
        Prune();
        _open[investigation.Id] = investigation;
        while (_open.Count > options.Value.MaxOpen)
        {
            var oldest = _open.Values.MinBy(i => i.At);
            if (oldest is null || !_open.TryRemove(oldest.Id, out _))
            {
                break;
            }
        }
    }

    /// <summary>The owner's open analysis, or null (unknown, expired or someone else's).</summary>
    public Investigation? Get(Guid id, string? userId)
    {
        if (userId is null || !_open.TryGetValue(id, out var investigation))
        {
            return null;
        }

        if (investigation.At.AddMinutes(options.Value.KeepOpenMinutes) < time.GetUtcNow())
        {
            _open.TryRemove(id, out _);
            return null;
        }

        return string.Equals(investigation.UserId, userId, StringComparison.Ordinal) ? investigation : null;
    }

    private void Prune()
    {
        var cutoff = time.GetUtcNow().AddMinutes(-options.Value.KeepOpenMinutes);
        foreach (var (id, investigation) in _open)
        {
            if (investigation.At < cutoff)
            {
                _open.TryRemove(id, out _);
            }
        }
    }
}
