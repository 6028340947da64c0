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

    /// <summary>Centre crops of the trimmed image (registered only).</summary>
    Crop4 = 10,

    /// <summary>8 % per side.</summary>
    Crop8 = 11,

    /// <summary>12 % per side.</summary>
    Crop12 = 12,

    /// <summary>16 % per side.</summary>
    Crop16 = 13,

    /// <summary>20 % per side.</summary>
    Crop20 = 14,

    /// <summary>24 % per side.</summary>
    Crop24 = 15,

    /// <summary>Without its bottom 10 % (registered only; caption bars).</summary>
    CutBottom10 = 16,

    /// <summary>Without its bottom 20 %.</summary>
    CutBottom20 = 17,

    /// <summary>Without its top 10 %.</summary>
    CutTop10 = 18,

    /// <summary>Without its top 20 %.</summary>
    CutTop20 = 19,

    /// <summary>The top 40 % strip (occlusion: a small sticker always misses one strip).</summary>
    StripTop = 20,

    /// <summary>The bottom 40 % strip.</summary>
    StripBottom = 21,

    /// <summary>The left 40 % strip.</summary>
    StripLeft = 22,

    /// <summary>The right 40 % strip.</summary>
    StripRight = 23,
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
    public const int Count = 24;

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
        ViewKind.Crop4 => "crop4",
        ViewKind.Crop8 => "crop8",
        ViewKind.Crop12 => "crop12",
        ViewKind.Crop16 => "crop16",
        ViewKind.Crop20 => "crop20",
        ViewKind.Crop24 => "crop24",
        ViewKind.CutBottom10 => "cutbottom10",
        ViewKind.CutBottom20 => "cutbottom20",
        ViewKind.CutTop10 => "cuttop10",
        ViewKind.CutTop20 => "cuttop20",
        ViewKind.StripTop => "striptop",
        ViewKind.StripBottom => "stripbottom",
        ViewKind.StripLeft => "stripleft",
        ViewKind.StripRight => "stripright",
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

        if (registered >= ViewKind.Crop4)
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
