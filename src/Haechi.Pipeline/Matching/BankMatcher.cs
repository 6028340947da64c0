using Haechi.Core.Signals;
using System.Globalization;
using Haechi.Core.Hashing.Pdq;
using Haechi.Core.Matching;
using Haechi.Core.Robust;
using Haechi.Core.Robust.Local;
using Haechi.Core.Video;
using Haechi.Data.Banks;
using Haechi.Data.Matching;
using Haechi.Media.Images;
using Haechi.Media.Robust;

namespace Haechi.Pipeline.Matching;

/// <summary>Which entries count as matches: the banks searched, the radius and the quality floor.</summary>
public sealed record MatchFilter
{
    /// <summary>PDQ's default radius, the quality floor of PDQ, every bank.</summary>
    public static MatchFilter Default { get; } = new();

    /// <summary>Largest Hamming distance that matches (inclusive).</summary>
    public int Radius { get; init; } = SignalType.Pdq.DefaultRadius;

    /// <summary>Queries and entries below this PDQ quality are not matched.</summary>
    public int MinQuality { get; init; } = PdqQuality.DefaultMinimum;

    /// <summary>Only entries of these banks; null for every bank.</summary>
    public IReadOnlySet<string>? Banks { get; init; }

    /// <summary>vPDQ thresholds for videos (frame radius and quality come from <see cref="Radius"/> and <see cref="MinQuality"/>).</summary>
    public VpdqMatchOptions Video => new() { MaxDistance = Radius, MinQuality = MinQuality };
}

/// <summary>One bank entry an image matched, how close and through which signal.</summary>
/// <param name="Entry">The bank entry.</param>
/// <param name="Distance">PDQ-family signals: the Hamming distance. Local matches (no PDQ distance) carry the filter's radius, so they rank after every PDQ-family match.</param>
/// <param name="MatchedBy">The signal: pdq, dihedral, canonical, crops, partial or local.</param>
/// <param name="Transform">The transform or view (PDQ family), or <c>inliers=N;log10nfa=X</c> for local matches.</param>
/// <param name="Local">The local-feature verification (inliers, log10 NFA) when <paramref name="MatchedBy"/> is <c>local</c>.</param>
public sealed record ImageBankMatch(BankEntryView Entry, int Distance, string MatchedBy, string Transform, LocalMatch? Local = null);

/// <summary>One bank entry a video matched, with the vPDQ comparison.</summary>
public sealed record VideoBankMatch(BankEntryView Entry, VpdqComparison Comparison);

/// <summary>
/// Looks fingerprints up in the banks, the way <c>haechi match</c> does: the PDQ index (with the
/// dihedral hashes when the query has them), the extra views of banks created with
/// <c>--signals</c>, and the vPDQ frame index for videos narrowed then compared on stored frames.
/// Index searches run on any thread; store reads are serialised (one DbContext).
/// </summary>
public sealed class BankMatcher : IDisposable
{
    private readonly BankStore _store;
    private readonly SemaphoreSlim _storeGate = new(1, 1);
    private readonly HammingIndex _pdq;
    private readonly HammingIndex? _frames;
    private readonly RobustIndex? _robust;
    private readonly LocalFeatureIndex? _local;
    private readonly RobustFamilies _robustFamilies;

    private BankMatcher(BankStore store, HammingIndex pdq, HammingIndex? frames, RobustIndex? robust, LocalFeatureIndex? local, RobustFamilies robustFamilies, IndexSource source)
    {
        _store = store;
        _pdq = pdq;
        _frames = frames;
        _robust = robust;
        _local = local;
        _robustFamilies = robustFamilies;
        PdqIndexSource = source;
    }

    /// <summary>Where the PDQ index came from (a snapshot, or rebuilt; <see cref="IndexSource.BuiltCorrupt"/> when the snapshot was damaged).</summary>
    public IndexSource PdqIndexSource { get; }

    /// <summary>Whether banks keep extra views (rotations, crops, strips) that queries are also searched with.</summary>
    public bool HasExtraViews => _robust is not null || _local is not null;

    /// <summary>Whether banks keep local features (the <c>local</c> signal); then queries need <see cref="ImageFingerprint.Local"/>.</summary>
    public bool HasLocalFeatures => _local is not null;

    /// <summary>Images in the local-feature index (0 without one).</summary>
    public int LocalImageCount => _local?.ImageCount ?? 0;

    /// <summary>
    /// The signal families the banks keep: ask the fingerprinter for them (<see cref="FingerprintParts.RobustViews"/>
    /// with <see cref="ImageFingerprinter.QueryViews"/> set to this) so that one decode serves every search,
    /// local features included when it holds <see cref="RobustFamilies.Local"/>.
    /// </summary>
    public RobustFamilies QueryFamilies => _robustFamilies;

    /// <summary>Loads the PDQ index (and the vPDQ frame index when <paramref name="withVideo"/>) and the extra views.</summary>
    public static async Task<BankMatcher> LoadAsync(BankStore store, SignalIndexLoader loader, bool withVideo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(loader);
        var pdq = await loader.LoadAsync(store, SignalType.Pdq, cancellationToken).ConfigureAwait(false);
        var frames = withVideo ? (await loader.LoadAsync(store, SignalType.Vpdq, cancellationToken).ConfigureAwait(false)).Index : null;
        var (robust, families) = await LoadExtraViewsAsync(store, cancellationToken).ConfigureAwait(false);
        // Keypoints of banks with the local signal and of victims who opted in (whose bank keeps no
        // extra signal of its own): searched whenever any are stored.
        LocalFeatureIndex? local = await LoadLocalFeaturesAsync(store, cancellationToken).ConfigureAwait(false);
        if (local.ImageCount > 0)
        {
            families |= RobustFamilies.Local;
        }
        else if ((families & RobustFamilies.Local) == 0)
        {
            local = null;
        }

        return new BankMatcher(store, pdq.Index, frames, robust, local, families, pdq.Source);
    }

    /// <inheritdoc />
    public void Dispose() => _storeGate.Dispose();

    /// <summary>Resolves bank names to a filter set; unknown names throw <see cref="BankStoreException"/>. No names: null (every bank).</summary>
    public static async Task<HashSet<string>?> ResolveBanksAsync(BankStore store, IReadOnlyCollection<string> names, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count == 0)
        {
            return null;
        }

        foreach (var name in names)
        {
            await store.GetBankAsync(name, cancellationToken).ConfigureAwait(false);
        }

        return new HashSet<string>(names, StringComparer.Ordinal);
    }

    /// <summary>
    /// Matches one image. When banks keep extra views (<see cref="HasExtraViews"/>) the fingerprint
    /// must carry the query views (<see cref="FingerprintParts.RobustViews"/> with
    /// <see cref="QueryFamilies"/>), computed from the same decode as its PDQ hash.
    /// </summary>
    /// <exception cref="ArgumentException">Banks keep extra views and the fingerprint has none.</exception>
    public async Task<IReadOnlyList<ImageBankMatch>> MatchImageAsync(ImageFingerprint fingerprint, MatchFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        ArgumentNullException.ThrowIfNull(filter);
        if (_robust is not null && fingerprint.Views is null)
        {
            throw new ArgumentException("Banks keep extra views: fingerprint the image with FingerprintParts.RobustViews.", nameof(fingerprint));
        }

        if (_local is not null && fingerprint.Local is null)
        {
            throw new ArgumentException("Banks keep local features: fingerprint the image with FingerprintParts.RobustViews and QueryViews = QueryFamilies.", nameof(fingerprint));
        }

        var best = new Dictionary<long, (int Distance, string MatchedBy, string Transform, LocalMatch? Local)>();
        var found = new List<DihedralMatch>();
        _pdq.SearchDihedral(fingerprint.Dihedral ?? [fingerprint.Pdq], filter.Radius, found);
        foreach (var match in found)
        {
            best[match.Id] = (match.Distance, match.QueryIndex == 0 ? "pdq" : "dihedral", ((DihedralTransform)match.QueryIndex).ToName(), null);
        }

        // Extra views kept by banks created with --signals: an entry found only this way is reported through them.
        if (_robust is not null)
        {
            var robustFound = new List<RobustMatch>();
            _robust.Search([.. fingerprint.Views!], robustFound);

            foreach (var match in robustFound)
            {
                if (!best.ContainsKey(match.ImageId))
                {
                    var view = match.Signal == RobustSignal.Partial || match.Signal == RobustSignal.Canonical ? match.QueryView : match.RegisteredView;
                    best[match.ImageId] = (match.Distance, match.Signal.Name(), view == ViewKind.Whole ? match.RegisteredView.Name() : view.Name(), null);
                }
            }
        }

        // Local features (banks created with the local signal): keypoints confirmed by geometry, for
        // copies no PDQ view finds (off-centre crops, large occluders). Reported with inliers and log10 NFA.
        if (_local is not null)
        {
            var localFound = new List<LocalMatch>();
            _local.Search(fingerprint.Local!, localFound);
            foreach (var match in localFound)
            {
                if (!best.ContainsKey(match.ImageId))
                {
                    best[match.ImageId] = (filter.Radius, "local", string.Create(CultureInfo.InvariantCulture, $"inliers={match.Inliers};log10nfa={match.Log10Nfa:0.0}"), match);
                }
            }
        }

        var matches = new List<ImageBankMatch>();
        if (best.Count > 0)
        {
            var entries = await GetEntriesAsync(best.Keys, cancellationToken).ConfigureAwait(false);
            foreach (var (id, match) in best)
            {
                // Entries withdrawn since the index was loaded are absent from the lookup.
                if (entries.TryGetValue(id, out var entry) && entry.Quality >= filter.MinQuality && (filter.Banks is null || filter.Banks.Contains(entry.Bank)))
                {
                    matches.Add(new ImageBankMatch(entry, match.Distance, match.MatchedBy, match.Transform, match.Local));
                }
            }
        }

        matches.Sort(static (a, b) => a.Distance != b.Distance ? a.Distance.CompareTo(b.Distance) : a.Entry.Id.CompareTo(b.Entry.Id));
        return matches;
    }

    /// <summary>Matches one video's frames: the frame index narrows the candidates, the vPDQ comparison on stored frames decides.</summary>
    public async Task<IReadOnlyList<VideoBankMatch>> MatchVideoAsync(IReadOnlyList<VpdqFrame> frames, MatchFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(filter);
        if (_frames is null)
        {
            throw new InvalidOperationException("The matcher was loaded without the video index.");
        }

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

        Dictionary<long, BankEntryView> entries;
        Dictionary<long, List<VpdqFrame>> stored;
        await _storeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            entries = await _store.GetActiveEntriesAsync(candidates, cancellationToken).ConfigureAwait(false);
            stored = await _store.GetFramesAsync(candidates, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _storeGate.Release();
        }

        foreach (var id in candidates.Order())
        {
            if (!entries.TryGetValue(id, out var entry) || !stored.TryGetValue(id, out var storedFrames) || (filter.Banks is not null && !filter.Banks.Contains(entry.Bank)))
            {
                continue;
            }

            var comparison = VpdqComparer.Compare(query, storedFrames.ToArray(), options);
            if (comparison.IsMatch(options))
            {
                matches.Add(new VideoBankMatch(entry, comparison));
            }
        }

        matches.Sort(static (a, b) => b.Comparison.QueryMatchPercent.CompareTo(a.Comparison.QueryMatchPercent));
        return matches;
    }

    private async Task<Dictionary<long, BankEntryView>> GetEntriesAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        await _storeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await _store.GetActiveEntriesAsync(ids, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _storeGate.Release();
        }
    }

    // Banks created with extra signals keep views of each image; they are searched together (rebuilt per load, not snapshotted yet).
    private static async Task<(RobustIndex? Index, RobustFamilies Families)> LoadExtraViewsAsync(BankStore store, CancellationToken cancellationToken)
    {
        var families = RobustFamilies.None;
        foreach (var bank in await store.ListBanksAsync(cancellationToken).ConfigureAwait(false))
        {
            families |= bank.ExtraSignals;
        }

        if ((families & RobustFamilies.PdqViews) == RobustFamilies.None)
        {
            return (null, families);
        }

        var index = new RobustIndex();
        var views = new List<RobustView>();
        long current = -1;
        await foreach (var (entryId, view) in store.ReadActiveExtraViewsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (entryId != current && views.Count > 0)
            {
                index.Add(current, views.ToArray());
                views.Clear();
            }

            current = entryId;
            views.Add(view);
        }

        if (views.Count > 0)
        {
            index.Add(current, views.ToArray());
        }

        return (index, families);
    }

    // Banks created with the local signal keep each image's keypoints; one index over every bank (rebuilt per load).
    private static async Task<LocalFeatureIndex> LoadLocalFeaturesAsync(BankStore store, CancellationToken cancellationToken)
    {
        var index = new LocalFeatureIndex();
        await foreach (var (entryId, features) in store.ReadActiveLocalFeaturesAsync(cancellationToken).ConfigureAwait(false))
        {
            index.Add(entryId, features);
        }

        return index;
    }
}
