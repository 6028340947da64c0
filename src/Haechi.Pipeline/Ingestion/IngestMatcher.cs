using Haechi.Core.Faces;
using Haechi.Data;
using Haechi.Data.Banks;
using Haechi.Data.Matching;
using Haechi.Pipeline.Matching;

namespace Haechi.Pipeline.Ingestion;

/// <summary>
/// The matcher's lifetime in a running pipeline: one <see cref="BankMatcher"/> (videos included) and
/// the face banks of the embedder's model, loaded on first use and reloaded when older than a minute,
/// so entries added, enrolled or withdrawn meanwhile count. Used by one run loop at a time.
/// </summary>
internal sealed class IngestMatcher(HaechiDbContext db, string dataDirectory, IngestVision vision, TimeProvider time) : IDisposable
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);

    private readonly BankStore _store = new(db, time);
    private readonly SignalIndexLoader _loader = new(dataDirectory, time);
    private BankMatcher? _matcher;
    private IReadOnlyList<FaceBank> _faceBanks = [];
    private long _loadedAt;

    /// <summary>The matcher and face banks, reloaded first when stale.</summary>
    public async Task<(BankMatcher Matcher, IReadOnlyList<FaceBank> FaceBanks)> CurrentAsync(CancellationToken cancellationToken)
    {
        if (_matcher is null || time.GetElapsedTime(_loadedAt) > MaxAge)
        {
            _matcher?.Dispose();
            _matcher = null;
            db.ChangeTracker.Clear();
            _matcher = await BankMatcher.LoadAsync(_store, _loader, withVideo: true, cancellationToken).ConfigureAwait(false);
            _faceBanks = vision.EmbeddingModel is { } model
                ? await _store.LoadFaceBanksAsync(model, null, cancellationToken).ConfigureAwait(false)
                : [];
            _loadedAt = time.GetTimestamp();
        }

        return (_matcher, _faceBanks);
    }

    /// <inheritdoc />
    public void Dispose() => _matcher?.Dispose();
}
