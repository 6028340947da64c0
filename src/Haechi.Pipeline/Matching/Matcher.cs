using System.Globalization;
using Haechi.Core.Faces;
using Haechi.Core.Hashing.Pdq;
using Haechi.Core.Matching;
using Haechi.Core.Robust;
using Haechi.Core.Robust.Local;
using Haechi.Core.Signals;
using Haechi.Core.Video;
using Haechi.Data;
using Haechi.Data.Banks;
using Haechi.Data.Matching;
using Haechi.Data.Sealing;
using Haechi.Media.Images;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Haechi.Pipeline.Matching;

/// <summary>
/// The one matcher: every caller (report screenshots, ingestion, <c>haechi match</c>, <c>scan</c>,
/// <c>watch</c>, forensic source search, video reports) matches content through it, so the same
/// content gets the same answer everywhere. It owns one index host per signal type (PDQ, PDQ views,
/// local features, vPDQ frames, faces), loads them once, and keeps them current by applying the
/// bank change log (<see cref="RefreshAsync"/>, called after a local write and by
/// <see cref="IndexRefresher"/> in long-running hosts), so changes made by another process are seen
/// without a restart. Searches run on any thread; store reads are serialised on one context.
/// </summary>
public sealed partial class Matcher : IAsyncDisposable
{
    /// <summary>Changes read per refresh round.</summary>
    public const int ChangeBatch = 5000;

    private readonly DatabaseLocation _location;
    private readonly ContentSealer? _sealer;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly HammingIndexHost _pdq;
    private readonly HammingIndexHost _frames;
    private readonly ViewIndexHost _views = new();
    private readonly LocalFeatureIndexHost _local = new();
    private readonly FaceIndexHost _faces = new();
    private readonly IIndexHost[] _hosts;
    private HaechiDbContext? _db;
    private BankSignalReader? _reader;
    private volatile bool _loaded;
    private long _storeChange;
    private long _refreshedAtTicks;

    /// <summary>Creates a matcher over the store at <paramref name="location"/> (snapshots in its data directory).</summary>
    /// <param name="location">The store.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">The log.</param>
    /// <param name="sealer">Opens sealed face embeddings as the face index loads (<see cref="FaceEmbeddingSeal"/>); null when the store holds none.</param>
    public Matcher(DatabaseLocation location, TimeProvider? time = null, ILogger<Matcher>? logger = null, ContentSealer? sealer = null)
    {
        ArgumentNullException.ThrowIfNull(location);
        _location = location;
        _sealer = sealer;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        var loader = new SignalIndexLoader(location.DataDirectory, _time);
        _pdq = new HammingIndexHost(SignalType.Pdq, loader);
        _frames = new HammingIndexHost(SignalType.Vpdq, loader);
        _hosts = [_pdq, _views, _local, _frames, _faces];
    }

    /// <summary>The PDQ index host (searches only).</summary>
    public HammingIndexHost Pdq => _pdq;

    /// <summary>The vPDQ frame index host (searches only).</summary>
    public HammingIndexHost VideoFrames => _frames;

    /// <summary>The PDQ-view index host (searches only).</summary>
    public ViewIndexHost Views => _views;

    /// <summary>The local-feature index host (searches only).</summary>
    public LocalFeatureIndexHost LocalFeatures => _local;

    /// <summary>Whether every index is loaded.</summary>
    public bool IsLoaded => _loaded;

    /// <summary>PDQ entries indexed.</summary>
    public int PdqCount => _pdq.Count;

    /// <summary>Where the PDQ index came from at load (a snapshot, caught up, or rebuilt).</summary>
    public string PdqSource => _pdq.Status.Source;

    /// <summary>Entries with local features (0: queries need no keypoints).</summary>
    public int LocalImageCount => _local.Count;

    /// <summary>
    /// The view families queries are fingerprinted with: every query view when any entry keeps views,
    /// plus keypoints when any entry keeps local features. Fingerprint with
    /// <see cref="QueryParts"/> and <see cref="ImageFingerprinter.QueryViews"/> set to this.
    /// </summary>
    public RobustFamilies QueryFamilies => (_views.Count > 0 ? RobustFamilies.PdqViews : RobustFamilies.None) | (_local.Count > 0 ? RobustFamilies.Local : RobustFamilies.None);

    /// <summary>The fingerprint parts a query needs: dihedral PDQ always, views and keypoints when entries keep them.</summary>
    public FingerprintParts QueryParts => FingerprintParts.Dihedral
        | (_views.Count > 0 ? FingerprintParts.RobustViews : FingerprintParts.Pdq)
        | (_local.Count > 0 ? FingerprintParts.LocalFeatures : FingerprintParts.Pdq);

    /// <summary>A fingerprinter that computes what <see cref="MatchImageAsync"/> needs from one decode.</summary>
    public ImageFingerprinter Fingerprinter(ImageDecodeOptions? options = null) => new(options) { QueryViews = QueryFamilies == RobustFamilies.None ? RobustFamilies.PdqViews : QueryFamilies };

    /// <summary>The enrolled faces of <paramref name="embeddingModel"/> (null: every model), one bank each.</summary>
    public IReadOnlyList<FaceBank> FaceBanks(string? embeddingModel) => _faces.Banks(embeddingModel);

    /// <summary>Status for health checks and <c>ingest status</c>.</summary>
    public MatcherStatus Status
    {
        get
        {
            var statuses = new IndexHostStatus[_hosts.Length];
            for (var i = 0; i < _hosts.Length; i++)
            {
                statuses[i] = _hosts[i].Status;
            }

            var ticks = Volatile.Read(ref _refreshedAtTicks);
            return new MatcherStatus(_loaded, Volatile.Read(ref _storeChange), ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero), statuses);
        }
    }

    /// <summary>Loads every index once (snapshots caught up, or rebuilt from the rows); later calls return at once.</summary>
    public async Task EnsureLoadedAsync(CancellationToken cancellationToken)
    {
        if (_loaded)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_loaded)
            {
                return;
            }

            var started = _time.GetTimestamp();
            var reader = await ReaderAsync(cancellationToken).ConfigureAwait(false);
            foreach (var host in _hosts)
            {
                await host.LoadAsync(reader, cancellationToken).ConfigureAwait(false);
            }

            _loaded = true;
            await CatchUpAsync(reader, cancellationToken).ConfigureAwait(false);
            var elapsedMs = (long)_time.GetElapsedTime(started).TotalMilliseconds;
            var (pdq, views, local, frames, faces) = (_pdq.Count, _views.Count, _local.Count, _frames.Count, _faces.Count);
            LogLoaded(_logger, pdq, views, local, frames, faces, PdqSource, elapsedMs);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Applies the bank changes committed since the last refresh to every index (loading them first
    /// when needed); returns the number of changes read. A writer in this process calls it after its
    /// commit so its change is matchable at once; <see cref="IndexRefresher"/> calls it every second.
    /// </summary>
    public async Task<int> RefreshAsync(CancellationToken cancellationToken)
    {
        if (!_loaded)
        {
            await EnsureLoadedAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var reader = await ReaderAsync(cancellationToken).ConfigureAwait(false);
            return await CatchUpAsync(reader, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// After an erasure (a victim's withdrawal) has committed: applies it to every index, then drops
    /// the erased entries from the PDQ and vPDQ indexes' memory and rewrites their snapshots on disk,
    /// so the data directory holds none of them (the view, keypoint and face indexes keep no snapshot).
    /// Seconds for ten million entries; matching goes on meanwhile, without the erased entries from the start.
    /// </summary>
    public async Task EraseFromSnapshotsAsync(CancellationToken cancellationToken)
    {
        await RefreshAsync(cancellationToken).ConfigureAwait(false);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _pdq.CompactAndSnapshotAsync(cancellationToken).ConfigureAwait(false);
            await _frames.CompactAndSnapshotAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Matches one image through every image index: PDQ with its dihedral transforms, the PDQ views
    /// banks keep (crops, borders, screenshots, captions), local features; one match per entry,
    /// through the plainest signal that found it, closest first. PDQ-family signals need the query's
    /// quality at least <see cref="MatchFilter.MinQuality"/>. Fingerprint the image with
    /// <see cref="Fingerprinter"/> and <see cref="QueryParts"/> so that every index can be searched.
    /// </summary>
    public async Task<IReadOnlyList<ImageBankMatch>> MatchImageAsync(ImageFingerprint fingerprint, MatchFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        ArgumentNullException.ThrowIfNull(filter);
        await EnsureLoadedAsync(cancellationToken).ConfigureAwait(false);
        var best = new Dictionary<long, (SignalType Type, int Distance, double Strength, string MatchedBy, string Transform, double Threshold, LocalMatch? Local)>();
        if (fingerprint.Quality >= filter.MinQuality)
        {
            var found = new List<DihedralMatch>();
            _pdq.SearchDihedral(fingerprint.Dihedral ?? [fingerprint.Pdq], filter.Radius, found);
            foreach (var match in found)
            {
                best[match.Id] = (SignalType.Pdq, match.Distance, SignalType.Pdq.Strength(match.Distance, filter.Radius), match.QueryIndex == 0 ? "pdq" : "dihedral", ((DihedralTransform)match.QueryIndex).ToName(), filter.Radius, null);
            }

            // Views kept by banks (victims' crops, banks created with extra signals): an entry found only this way is reported through them.
            if (fingerprint.Views is { Count: > 0 } views && _views.Count > 0)
            {
                foreach (var match in _views.Search([.. views]))
                {
                    if (!best.ContainsKey(match.ImageId))
                    {
                        var view = match.Signal == RobustSignal.Partial || match.Signal == RobustSignal.Canonical ? match.QueryView : match.RegisteredView;
                        var radius = RobustIndex.RadiusOf(match.Signal);
                        var strength = SignalType.PdqView.Strength(match.Distance, radius);
                        best[match.ImageId] = (SignalType.PdqView, match.Distance, strength, match.Signal.Name(), view == ViewKind.Whole ? match.RegisteredView.Name() : view.Name(), radius, null);
                    }
                }
            }
        }

        // Local features: keypoints confirmed by geometry, for copies no PDQ view finds (off-centre crops, large occluders).
        if (fingerprint.Local is { } local && _local.Count > 0)
        {
            foreach (var match in _local.Search(local))
            {
                if (!best.ContainsKey(match.ImageId))
                {
                    best[match.ImageId] = (SignalType.Local, filter.Radius, SignalType.Local.Strength(match.Log10Nfa), "local", string.Create(CultureInfo.InvariantCulture, $"inliers={match.Inliers};log10nfa={match.Log10Nfa:0.0}"), SignalType.Local.DefaultThreshold, match);
                }
            }
        }

        var matches = new List<ImageBankMatch>();
        if (best.Count > 0)
        {
            var entries = await ReadAsync((reader, ct) => reader.GetActiveEntriesAsync(best.Keys, ct), cancellationToken).ConfigureAwait(false);
            foreach (var (id, match) in best)
            {
                // Entries withdrawn since the index was refreshed are absent from the lookup.
                if (entries.TryGetValue(id, out var entry) && (match.Type == SignalType.Local || entry.Quality >= filter.MinQuality) && (filter.Banks is null || filter.Banks.Contains(entry.Bank)))
                {
                    matches.Add(new ImageBankMatch(entry, match.Type, match.Distance, match.Strength, match.MatchedBy, match.Transform, match.Threshold, match.Local));
                }
            }
        }

        matches.Sort(static (a, b) => a.Distance != b.Distance ? a.Distance.CompareTo(b.Distance) : a.Entry.Id.CompareTo(b.Entry.Id));
        return matches;
    }

    /// <summary>Matches one video's frames: the frame index narrows the candidates, the vPDQ comparison on stored frames decides; strongest first.</summary>
    public async Task<IReadOnlyList<VideoBankMatch>> MatchVideoAsync(IReadOnlyList<VpdqFrame> frames, MatchFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(filter);
        await EnsureLoadedAsync(cancellationToken).ConfigureAwait(false);
        var options = filter.Video;
        var query = frames.ToArray();
        var candidates = new HashSet<long>();
        var found = new List<HammingMatch>();
        foreach (var frame in query)
        {
            if (frame.Quality < options.MinQuality)
            {
                continue;
            }

            found.Clear();
            _frames.Search(frame.Hash, options.MaxDistance, found);
            foreach (var match in found)
            {
                candidates.Add(match.Id);
            }
        }

        var matches = new List<VideoBankMatch>();
        if (candidates.Count == 0)
        {
            return matches;
        }

        var (entries, stored) = await ReadAsync(
            async (reader, ct) => (await reader.GetActiveEntriesAsync(candidates, ct).ConfigureAwait(false), await reader.GetFramesAsync(candidates, ct).ConfigureAwait(false)),
            cancellationToken).ConfigureAwait(false);
        foreach (var id in candidates.Order())
        {
            if (!entries.TryGetValue(id, out var entry) || !stored.TryGetValue(id, out var storedFrames) || (filter.Banks is not null && !filter.Banks.Contains(entry.Bank)))
            {
                continue;
            }

            var comparison = VpdqComparer.Compare(query, storedFrames.ToArray(), options);
            if (comparison.IsMatch(options))
            {
                matches.Add(new VideoBankMatch(entry, comparison, SignalType.Vpdq.Strength(comparison.QueryMatchPercent, options.QueryMatchPercent)));
            }
        }

        matches.Sort(static (a, b) => b.Comparison.QueryMatchPercent.CompareTo(a.Comparison.QueryMatchPercent));
        return matches;
    }

    /// <summary>Resolves bank names to a filter set; unknown names throw <see cref="BankStoreException"/>. No names: null (every bank).</summary>
    public async Task<HashSet<string>?> ResolveBanksAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count == 0)
        {
            return null;
        }

        await ReadAsync(
            async (reader, ct) =>
            {
                var store = new BankStore(reader.Context, _time, _sealer);
                foreach (var name in names)
                {
                    await store.GetBankAsync(name, ct).ConfigureAwait(false);
                }

                return true;
            },
            cancellationToken).ConfigureAwait(false);
        return new HashSet<string>(names, StringComparer.Ordinal);
    }

    /// <summary>Deletes the bank changes committed before <paramref name="before"/> (see <see cref="BankChangeLog"/>); returns the rows deleted.</summary>
    public Task<int> PruneChangeLogAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        ReadAsync((reader, ct) => BankChangeLog.PruneAsync(reader.Context, before, ct), cancellationToken);

    /// <summary>Active entries in <paramref name="banks"/> (what a search filtered to them covers).</summary>
    public Task<long> CountActiveEntriesAsync(IReadOnlySet<string> banks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(banks);
        return ReadAsync((reader, ct) => reader.CountActiveAsync(banks, ct), cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_db is not null)
        {
            await _db.DisposeAsync().ConfigureAwait(false);
        }

        _gate.Dispose();
    }

    private async Task<T> ReadAsync<T>(Func<BankSignalReader, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await read(await ReaderAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    // Under the gate.
    private async Task<int> CatchUpAsync(BankSignalReader reader, CancellationToken cancellationToken)
    {
        var from = long.MaxValue;
        foreach (var host in _hosts)
        {
            from = Math.Min(from, host.AppliedChange);
        }

        var read = 0;
        while (true)
        {
            var changes = await reader.ReadChangesAsync(from, ChangeBatch, cancellationToken).ConfigureAwait(false);
            if (changes.Count == 0)
            {
                break;
            }

            // The log was pruned past a host's checkpoint (it was stopped or stalled longer than the
            // retention): the changes it missed are gone, so it reloads from the rows.
            if (HammingIndexChanges.PrunedAfter(changes, from) is { } horizon)
            {
                foreach (var host in _hosts)
                {
                    if (host.AppliedChange < horizon.Id)
                    {
                        await host.LoadAsync(reader, cancellationToken).ConfigureAwait(false);
                    }
                }

                LogReloadedAfterPrune(_logger, from, horizon.Id);
                from = long.MaxValue;
                foreach (var host in _hosts)
                {
                    from = Math.Min(from, host.AppliedChange);
                }

                continue;
            }

            var upTo = changes[^1].Id;
            foreach (var host in _hosts)
            {
                await host.ApplyAsync(reader, changes, upTo, cancellationToken).ConfigureAwait(false);
            }

            read += changes.Count;
            from = upTo;
            if (changes.Count < ChangeBatch)
            {
                break;
            }
        }

        Volatile.Write(ref _storeChange, Math.Max(from, Volatile.Read(ref _storeChange)));
        Volatile.Write(ref _refreshedAtTicks, _time.GetUtcNow().UtcTicks);
        if (read > 0)
        {
            LogApplied(_logger, read, from);
        }

        return read;
    }

    private async Task<BankSignalReader> ReaderAsync(CancellationToken cancellationToken)
    {
        if (_reader is null)
        {
            _db = await HaechiDatabase.OpenAsync(_location, cancellationToken).ConfigureAwait(false);
            _reader = new BankSignalReader(_db, _sealer);
        }

        _db!.ChangeTracker.Clear();
        return _reader;
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Indexes loaded: {Pdq} PDQ, {Views} with views, {Local} with keypoints, {Videos} video frames, {Faces} faces (PDQ: {Source}, {ElapsedMs} ms)")]
    private static partial void LogLoaded(ILogger logger, int pdq, int views, int local, int videos, int faces, string source, long elapsedMs);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Warning, Message = "The bank change log was pruned past change {Applied} (horizon {Horizon}); the indexes behind it were reloaded from the rows")]
    private static partial void LogReloadedAfterPrune(ILogger logger, long applied, long horizon);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Debug, Message = "Applied {Changes} bank changes, up to change {Change}")]
    private static partial void LogApplied(ILogger logger, int changes, long change);
}
