using Haechi.Core.Hashing;
using Haechi.Core.Hashing.Pdq;
using Haechi.Core.Video;

namespace Haechi.Core.Robust;

/// <summary>Which extra views a bank registers and a query computes, besides the plain PDQ.</summary>
[Flags]
public enum RobustFamilies
{
    /// <summary>The plain PDQ only.</summary>
    None = 0,

    /// <summary>The seven rotated and mirrored PDQ hashes of a registered image.</summary>
    Dihedral = 1,

    /// <summary>Border-trimmed and screenshot-photo views on both sides.</summary>
    Canonical = 2,

    /// <summary>Centre crops and caption cuts of a registered image.</summary>
    Crops = 4,

    /// <summary>Edge strips on both sides (stickers and other small occluders).</summary>
    Partial = 8,

    /// <summary>
    /// Local features (ORB-like keypoints and descriptors, <see cref="Local.LocalFeatureExtractor"/>):
    /// not a PDQ view, ignored by <see cref="RobustViewHasher"/>; computed from the same pixels by
    /// the callers that decode the image.
    /// </summary>
    Local = 16,

    /// <summary>Every PDQ view family (what <see cref="RobustViewHasher"/> computes).</summary>
    PdqViews = Dihedral | Canonical | Crops | Partial,

    /// <summary>Every image signal: the PDQ views and local features.</summary>
    All = PdqViews | Local,
}

/// <summary>One PDQ hash of one view of an image.</summary>
/// <param name="Kind">Which view.</param>
/// <param name="Hash">Its PDQ hash.</param>
/// <param name="Quality">Its PDQ quality.</param>
public readonly record struct RobustView(ViewKind Kind, Hash256 Hash, int Quality);

/// <summary>
/// Computes PDQ hashes of canonical and partial views of an image. The <see cref="ViewKind.Whole"/>
/// view is always first and is exactly <see cref="PdqHasher.Hash"/> of the unchanged pixels; every
/// other view is an extra signal. Holds a <see cref="PdqHasher"/>: one instance per thread.
/// </summary>
public sealed class RobustViewHasher
{
    /// <summary>Extra views below this PDQ quality are not kept (PDQ's own advice for usable hashes).</summary>
    public const int MinViewQuality = 50;

    /// <summary>Fraction of the trimmed side that an edge strip keeps.</summary>
    public const double StripFraction = 0.4;

    /// <summary>Centre crops every 2 % per side up to 24 %: any centred crop in that range is within 1 % of a rung.</summary>
    private static readonly (ViewKind Kind, double PerSide)[] CropLadder =
    [
        (ViewKind.Crop2, 0.02), (ViewKind.Crop4, 0.04), (ViewKind.Crop6, 0.06), (ViewKind.Crop8, 0.08), (ViewKind.Crop10, 0.10), (ViewKind.Crop12, 0.12), (ViewKind.Crop14, 0.14), (ViewKind.Crop16, 0.16), (ViewKind.Crop18, 0.18), (ViewKind.Crop20, 0.20), (ViewKind.Crop22, 0.22), (ViewKind.Crop24, 0.24),
    ];

    /// <summary>One-sided cuts every 2 % up to 24 % (caption bars, cropped-off banners): within 1 % of a rung.</summary>
    private static readonly (ViewKind Bottom, ViewKind Top, double Fraction)[] CutLadder =
    [
        (ViewKind.CutBottom2, ViewKind.CutTop2, 0.02), (ViewKind.CutBottom4, ViewKind.CutTop4, 0.04), (ViewKind.CutBottom6, ViewKind.CutTop6, 0.06), (ViewKind.CutBottom8, ViewKind.CutTop8, 0.08), (ViewKind.CutBottom10, ViewKind.CutTop10, 0.10), (ViewKind.CutBottom12, ViewKind.CutTop12, 0.12), (ViewKind.CutBottom14, ViewKind.CutTop14, 0.14), (ViewKind.CutBottom16, ViewKind.CutTop16, 0.16), (ViewKind.CutBottom18, ViewKind.CutTop18, 0.18), (ViewKind.CutBottom20, ViewKind.CutTop20, 0.20), (ViewKind.CutBottom22, ViewKind.CutTop22, 0.22), (ViewKind.CutBottom24, ViewKind.CutTop24, 0.24),
    ];

    private readonly PdqHasher _hasher = new();
    private readonly List<FrameRegion> _seen = [];

    /// <summary>Views to register for an original image.</summary>
    public void ComputeRegistration(ReadOnlySpan<byte> pixels, int width, int height, PixelFormat format, RobustFamilies families, List<RobustView> output) =>
        Compute(pixels, width, height, format, families, registration: true, output);

    /// <summary>Views to compute for a query image.</summary>
    public void ComputeQuery(ReadOnlySpan<byte> pixels, int width, int height, PixelFormat format, RobustFamilies families, List<RobustView> output) =>
        Compute(pixels, width, height, format, families, registration: false, output);

    private void Compute(ReadOnlySpan<byte> pixels, int width, int height, PixelFormat format, RobustFamilies families, bool registration, List<RobustView> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var bpp = format.BytesPerPixel();
        if (width <= 0 || height <= 0 || (long)width * height * bpp > pixels.Length)
        {
            ThrowHelper.ThrowArgument(nameof(pixels), "The pixel buffer is smaller than width × height.");
        }

        _seen.Clear();
        var whole = new FrameRegion(0, 0, width, height);
        _seen.Add(whole);
        if (registration && (families & RobustFamilies.Dihedral) != 0)
        {
            var all = _hasher.HashDihedral(pixels, width, height, format);
            for (var t = 0; t < DihedralTransformNames.Count; t++)
            {
                output.Add(new RobustView((ViewKind)t, all[(DihedralTransform)t], all.Quality));
            }
        }
        else
        {
            var (hash, quality) = _hasher.Hash(pixels, width, height, format);
            output.Add(new RobustView(ViewKind.Whole, hash, quality));
        }

        var content = FrameBorders.FindContent(pixels, width, height, format);
        var trimmed = EdgeBands.Trim(pixels, width, format, content);
        if ((families & RobustFamilies.Canonical) != 0)
        {
            AddView(pixels, width, format, bpp, trimmed, ViewKind.Trimmed, output);
            AddView(pixels, width, format, bpp, PhotoRegion.Find(pixels, width, height, format), ViewKind.Photo, output);
        }

        if (registration && (families & RobustFamilies.Crops) != 0)
        {
            // Centre crops of the content inside flat borders, not of the band-trimmed view: a photo's own
            // sky or wall is a near-uniform edge band too, and a crop of the photo keeps part of it. Cuts
            // stay on the band-trimmed view, which is what a copy with a caption bar trims to.
            foreach (var (kind, perSide) in CropLadder)
            {
                var dx = (int)Math.Round(content.Width * perSide);
                var dy = (int)Math.Round(content.Height * perSide);
                AddView(pixels, width, format, bpp, new FrameRegion(content.X + dx, content.Y + dy, content.Width - (2 * dx), content.Height - (2 * dy)), kind, output);
            }

            foreach (var (bottom, top, fraction) in CutLadder)
            {
                AddView(pixels, width, format, bpp, Cut(trimmed, bottom: fraction), bottom, output);
                AddView(pixels, width, format, bpp, Cut(trimmed, top: fraction), top, output);
            }
        }

        if ((families & RobustFamilies.Partial) != 0)
        {
            var sw = (int)Math.Round(trimmed.Width * StripFraction);
            var sh = (int)Math.Round(trimmed.Height * StripFraction);
            AddView(pixels, width, format, bpp, trimmed with { Height = sh }, ViewKind.StripTop, output);
            AddView(pixels, width, format, bpp, trimmed with { Y = trimmed.Y + trimmed.Height - sh, Height = sh }, ViewKind.StripBottom, output);
            AddView(pixels, width, format, bpp, trimmed with { Width = sw }, ViewKind.StripLeft, output);
            AddView(pixels, width, format, bpp, trimmed with { X = trimmed.X + trimmed.Width - sw, Width = sw }, ViewKind.StripRight, output);
        }
    }

    private static FrameRegion Cut(FrameRegion r, double top = 0, double bottom = 0)
    {
        var dt = (int)Math.Round(r.Height * top);
        var db = (int)Math.Round(r.Height * bottom);
        return new FrameRegion(r.X, r.Y + dt, r.Width, r.Height - dt - db);
    }

    private void AddView(ReadOnlySpan<byte> pixels, int width, PixelFormat format, int bpp, FrameRegion region, ViewKind kind, List<RobustView> output)
    {
        if (region.Width < PdqHasher.MinHashableDimension * 4 || region.Height < PdqHasher.MinHashableDimension * 4 || _seen.Contains(region))
        {
            return;
        }

        _seen.Add(region);
        var stride = width * bpp;
        var start = (region.Y * stride) + (region.X * bpp);
        var length = ((region.Height - 1) * stride) + (region.Width * bpp);
        var (hash, quality) = _hasher.Hash(pixels.Slice(start, length), region.Width, region.Height, format, stride);
        if (quality >= MinViewQuality)
        {
            output.Add(new RobustView(kind, hash, quality));
        }
    }
}
