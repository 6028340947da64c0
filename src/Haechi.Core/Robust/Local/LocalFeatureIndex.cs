using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using Haechi.Core.Hashing;

namespace Haechi.Core.Robust.Local;

/// <summary>A registered image confirmed by local features.</summary>
/// <param name="ImageId">The registered image.</param>
/// <param name="Inliers">Correspondences consistent with the best similarity transform.</param>
/// <param name="Correspondences">Putative descriptor correspondences with that image.</param>
/// <param name="Log10Nfa">log10 of the number of false alarms: how many such matches chance would give (lower is stronger).</param>
public readonly record struct LocalMatch(long ImageId, int Inliers, int Correspondences, double Log10Nfa);

/// <summary>
/// Local-feature matching: every registered descriptor in <see cref="Tables"/> bucket tables keyed by
/// 16 of its bits (multi-index hashing with exact keys: a descriptor within the radius of a query
/// shares at least one 16-bit key with it with a high probability, not certainty); a query's
/// descriptors vote for the registered images they are near (<see cref="DescriptorRadius"/>); the
/// images with the most votes are verified by RANSAC over similarity transforms (two
/// correspondences fix scale, rotation and shift); a match needs <see cref="MinInliers"/> inliers
/// and passes the a-contrario test (<see cref="MaxLog10Nfa"/>). Searches may run concurrently with
/// each other, not with <see cref="Add"/>.
/// </summary>
public sealed class LocalFeatureIndex
{
    /// <summary>Largest descriptor distance (of 256 bits) that counts as a correspondence.</summary>
    public const int DescriptorRadius = 40;

    /// <summary>Bucket tables: table t is keyed by bits 32·t .. 32·t + <see cref="KeyBits"/> - 1 of the descriptor.</summary>
    public const int Tables = 8;

    /// <summary>Bits per bucket key.</summary>
    /// <remarks>Measured at 10,000 images: 18 bits 13 ms per query, 20 bits 6 ms, 22 bits 5 ms but fewer correspondences (local-only recall 91 % → 90 %).</remarks>
    public const int KeyBits = 20;

    /// <summary>Buckets holding more descriptors than this are skipped (flat-patch and stripe codes that half the bank shares: stop words).</summary>
    public const int MaxBucket = 4096;

    /// <summary>Largest ratio of the nearest to the second-nearest descriptor distance in one image for a correspondence to count.</summary>
    /// <remarks>Without it, drawn images (shapes and grain) gave 6 chance matches with 10..12 inliers at --count 4; with it none, and real-photo recall is unchanged overall.</remarks>
    public const double RatioTest = 0.8;

    /// <summary>Fewest inliers of a match.</summary>
    public const int MinInliers = 10;

    /// <summary>Inlier tolerance in working-image pixels (480 on the long side).</summary>
    public const double InlierTolerance = 6.0;

    /// <summary>A match is kept when chance would produce one this strong in fewer than 10^this banks of this size.</summary>
    public const double MaxLog10Nfa = -3.0;

    /// <summary>Images verified per query, the most-voted first (bounds the query cost).</summary>
    public const int MaxCandidates = 8;

    /// <summary>RANSAC hypotheses per candidate (all pairs when there are fewer).</summary>
    public const int Hypotheses = 300;

    private readonly List<Hash256> _descriptors = [];
    private readonly Lock _buildLock = new();
    private int[][]? _bucketStarts;
    private int[][]? _bucketEntries;
    private readonly List<long> _imageIds = [];
    private readonly List<int> _starts = [];
    private readonly List<float> _areas = [];
    private readonly List<int> _imageOf = [];
    private readonly List<ushort> _positions = [];
    private readonly List<bool> _removed = [];
    private readonly Dictionary<long, List<int>> _slotsOf = [];
    private int _removedCount;

    /// <summary>Registered images (not counting removed ones).</summary>
    public int ImageCount => _imageIds.Count - _removedCount;

    /// <summary>Registered descriptors.</summary>
    public int DescriptorCount => _imageOf.Count;

    /// <summary>Registers an image's features.</summary>
    public void Add(long imageId, LocalFeatures features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var slot = _imageIds.Count;
        _imageIds.Add(imageId);
        _removed.Add(false);
        if (!_slotsOf.TryGetValue(imageId, out var slots))
        {
            _slotsOf[imageId] = slots = [];
        }

        slots.Add(slot);
        _starts.Add(_imageOf.Count);
        int minX = int.MaxValue, minY = int.MaxValue, maxX = 0, maxY = 0;
        for (var i = 0; i < features.Count; i++)
        {
            _descriptors.Add(features.Descriptors[i]);
            _imageOf.Add(slot);
            int x = features.Positions[i * 2], y = features.Positions[(i * 2) + 1];
            _positions.Add((ushort)x);
            _positions.Add((ushort)y);
            (minX, minY, maxX, maxY) = (Math.Min(minX, x), Math.Min(minY, y), Math.Max(maxX, x), Math.Max(maxY, y));
        }

        // The a-contrario test's area: the registered keypoints' bounding box (smaller than the image,
        // so the chance of a random inlier is over- rather than under-estimated).
        var s = (double)LocalFeatures.PositionScale;
        _areas.Add(features.Count == 0 ? 1f : (float)Math.Max(1.0, (maxX - minX) / s * ((maxY - minY) / s)));
        Volatile.Write(ref _bucketEntries, null);
    }

    /// <summary>
    /// Removes an image (a withdrawn entry): its descriptors stop voting at once. Their slots stay in
    /// the bucket tables until the index is rebuilt from the store. Returns false when the image was
    /// not registered (or already removed). Not concurrent with <see cref="Search"/>.
    /// </summary>
    public bool Remove(long imageId)
    {
        if (!_slotsOf.Remove(imageId, out var slots))
        {
            return false;
        }

        foreach (var slot in slots)
        {
            _removed[slot] = true;
            _removedCount++;
        }

        return true;
    }

    /// <summary>Whether <paramref name="imageId"/> is registered and not removed.</summary>
    public bool Contains(long imageId) => _slotsOf.ContainsKey(imageId);

    private static int Key(in Hash256 code, int table) => (int)((code[table >> 1] >> ((table & 1) * 32)) & ((1UL << KeyBits) - 1));

    /// <summary>Counting sort of every descriptor id by its key, per table (CSR layout), after the last <see cref="Add"/>.</summary>
    private (int[][] Starts, int[][] Entries) Buckets()
    {
        if (Volatile.Read(ref _bucketEntries) is { } ready && _bucketStarts is { } readyStarts)
        {
            return (readyStarts, ready);
        }

        lock (_buildLock)
        {
            if (_bucketEntries is { } built && _bucketStarts is { } builtStarts)
            {
                return (builtStarts, built);
            }

            var codes = CollectionsMarshal.AsSpan(_descriptors);
            var starts = new int[Tables][];
            var entries = new int[Tables][];
            for (var t = 0; t < Tables; t++)
            {
                var keys = 1 << KeyBits;
                var start = starts[t] = new int[keys + 1];
                foreach (ref readonly var code in codes)
                {
                    start[Key(code, t) + 1]++;
                }

                for (var k = 0; k < keys; k++)
                {
                    start[k + 1] += start[k];
                }

                var fill = (int[])start.Clone();
                var entry = entries[t] = new int[codes.Length];
                for (var i = 0; i < codes.Length; i++)
                {
                    entry[fill[Key(codes[i], t)]++] = i;
                }
            }

            _bucketStarts = starts;
            Volatile.Write(ref _bucketEntries, entries);
            return (starts, entries);
        }
    }

    /// <summary>Appends the registered images that <paramref name="query"/> matches, strongest first.</summary>
    public void Search(LocalFeatures query, List<LocalMatch> results)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(results);
        if (query.Count == 0 || ImageCount == 0)
        {
            return;
        }

        // 1. Correspondences: each query descriptor's nearest descriptor in each image within the radius.
        var (bucketStarts, bucketEntries) = Buckets();
        var codes = CollectionsMarshal.AsSpan(_descriptors);
        var imageOf = CollectionsMarshal.AsSpan(_imageOf);
        var removed = CollectionsMarshal.AsSpan(_removed);
        var pairs = new List<Correspondence>();
        for (var q = 0; q < query.Count; q++)
        {
            ref readonly var code = ref query.Descriptors[q];
            for (var t = 0; t < Tables; t++)
            {
                var key = Key(code, t);
                var from = bucketStarts[t][key];
                var to = bucketStarts[t][key + 1];
                if (to - from > MaxBucket)
                {
                    continue;
                }

                foreach (var id in bucketEntries[t].AsSpan(from, to - from))
                {
                    ref readonly var other = ref codes[id];
                    var distance = BitOperations.PopCount(code.Word0 ^ other.Word0) + BitOperations.PopCount(code.Word1 ^ other.Word1)
                        + BitOperations.PopCount(code.Word2 ^ other.Word2) + BitOperations.PopCount(code.Word3 ^ other.Word3);
                    if (distance <= DescriptorRadius && !removed[imageOf[id]])
                    {
                        pairs.Add(new Correspondence(imageOf[id], q, id, distance));
                    }
                }
            }
        }

        if (pairs.Count == 0)
        {
            return;
        }

        var all = CollectionsMarshal.AsSpan(pairs);
        all.Sort(default(CorrespondenceOrder));

        // 2. Votes: distinct query descriptors per image (best registered descriptor per query descriptor).
        var candidates = new List<(int Votes, int Start, int Count)>();
        var kept = 0;
        var start = 0;
        while (start < all.Length)
        {
            var image = all[start].Image;
            var runStart = kept;
            var lastQuery = -1;
            var end = start;
            for (; end < all.Length && all[end].Image == image; end++)
            {
                if (all[end].Query == lastQuery)
                {
                    continue;
                }

                // Lowe's ratio test within the image: the nearest descriptor must be clearly nearer than
                // the next one (repeated texture and flat-edge codes are ambiguous, and chance lines them up).
                lastQuery = all[end].Query;
                var next = end + 1;
                while (next < all.Length && all[next].Image == image && all[next].Query == lastQuery && all[next].Registered == all[end].Registered)
                {
                    next++;
                }

                if (next < all.Length && all[next].Image == image && all[next].Query == lastQuery && all[end].Distance > all[next].Distance * RatioTest)
                {
                    continue;
                }

                all[kept++] = all[end];
            }

            if (kept - runStart >= MinInliers)
            {
                candidates.Add((kept - runStart, runStart, kept - runStart));
            }

            start = end;
        }

        candidates.Sort(static (a, b) => b.Votes != a.Votes ? b.Votes.CompareTo(a.Votes) : a.Start.CompareTo(b.Start));
        var first = results.Count;
        for (var c = 0; c < Math.Min(MaxCandidates, candidates.Count); c++)
        {
            var (_, s, n) = candidates[c];
            var slice = all.Slice(s, n);
            var slot = slice[0].Image;
            var inliers = Verify(query, slice, slot);
            if (inliers < MinInliers)
            {
                continue;
            }

            var p = Math.Min(1.0, Math.PI * InlierTolerance * InlierTolerance / _areas[slot]);
            var nfa = Math.Log10(Math.Max(1, ImageCount)) + Math.Log10(n * (n - 1) / 2.0) + Log10BinomialTail(n - 2, inliers - 2, p);
            if (nfa <= MaxLog10Nfa)
            {
                results.Add(new LocalMatch(_imageIds[slot], inliers, n, nfa));
            }
        }

        results.Sort(first, results.Count - first, Comparer<LocalMatch>.Create(static (a, b) => a.Log10Nfa.CompareTo(b.Log10Nfa)));
    }

    /// <summary>The largest inlier count over the similarity hypotheses, each registered keypoint counted once.</summary>
    private int Verify(LocalFeatures query, ReadOnlySpan<Correspondence> pairs, int slot)
    {
        var n = pairs.Length;
        var s = 1.0 / LocalFeatures.PositionScale;
        var qx = ArrayPool<double>.Shared.Rent(n * 4);
        var registeredCount = (slot + 1 < _starts.Count ? _starts[slot + 1] : _imageOf.Count) - _starts[slot];
        var stamps = ArrayPool<int>.Shared.Rent(registeredCount);
        try
        {
            stamps.AsSpan(0, registeredCount).Clear();
            for (var i = 0; i < n; i++)
            {
                var p = pairs[i];
                qx[i * 4] = query.Positions[p.Query * 2] * s;
                qx[(i * 4) + 1] = query.Positions[(p.Query * 2) + 1] * s;
                qx[(i * 4) + 2] = _positions[p.Registered * 2] * s;
                qx[(i * 4) + 3] = _positions[(p.Registered * 2) + 1] * s;
            }

            var tolerance2 = InlierTolerance * InlierTolerance;
            var best = 0;
            var total = (long)n * (n - 1) / 2;
            var exhaustive = total <= Hypotheses;
            var state = 0x5EED_1234_ABCD_0001UL;
            var stamp = 0;
            var i1 = 0;
            var i2 = 0;
            for (var h = 0; h < (exhaustive ? total : Hypotheses); h++)
            {
                if (exhaustive)
                {
                    i2++;
                    if (i2 >= n)
                    {
                        i1++;
                        i2 = i1 + 1;
                    }

                    if (h == 0)
                    {
                        (i1, i2) = (0, 1);
                    }
                }
                else
                {
                    i1 = (int)(OrbPattern.NextDouble(ref state) * n);
                    i2 = (int)(OrbPattern.NextDouble(ref state) * (n - 1));
                    if (i2 >= i1)
                    {
                        i2++;
                    }
                }

                // Similarity r = a·q + b with complex a (scale and rotation) from two correspondences.
                double dqx = qx[(i2 * 4)] - qx[(i1 * 4)], dqy = qx[(i2 * 4) + 1] - qx[(i1 * 4) + 1];
                double drx = qx[(i2 * 4) + 2] - qx[(i1 * 4) + 2], dry = qx[(i2 * 4) + 3] - qx[(i1 * 4) + 3];
                var dq2 = (dqx * dqx) + (dqy * dqy);
                if (dq2 < 100)
                {
                    continue; // points closer than 10 px fix the transform badly
                }

                var ar = ((drx * dqx) + (dry * dqy)) / dq2;
                var ai = ((dry * dqx) - (drx * dqy)) / dq2;
                var scale2 = (ar * ar) + (ai * ai);
                if (scale2 < 1.0 / 16 || scale2 > 16)
                {
                    continue; // beyond a 4× scale change: not a plausible copy
                }

                var bx = qx[(i1 * 4) + 2] - ((ar * qx[i1 * 4]) - (ai * qx[(i1 * 4) + 1]));
                var by = qx[(i1 * 4) + 3] - ((ai * qx[i1 * 4]) + (ar * qx[(i1 * 4) + 1]));
                stamp++;
                var count = 0;
                for (var i = 0; i < n; i++)
                {
                    var px = (ar * qx[i * 4]) - (ai * qx[(i * 4) + 1]) + bx - qx[(i * 4) + 2];
                    var py = (ai * qx[i * 4]) + (ar * qx[(i * 4) + 1]) + by - qx[(i * 4) + 3];
                    if ((px * px) + (py * py) <= tolerance2)
                    {
                        var r = pairs[i].Registered - _starts[slot];
                        if (stamps[r] != stamp)
                        {
                            stamps[r] = stamp;
                            count++;
                        }
                    }
                }

                best = Math.Max(best, count);
            }

            return best;
        }
        finally
        {
            ArrayPool<double>.Shared.Return(qx);
            ArrayPool<int>.Shared.Return(stamps);
        }
    }

    /// <summary>log10 P(X ≥ k) for X ~ Binomial(n, p).</summary>
    internal static double Log10BinomialTail(int n, int k, double p)
    {
        if (k <= 0)
        {
            return 0;
        }

        if (k > n || p <= 0)
        {
            return double.NegativeInfinity;
        }

        if (p >= 1)
        {
            return 0;
        }

        // log of the first term C(n, k) p^k (1-p)^(n-k), then the ratio of successive terms.
        var logTerm = (k * Math.Log(p)) + ((n - k) * Math.Log(1 - p));
        for (var j = 1; j <= k; j++)
        {
            logTerm += Math.Log((double)(n - k + j) / j);
        }

        double sum = 1, term = 1;
        for (var i = k; i < n; i++)
        {
            term *= (double)(n - i) / (i + 1) * (p / (1 - p));
            sum += term;
            if (term < sum * 1e-17)
            {
                break;
            }
        }

        return (logTerm + Math.Log(sum)) / Math.Log(10);
    }

    private readonly record struct Correspondence(int Image, int Query, int Registered, int Distance);

    private readonly struct CorrespondenceOrder : IComparer<Correspondence>
    {
        public int Compare(Correspondence a, Correspondence b)
        {
            var c = a.Image.CompareTo(b.Image);
            if (c != 0)
            {
                return c;
            }

            c = a.Query.CompareTo(b.Query);
            return c != 0 ? c : a.Distance != b.Distance ? a.Distance.CompareTo(b.Distance) : a.Registered.CompareTo(b.Registered);
        }
    }
}
