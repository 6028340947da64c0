using System.Runtime.InteropServices;
using Haechi.Core.Hashing;
using Haechi.Core.Matching;
using Haechi.Core.Signals;

namespace Haechi.Core.Robust;

/// <summary>The best match of a query against one registered image.</summary>
/// <param name="ImageId">The registered image.</param>
/// <param name="Distance">Hamming distance of the closest pair of views of the reported signal.</param>
/// <param name="Signal">The plainest signal family that matched.</param>
/// <param name="QueryView">The query's view.</param>
/// <param name="RegisteredView">The registered image's view.</param>
public readonly record struct RobustMatch(long ImageId, int Distance, RobustSignal Signal, ViewKind QueryView, ViewKind RegisteredView);

/// <summary>
/// Registered images as the PDQ hashes of their views in one exact <see cref="HammingIndex"/>. A
/// query's views are searched and each registered image is reported once, through its closest
/// comparable pair of views (strips only pair with the same strip).
/// </summary>
/// <remarks>
/// False-match control: every extra pair of views is an extra chance of a chance match, so views
/// other than the plain PDQ are matched at <see cref="ExtraViewRadius"/>, tighter than PDQ's 31,
/// and strips (less content each) at <see cref="StripRadius"/>; the bench measures the effect on
/// unrelated images.
/// </remarks>
public sealed class RobustIndex
{
    /// <summary>Radius for plain and dihedral PDQ (the standard threshold).</summary>
    public const int PdqRadius = SignalType.PdqThreshold;

    /// <summary>Radius for pairs involving a canonical view or a registered crop.</summary>
    public const int ExtraViewRadius = SignalType.PdqThreshold;

    /// <summary>Radius for strip pairs.</summary>
    public const int StripRadius = 24;

    private HammingIndex _index = new();
    private readonly List<long> _imageIds = [];
    private readonly List<ViewKind> _kinds = [];
    private readonly List<Hash256> _hashes = [];
    private readonly Dictionary<long, List<int>> _slotsByImage = [];

    // Per-thread scratch: searches run concurrently (a watcher matches several items at once); Add is single-writer.
    [ThreadStatic]
    private static List<HammingMatch>? _scratch;
    [ThreadStatic]
    private static Dictionary<long, RobustMatch>? _best;

    /// <summary>Registered view hashes (live ones: removed images no longer count).</summary>
    public int ViewCount => _index.Count;

    /// <summary>Registered images.</summary>
    public int ImageCount => _slotsByImage.Count;

    /// <summary>Registers the views of one image (more views of an image already registered are added to it).</summary>
    /// <remarks>
    /// Each view goes to the Hamming index's pending entries, which it rebuilds every
    /// <see cref="HammingIndexOptions.MaxPendingCount"/> views: right for a few images at a time,
    /// quadratic for a whole bank. Load a bank with <see cref="Builder"/>.
    /// </remarks>
    public void Add(long imageId, ReadOnlySpan<RobustView> views)
    {
        var first = Append(imageId, views);
        for (var slot = first; slot < _hashes.Count; slot++)
        {
            _index.Add(_hashes[slot], slot);
        }
    }

    // Records the views in the lists (not yet in the Hamming index); returns the first new slot.
    private int Append(long imageId, ReadOnlySpan<RobustView> views)
    {
        if (!_slotsByImage.TryGetValue(imageId, out var slots))
        {
            slots = new List<int>(views.Length);
            _slotsByImage[imageId] = slots;
        }

        var first = _imageIds.Count;
        foreach (var view in views)
        {
            slots.Add(_imageIds.Count);
            _imageIds.Add(imageId);
            _kinds.Add(view.Kind);
            _hashes.Add(view.Hash);
        }

        return first;
    }

    /// <summary>
    /// Removes every view of one image (withdrawal): later searches no longer find it. Returns the
    /// number of views removed (0 for an unknown image). Single writer, like <see cref="Add"/>.
    /// </summary>
    public int Remove(long imageId)
    {
        if (!_slotsByImage.Remove(imageId, out var slots))
        {
            return 0;
        }

        var removed = 0;
        foreach (var slot in slots)
        {
            removed += _index.Remove(slot, _hashes[slot]);
        }

        return removed;
    }

    /// <summary>Whether the image has views in the index.</summary>
    public bool Contains(long imageId) => _slotsByImage.ContainsKey(imageId);

    /// <summary>
    /// Searches every view of a query; adds one match per registered image to <paramref name="results"/>,
    /// closest first. Each image is reported through the plainest signal that matched (PDQ before
    /// dihedral, canonical, crops, strips), at that signal's closest distance. Safe to call from
    /// several threads at once while no view is being added.
    /// </summary>
    public void Search(ReadOnlySpan<RobustView> queryViews, List<RobustMatch> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var scratch = _scratch ??= [];
        var bestByImage = _best ??= [];
        bestByImage.Clear();
        foreach (var view in queryViews)
        {
            scratch.Clear();
            _index.Search(view.Hash, PdqRadius, scratch);
            foreach (var hit in scratch)
            {
                var registered = _kinds[(int)hit.Id];
                if (!ViewKinds.Comparable(view.Kind, registered))
                {
                    continue;
                }

                var signal = ViewKinds.SignalOf(view.Kind, registered);
                if (hit.Distance > RadiusOf(signal))
                {
                    continue;
                }

                var imageId = _imageIds[(int)hit.Id];
                if (!bestByImage.TryGetValue(imageId, out var best) || signal < best.Signal || (signal == best.Signal && hit.Distance < best.Distance))
                {
                    bestByImage[imageId] = new RobustMatch(imageId, hit.Distance, signal, view.Kind, registered);
                }
            }
        }

        var start = results.Count;
        results.AddRange(bestByImage.Values);
        results.Sort(start, results.Count - start, Comparer<RobustMatch>.Create(static (a, b) => a.Distance != b.Distance ? a.Distance.CompareTo(b.Distance) : a.ImageId.CompareTo(b.ImageId)));
    }

    /// <summary>The radius a pair of views of <paramref name="signal"/> is matched at.</summary>
    public static int RadiusOf(RobustSignal signal) => signal switch
    {
        RobustSignal.Pdq or RobustSignal.Dihedral => PdqRadius,
        RobustSignal.Partial => StripRadius,
        _ => ExtraViewRadius,
    };

    /// <summary>Distance between two hashes (for callers comparing views directly).</summary>
    public static int Distance(in Hash256 a, in Hash256 b) => Hash256.Distance(a, b);

    /// <summary>
    /// Loads many images into a new index with one build of the Hamming index
    /// (<see cref="HammingIndex.Build"/>), where <see cref="Add"/> one image at a time would rebuild
    /// it every <see cref="HammingIndexOptions.MaxPendingCount"/> views (hours for a million
    /// registered photos of 44 views each). Searches the built index exactly as one filled by
    /// <see cref="Add"/>. Single-threaded; <see cref="Build"/> once.
    /// </summary>
    public sealed class Builder
    {
        private RobustIndex? _target = new();

        private RobustIndex Target => _target ?? throw new InvalidOperationException("This builder has already built its index.");

        /// <summary>Registers the views of one image (as <see cref="RobustIndex.Add"/>).</summary>
        public void Add(long imageId, ReadOnlySpan<RobustView> views) => Target.Append(imageId, views);

        /// <summary>The index of every image added; the builder cannot be used afterwards.</summary>
        public RobustIndex Build()
        {
            var target = Target;
            _target = null;
            target._hashes.TrimExcess();
            target._imageIds.TrimExcess();
            target._kinds.TrimExcess();
            var slots = new long[target._hashes.Count];
            for (var slot = 0; slot < slots.Length; slot++)
            {
                slots[slot] = slot;
            }

            target._index = HammingIndex.Build(CollectionsMarshal.AsSpan(target._hashes), slots);
            return target;
        }
    }
}
