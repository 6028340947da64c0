using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Haechi.Data.Sealing;

/// <summary>
/// Seals content at rest (evidence screenshots, fetched media) with AES-256-GCM. A sealed blob is
/// <c>version (1) | key id (4, big-endian) | nonce (12) | tag (16) | ciphertext</c>; the key id
/// lets keys rotate (old blobs still open with their own key). The caller's <em>context</em>
/// (for example <c>"evidence"</c> plus a row id) is bound as associated data, so a blob moved to
/// another row or purpose no longer opens.
/// </summary>
public sealed class ContentSealer
{
    /// <summary>Length of an AES-256 key.</summary>
    public const int KeyLength = 32;

    private const byte Version = 1;
    private const int NonceLength = 12;
    private const int TagLength = 16;
    private const int HeaderLength = 1 + 4 + NonceLength + TagLength;

    private readonly Dictionary<int, byte[]> _keys;

    /// <summary>Creates a sealer that seals with <paramref name="currentKeyId"/> and opens with any key of <paramref name="keys"/>.</summary>
    public ContentSealer(IReadOnlyDictionary<int, byte[]> keys, int currentKeyId)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = new Dictionary<int, byte[]>(keys.Count);
        foreach (var (id, key) in keys)
        {
            if (key is null || key.Length != KeyLength)
            {
                throw new ArgumentException($"Sealing key {id} must be {KeyLength} bytes.", nameof(keys));
            }

            _keys[id] = (byte[])key.Clone();
        }

        if (!_keys.ContainsKey(currentKeyId))
        {
            throw new ArgumentException($"The current sealing key {currentKeyId} is not in the key ring.", nameof(currentKeyId));
        }

        CurrentKeyId = currentKeyId;
    }

    /// <summary>The key new blobs are sealed with.</summary>
    public int CurrentKeyId { get; }

    /// <summary>Number of bytes a sealed blob adds to its content.</summary>
    public static int Overhead => HeaderLength;

    /// <summary>Seals <paramref name="content"/>, bound to <paramref name="context"/>.</summary>
    public byte[] Seal(ReadOnlySpan<byte> content, ReadOnlySpan<byte> context)
    {
        var sealedBlob = new byte[HeaderLength + content.Length];
        sealedBlob[0] = Version;
        BinaryPrimitives.WriteInt32BigEndian(sealedBlob.AsSpan(1, 4), CurrentKeyId);
        var nonce = sealedBlob.AsSpan(5, NonceLength);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_keys[CurrentKeyId], TagLength);
        aes.Encrypt(nonce, content, sealedBlob.AsSpan(HeaderLength), sealedBlob.AsSpan(5 + NonceLength, TagLength), context);
        return sealedBlob;
    }

    /// <summary>Opens a blob sealed by <see cref="Seal"/> with the same <paramref name="context"/>.</summary>
    /// <exception cref="SealedContentException">The blob is damaged, was sealed for another context, or its key is not in the ring.</exception>
    public byte[] Open(ReadOnlySpan<byte> sealedBlob, ReadOnlySpan<byte> context)
    {
        if (sealedBlob.Length < HeaderLength || sealedBlob[0] != Version)
        {
            throw new SealedContentException("The sealed content is damaged or of an unknown version.");
        }

        var keyId = BinaryPrimitives.ReadInt32BigEndian(sealedBlob.Slice(1, 4));
        if (!_keys.TryGetValue(keyId, out var key))
        {
            throw new SealedContentException($"The sealed content needs key {keyId}, which is not in the key ring.");
        }

        var content = new byte[sealedBlob.Length - HeaderLength];
        using var aes = new AesGcm(key, TagLength);
        try
        {
            aes.Decrypt(sealedBlob.Slice(5, NonceLength), sealedBlob[HeaderLength..], sealedBlob.Slice(5 + NonceLength, TagLength), content, context);
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new SealedContentException("The sealed content was altered, or belongs to another record.", ex);
        }

        return content;
    }

    /// <summary>The key id a sealed blob names, without opening it.</summary>
    public static int KeyIdOf(ReadOnlySpan<byte> sealedBlob) =>
        sealedBlob.Length < HeaderLength ? throw new SealedContentException("The sealed content is damaged.") : BinaryPrimitives.ReadInt32BigEndian(sealedBlob.Slice(1, 4));
}

/// <summary>Sealed content could not be opened.</summary>
public sealed class SealedContentException : Exception
{
    public SealedContentException()
    {
    }

    public SealedContentException(string message)
        : base(message)
    {
    }

    public SealedContentException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
