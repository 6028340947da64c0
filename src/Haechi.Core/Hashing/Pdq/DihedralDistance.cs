namespace Haechi.Core.Hashing.Pdq;

/// <summary>
/// One picture compared with one known hash through its rotations and mirrors: the rule every 1:1
/// PDQ comparison uses (a notice re-check, a forensic comparison with a reference picture), the same
/// rule the index applies to a query's dihedral hashes.
/// </summary>
public static class DihedralDistance
{
    /// <summary>
    /// The transform whose hash is closest to <paramref name="reference"/> and its distance;
    /// <paramref name="transformed"/> holds the hashes in <see cref="DihedralTransform"/> order (one
    /// hash: the picture as it is). On ties the plainer transform wins (the original first).
    /// </summary>
    public static (DihedralTransform Transform, int Distance) Closest(ReadOnlySpan<Hash256> transformed, Hash256 reference)
    {
        if (transformed.IsEmpty)
        {
            ThrowHelper.ThrowArgument(nameof(transformed), "At least one hash is needed.");
        }

        var best = (Transform: DihedralTransform.Original, Distance: int.MaxValue);
        for (var t = 0; t < transformed.Length && t < DihedralTransformNames.Count; t++)
        {
            var distance = Hash256.Distance(transformed[t], reference);
            if (distance < best.Distance)
            {
                best = ((DihedralTransform)t, distance);
            }
        }

        return best;
    }
}
