using System.Globalization;
using System.Text;
using Haechi.Data.Sealing;

namespace Haechi.Data.Banks;

/// <summary>
/// Face embeddings are biometric data: a store with a <see cref="ContentSealer"/> keeps each vector
/// sealed (AES-256-GCM, bound to its entry id, so a blob copied to another entry does not open) and
/// opens it only when an index loads. A plain vector is 4 bytes per value; a sealed one is
/// <see cref="ContentSealer.Overhead"/> (33) bytes longer, never a multiple of 4, so rows written
/// before sealing (or by a store without a sealer) still load, and are told apart by length alone.
/// </summary>
public static class FaceEmbeddingSeal
{
    /// <summary>The sealing context of the vector of entry <paramref name="entryId"/>.</summary>
    public static byte[] Context(long entryId) =>
        Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"haechi-face-embedding-v1|entry:{entryId}"));

    /// <summary>True when <paramref name="stored"/> is a sealed vector rather than plain float32 bytes.</summary>
    public static bool IsSealed(ReadOnlySpan<byte> stored) =>
        stored.Length > ContentSealer.Overhead && stored.Length % sizeof(float) != 0 && (stored.Length - ContentSealer.Overhead) % sizeof(float) == 0;

    /// <summary>The bytes to store for entry <paramref name="entryId"/>: sealed when there is a sealer, else plain.</summary>
    public static byte[] Protect(ContentSealer? sealer, long entryId, byte[] plain) =>
        sealer is null ? plain : sealer.Seal(plain, Context(entryId));

    /// <summary>The plain float32 bytes of a stored vector.</summary>
    /// <exception cref="SealedContentException">The vector is sealed and there is no sealer, or it does not open (wrong key, moved, damaged).</exception>
    public static byte[] Open(ContentSealer? sealer, long entryId, byte[] stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (!IsSealed(stored))
        {
            return stored;
        }

        return sealer is null
            ? throw new SealedContentException("This face entry is sealed; open the store with its sealing key (DATA/keys/sealing-keys or Sealing:Key).")
            : sealer.Open(stored, Context(entryId));
    }
}
