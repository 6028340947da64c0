using Haechi.Core.Hashing.Pdq;

namespace Haechi.Core.Robust;

/// <summary>
/// The PDQ views a victim's device registers with each photo (the victim-registered bank): the
/// canonical views (borders trimmed, photo inside a screenshot) and the crop and caption-cut ladder,
/// so that copies cropped 2–24 % per side are found. All are PDQ hashes of parts of the same photo,
/// the privacy class of the plain PDQ. Dihedral views are not registered: the server compares the
/// eight rotations and mirrors of every query instead (reports and ingestion), which finds the same
/// copies without 7 more hashes per photo. Edge strips are not registered either: they match at a
/// tighter radius on less content, which is left to banks that ask for them.
/// </summary>
public static class VictimViews
{
    /// <summary>The families the victim-registered bank keeps (and queries are searched with).</summary>
    public const RobustFamilies Families = RobustFamilies.Canonical | RobustFamilies.Crops;

    /// <summary>Most views one photo can have besides its plain PDQ: one per registration kind.</summary>
    public const int MaxViews = 2 + 12 + 24;

    /// <summary>
    /// The views are hashed from the photo box-shrunk by the largest integer factor that keeps its short
    /// side at least this long (PDQ reduces every view to 64×64 anyway): about 4× fewer pixels than the
    /// decoded photo, which keeps the ~40 hashes fast in the browser's WebAssembly interpreter.
    /// </summary>
    public const int ViewWorkingSide = 128;

    /// <summary>Whether a device may send a view of <paramref name="kind"/>: the canonical views, crops and cuts.</summary>
    public static bool IsRegistrationKind(ViewKind kind) => kind is >= ViewKind.Trimmed and <= ViewKind.CutTop24;
}

/// <summary>
/// Computes what a victim's device sends for one photo: its plain PDQ (exactly <see cref="PdqHasher.Hash"/>
/// of the given pixels, the registered signal) first, then its extra views (kinds of
/// <see cref="VictimViews.IsRegistrationKind"/>, each at most once, PDQ quality ≥
/// <see cref="RobustViewHasher.MinViewQuality"/>) hashed from the photo area-averaged down so that its
/// short side is <see cref="VictimViews.ViewWorkingSide"/> (same pixel format: the flat-border and
/// band detection see the colours). One instance per thread.
/// </summary>
/// <param name="workingSide">Short side of the copy the views are hashed from (tests and the bench compare sizes).</param>
public sealed class VictimViewHasher(int workingSide = VictimViews.ViewWorkingSide)
{
    private readonly PdqHasher _pdq = new();
    private readonly RobustViewHasher _views = new();
    private readonly List<RobustView> _scratch = [];
    private byte[] _small = [];

    /// <summary>Adds the plain PDQ and the extra views of one photo to <paramref name="output"/>.</summary>
    public void Compute(ReadOnlySpan<byte> pixels, int width, int height, PixelFormat format, List<RobustView> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var bpp = format.BytesPerPixel();
        if (width <= 0 || height <= 0 || (long)width * height * bpp > pixels.Length)
        {
            ThrowHelper.ThrowArgument(nameof(pixels), "The pixel buffer is smaller than width × height.");
        }

        var (hash, quality) = _pdq.Hash(pixels, width, height, format);
        output.Add(new RobustView(ViewKind.Whole, hash, quality));

        var shortSide = Math.Min(width, height);
        var (w, h) = shortSide <= workingSide
            ? (width, height)
            : ((int)Math.Max(1, Math.Round((double)width * workingSide / shortSide)), (int)Math.Max(1, Math.Round((double)height * workingSide / shortSide)));
        ReadOnlySpan<byte> working = pixels;
        if (w != width || h != height)
        {
            if (_small.Length < w * h * bpp)
            {
                _small = new byte[w * h * bpp];
            }

            Shrink(pixels, width, height, bpp, w, h, _small);
            working = _small.AsSpan(0, w * h * bpp);
        }

        _scratch.Clear();
        _views.ComputeRegistration(working, w, h, format, VictimViews.Families, _scratch);
        for (var i = 1; i < _scratch.Count; i++)
        {
            output.Add(_scratch[i]);
        }
    }

    // Area average: output pixel (x, y) is the mean of the source pixels [x·W/w, (x+1)·W/w) × [y·H/h, (y+1)·H/h), per channel.
    private static void Shrink(ReadOnlySpan<byte> pixels, int width, int height, int bpp, int w, int h, Span<byte> output)
    {
        Span<int> sums = stackalloc int[4];
        for (var y = 0; y < h; y++)
        {
            var y0 = (int)((long)y * height / h);
            var y1 = Math.Max(y0 + 1, (int)((long)(y + 1) * height / h));
            for (var x = 0; x < w; x++)
            {
                var x0 = (int)((long)x * width / w);
                var x1 = Math.Max(x0 + 1, (int)((long)(x + 1) * width / w));
                sums.Clear();
                for (var sy = y0; sy < y1; sy++)
                {
                    var row = pixels.Slice(((sy * width) + x0) * bpp, (x1 - x0) * bpp);
                    for (var i = 0; i < row.Length; i += bpp)
                    {
                        for (var c = 0; c < bpp; c++)
                        {
                            sums[c] += row[i + c];
                        }
                    }
                }

                var area = (x1 - x0) * (y1 - y0);
                var o = ((y * w) + x) * bpp;
                for (var c = 0; c < bpp; c++)
                {
                    output[o + c] = (byte)((sums[c] + (area / 2)) / area);
                }
            }
        }
    }
}
