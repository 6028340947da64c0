namespace Haechi.Core.Robust;

/// <summary>Which part of an image a view's PDQ hash was computed from.</summary>
public enum ViewKind : byte
{
    /// <summary>The image as it is: exactly the reference PDQ.</summary>
    Whole = 0,

    /// <summary>The image rotated 90° (dihedral, from the same DCT).</summary>
    Rotate90 = 1,

    /// <summary>The image rotated 180°.</summary>
    Rotate180 = 2,

    /// <summary>The image rotated 270°.</summary>
    Rotate270 = 3,

    /// <summary>The image mirrored left to right.</summary>
    FlipX = 4,

    /// <summary>The image flipped top to bottom.</summary>
    FlipY = 5,

    /// <summary>The image mirrored about the main diagonal.</summary>
    FlipPlus1 = 6,

    /// <summary>The image mirrored about the anti-diagonal.</summary>
    FlipMinus1 = 7,

    /// <summary>The image without flat borders and letterbox bars.</summary>
    Trimmed = 8,

    /// <summary>The photo found inside a screenshot-like frame.</summary>
    Photo = 9,

    /// <summary>Centre crop of 2 % per side of the trimmed image (registered only).</summary>
    Crop2 = 10,

    /// <summary>Centre crop of 4 % per side of the trimmed image (registered only).</summary>
    Crop4 = 11,

    /// <summary>Centre crop of 6 % per side of the trimmed image (registered only).</summary>
    Crop6 = 12,

    /// <summary>Centre crop of 8 % per side of the trimmed image (registered only).</summary>
    Crop8 = 13,

    /// <summary>Centre crop of 10 % per side of the trimmed image (registered only).</summary>
    Crop10 = 14,

    /// <summary>Centre crop of 12 % per side of the trimmed image (registered only).</summary>
    Crop12 = 15,

    /// <summary>Centre crop of 14 % per side of the trimmed image (registered only).</summary>
    Crop14 = 16,

    /// <summary>Centre crop of 16 % per side of the trimmed image (registered only).</summary>
    Crop16 = 17,

    /// <summary>Centre crop of 18 % per side of the trimmed image (registered only).</summary>
    Crop18 = 18,

    /// <summary>Centre crop of 20 % per side of the trimmed image (registered only).</summary>
    Crop20 = 19,

    /// <summary>Centre crop of 22 % per side of the trimmed image (registered only).</summary>
    Crop22 = 20,

    /// <summary>Centre crop of 24 % per side of the trimmed image (registered only).</summary>
    Crop24 = 21,

    /// <summary>The trimmed image without its bottom 2 % (registered only; caption bars).</summary>
    CutBottom2 = 22,

    /// <summary>The trimmed image without its bottom 4 % (registered only; caption bars).</summary>
    CutBottom4 = 23,

    /// <summary>The trimmed image without its bottom 6 % (registered only; caption bars).</summary>
    CutBottom6 = 24,

    /// <summary>The trimmed image without its bottom 8 % (registered only; caption bars).</summary>
    CutBottom8 = 25,

    /// <summary>The trimmed image without its bottom 10 % (registered only; caption bars).</summary>
    CutBottom10 = 26,

    /// <summary>The trimmed image without its bottom 12 % (registered only; caption bars).</summary>
    CutBottom12 = 27,

    /// <summary>The trimmed image without its bottom 14 % (registered only; caption bars).</summary>
    CutBottom14 = 28,

    /// <summary>The trimmed image without its bottom 16 % (registered only; caption bars).</summary>
    CutBottom16 = 29,

    /// <summary>The trimmed image without its bottom 18 % (registered only; caption bars).</summary>
    CutBottom18 = 30,

    /// <summary>The trimmed image without its bottom 20 % (registered only; caption bars).</summary>
    CutBottom20 = 31,

    /// <summary>The trimmed image without its bottom 22 % (registered only; caption bars).</summary>
    CutBottom22 = 32,

    /// <summary>The trimmed image without its bottom 24 % (registered only; caption bars).</summary>
    CutBottom24 = 33,

    /// <summary>The trimmed image without its top 2 % (registered only; caption bars).</summary>
    CutTop2 = 34,

    /// <summary>The trimmed image without its top 4 % (registered only; caption bars).</summary>
    CutTop4 = 35,

    /// <summary>The trimmed image without its top 6 % (registered only; caption bars).</summary>
    CutTop6 = 36,

    /// <summary>The trimmed image without its top 8 % (registered only; caption bars).</summary>
    CutTop8 = 37,

    /// <summary>The trimmed image without its top 10 % (registered only; caption bars).</summary>
    CutTop10 = 38,

    /// <summary>The trimmed image without its top 12 % (registered only; caption bars).</summary>
    CutTop12 = 39,

    /// <summary>The trimmed image without its top 14 % (registered only; caption bars).</summary>
    CutTop14 = 40,

    /// <summary>The trimmed image without its top 16 % (registered only; caption bars).</summary>
    CutTop16 = 41,

    /// <summary>The trimmed image without its top 18 % (registered only; caption bars).</summary>
    CutTop18 = 42,

    /// <summary>The trimmed image without its top 20 % (registered only; caption bars).</summary>
    CutTop20 = 43,

    /// <summary>The trimmed image without its top 22 % (registered only; caption bars).</summary>
    CutTop22 = 44,

    /// <summary>The trimmed image without its top 24 % (registered only; caption bars).</summary>
    CutTop24 = 45,

    /// <summary>The top 40 % strip (occlusion: a small sticker always misses one strip).</summary>
    StripTop = 46,

    /// <summary>The bottom 40 % strip.</summary>
    StripBottom = 47,

    /// <summary>The left 40 % strip.</summary>
    StripLeft = 48,

    /// <summary>The right 40 % strip.</summary>
    StripRight = 49,
}

/// <summary>The signal family a match came through, for reports and per-signal figures.</summary>
public enum RobustSignal : byte
{
    /// <summary>The plain PDQ of both images.</summary>
    Pdq = 0,

    /// <summary>A dihedral (rotated or mirrored) PDQ of the registered image.</summary>
    Dihedral = 1,

    /// <summary>A canonical view (borders trimmed, photo found in a screenshot) on either side.</summary>
    Canonical = 2,

    /// <summary>A registered crop or caption cut of the original.</summary>
    Crops = 3,

    /// <summary>An edge strip that an occluding sticker left intact.</summary>
    Partial = 4,
}

/// <summary>Facts about view kinds.</summary>
public static class ViewKinds
{
    /// <summary>Number of view kinds.</summary>
    public const int Count = 50;

    /// <summary>Stable lower-case name (storage and reports).</summary>
    public static string Name(this ViewKind kind) => kind switch
    {
        ViewKind.Whole => "whole",
        ViewKind.Rotate90 => "rotate90",
        ViewKind.Rotate180 => "rotate180",
        ViewKind.Rotate270 => "rotate270",
        ViewKind.FlipX => "flipx",
        ViewKind.FlipY => "flipy",
        ViewKind.FlipPlus1 => "flipplus1",
        ViewKind.FlipMinus1 => "flipminus1",
        ViewKind.Trimmed => "trimmed",
        ViewKind.Photo => "photo",
        ViewKind.StripTop => "striptop",
        ViewKind.StripBottom => "stripbottom",
        ViewKind.StripLeft => "stripleft",
        ViewKind.StripRight => "stripright",
        >= ViewKind.Crop2 and <= ViewKind.Crop24 or >= ViewKind.CutBottom2 and <= ViewKind.CutTop24 => kind.ToString().ToLowerInvariant(),
        _ => ThrowHelper.ThrowArgumentOutOfRange<string>(nameof(kind)),
    };

    /// <summary>
    /// The view kind whose <see cref="Name(ViewKind)"/> is <paramref name="name"/> (exact, lower case);
    /// false for anything else, numbers included.
    /// </summary>
    public static bool TryParse(string? name, out ViewKind kind)
    {
        kind = default;
        if (string.IsNullOrEmpty(name) || name.Length > 16)
        {
            return false;
        }

        for (var i = 0; i < Count; i++)
        {
            if (string.Equals(((ViewKind)i).Name(), name, StringComparison.Ordinal))
            {
                kind = (ViewKind)i;
                return true;
            }
        }

        return false;
    }

    /// <summary>True for the four edge strips, which only match the same strip.</summary>
    public static bool IsStrip(this ViewKind kind) => kind is >= ViewKind.StripTop and <= ViewKind.StripRight;

    /// <summary>Which signal family a match between a query view and a registered view belongs to.</summary>
    public static RobustSignal SignalOf(ViewKind query, ViewKind registered)
    {
        if (query.IsStrip() || registered.IsStrip())
        {
            return RobustSignal.Partial;
        }

        if (query is ViewKind.Trimmed or ViewKind.Photo || registered is ViewKind.Trimmed or ViewKind.Photo)
        {
            return RobustSignal.Canonical;
        }

        if (registered >= ViewKind.Crop2)
        {
            return RobustSignal.Crops;
        }

        return registered == ViewKind.Whole ? RobustSignal.Pdq : RobustSignal.Dihedral;
    }

    /// <summary>Whether a query view may be compared with a registered view: strips only with the same strip.</summary>
    public static bool Comparable(ViewKind query, ViewKind registered) =>
        query.IsStrip() || registered.IsStrip() ? query == registered : true;

    /// <summary>Lower-case name of a signal family.</summary>
    public static string Name(this RobustSignal signal) => signal switch
    {
        RobustSignal.Pdq => "pdq",
        RobustSignal.Dihedral => "dihedral",
        RobustSignal.Canonical => "canonical",
        RobustSignal.Crops => "crops",
        RobustSignal.Partial => "partial",
        _ => ThrowHelper.ThrowArgumentOutOfRange<string>(nameof(signal)),
    };
}
