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

    /// <summary>Centre crop of 3 % per side of the trimmed image (registered only).</summary>
    Crop3 = 10,

    /// <summary>Centre crop of 6 % per side of the trimmed image (registered only).</summary>
    Crop6 = 11,

    /// <summary>Centre crop of 9 % per side of the trimmed image (registered only).</summary>
    Crop9 = 12,

    /// <summary>Centre crop of 12 % per side of the trimmed image (registered only).</summary>
    Crop12 = 13,

    /// <summary>Centre crop of 15 % per side of the trimmed image (registered only).</summary>
    Crop15 = 14,

    /// <summary>Centre crop of 18 % per side of the trimmed image (registered only).</summary>
    Crop18 = 15,

    /// <summary>Centre crop of 21 % per side of the trimmed image (registered only).</summary>
    Crop21 = 16,

    /// <summary>Centre crop of 24 % per side of the trimmed image (registered only).</summary>
    Crop24 = 17,

    /// <summary>The trimmed image without its bottom 4 % (registered only; caption bars).</summary>
    CutBottom4 = 18,

    /// <summary>The trimmed image without its bottom 8 % (registered only; caption bars).</summary>
    CutBottom8 = 19,

    /// <summary>The trimmed image without its bottom 12 % (registered only; caption bars).</summary>
    CutBottom12 = 20,

    /// <summary>The trimmed image without its bottom 16 % (registered only; caption bars).</summary>
    CutBottom16 = 21,

    /// <summary>The trimmed image without its bottom 20 % (registered only; caption bars).</summary>
    CutBottom20 = 22,

    /// <summary>The trimmed image without its bottom 24 % (registered only; caption bars).</summary>
    CutBottom24 = 23,

    /// <summary>The trimmed image without its top 4 % (registered only; caption bars).</summary>
    CutTop4 = 24,

    /// <summary>The trimmed image without its top 8 % (registered only; caption bars).</summary>
    CutTop8 = 25,

    /// <summary>The trimmed image without its top 12 % (registered only; caption bars).</summary>
    CutTop12 = 26,

    /// <summary>The trimmed image without its top 16 % (registered only; caption bars).</summary>
    CutTop16 = 27,

    /// <summary>The trimmed image without its top 20 % (registered only; caption bars).</summary>
    CutTop20 = 28,

    /// <summary>The trimmed image without its top 24 % (registered only; caption bars).</summary>
    CutTop24 = 29,

    /// <summary>The top 40 % strip (occlusion: a small sticker always misses one strip).</summary>
    StripTop = 30,

    /// <summary>The bottom 40 % strip.</summary>
    StripBottom = 31,

    /// <summary>The left 40 % strip.</summary>
    StripLeft = 32,

    /// <summary>The right 40 % strip.</summary>
    StripRight = 33,
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
    public const int Count = 34;

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
        >= ViewKind.Crop3 and <= ViewKind.Crop24 or >= ViewKind.CutBottom4 and <= ViewKind.CutTop24 => kind.ToString().ToLowerInvariant(),
        _ => ThrowHelper.ThrowArgumentOutOfRange<string>(nameof(kind)),
    };

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

        if (registered >= ViewKind.Crop3)
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
