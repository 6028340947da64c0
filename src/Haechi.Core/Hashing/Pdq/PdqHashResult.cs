using System.Runtime.CompilerServices;

namespace Haechi.Core.Hashing.Pdq;

/// <summary>A PDQ hash and its quality (0..100; PDQ advises discarding hashes below 50).</summary>
/// <param name="Hash">The 256-bit hash.</param>
/// <param name="Quality">The gradient-based quality score, 0..100.</param>
public readonly record struct PdqHashResult(Hash256 Hash, int Quality);

/// <summary>The eight dihedral PDQ hashes of one image, computed from one DCT as the reference does.</summary>
public readonly struct PdqDihedralHashes
{
    private readonly DihedralHashArray _hashes;

    internal PdqDihedralHashes(in DihedralHashArray hashes, int quality)
    {
        _hashes = hashes;
        Quality = quality;
    }

    /// <summary>The quality, shared by all eight hashes.</summary>
    public int Quality { get; }

    /// <summary>The hash of the image as it would be after <paramref name="transform"/>.</summary>
    public Hash256 this[DihedralTransform transform]
    {
        get
        {
            if ((uint)transform >= DihedralTransformNames.Count)
            {
                ThrowHelper.ThrowArgumentOutOfRange<Hash256>(nameof(transform));
            }

            return _hashes[(int)transform];
        }
    }

    /// <summary>The hash of the image as it is.</summary>
    public Hash256 Original => _hashes[0];

    /// <summary>The plain hash and quality.</summary>
    public PdqHashResult ToResult() => new(Original, Quality);

    /// <summary>Copies the eight hashes in reference order.</summary>
    public void CopyTo(Span<Hash256> destination)
    {
        if (destination.Length < DihedralTransformNames.Count)
        {
            ThrowHelper.ThrowArgument(nameof(destination), "Destination needs room for eight hashes.");
        }

        for (var i = 0; i < DihedralTransformNames.Count; i++)
        {
            destination[i] = _hashes[i];
        }
    }
}

/// <summary>Eight hashes stored inline.</summary>
[InlineArray(DihedralTransformNames.Count)]
internal struct DihedralHashArray
{
    private Hash256 _element0;
}
