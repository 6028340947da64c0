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

    /// <summary>Whether a device may send a view of <paramref name="kind"/>: the canonical views, crops and cuts.</summary>
    public static bool IsRegistrationKind(ViewKind kind) => kind is >= ViewKind.Trimmed and <= ViewKind.CutTop24;

    /// <summary>
    /// The plain PDQ of the pixels (exactly <see cref="PdqHasher.Hash"/>: the registered signal) first,
    /// then the extra views to send with it (kinds of <see cref="IsRegistrationKind"/>, each at most once,
    /// PDQ quality ≥ <see cref="RobustViewHasher.MinViewQuality"/>).
    /// </summary>
    public static void Compute(RobustViewHasher hasher, ReadOnlySpan<byte> pixels, int width, int height, PixelFormat format, List<RobustView> output)
    {
        ArgumentNullException.ThrowIfNull(hasher);
        hasher.ComputeRegistration(pixels, width, height, format, Families, output);
    }
}
