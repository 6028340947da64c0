namespace Haechi.Core.Banks;

/// <summary>What kind of content a signal fingerprints.</summary>
public enum ContentKind
{
    /// <summary>A still image.</summary>
    Photo = 0,

    /// <summary>A video.</summary>
    Video = 1,
}

/// <summary>
/// A kind of signal (fingerprint) that banks hold and an index searches, as in HMA's signal types:
/// its wire name, what it fingerprints and the match threshold it is used with by default.
/// </summary>
/// <param name="Name">Stable lower-case name used in storage, files and APIs (e.g. <c>pdq</c>).</param>
/// <param name="Kind">What the signal is computed from.</param>
/// <param name="DefaultRadius">Default match threshold (Hamming distance, inclusive).</param>
/// <param name="MaxRadius">Largest radius the index answers exactly.</param>
/// <param name="Dimensions">
/// For face-embedding signals, the vector length (entries are float vectors searched by cosine
/// similarity in a <c>Haechi.Core.Faces.FaceIndex</c>, not by Hamming distance); 0 for hashes.
/// </param>
public sealed record SignalType(string Name, ContentKind Kind, int DefaultRadius, int MaxRadius, int Dimensions = 0)
{
    /// <summary>PDQ: 256-bit perceptual image hash; match at distance ≤ 31.</summary>
    public static SignalType Pdq { get; } = new("pdq", ContentKind.Photo, 31, 64);

    /// <summary>
    /// vPDQ: a video as the PDQ hashes of its frames; an entry matches when enough of a query's
    /// frames are within 31 bits of its frames (see <c>Haechi.Core.Video.VpdqComparer</c>).
    /// </summary>
    public static SignalType Vpdq { get; } = new("vpdq", ContentKind.Video, 31, 64);

    /// <summary>
    /// HSE FaceRes face embeddings (1024 floats, L2-normalised, cosine ≥ 0.66 matches; see
    /// docs/models.md). Entries hold an enrolled subject's embedding, never the photo.
    /// </summary>
    public static SignalType FaceFaceresV1 { get; } = new("face-faceres-v1", ContentKind.Photo, 0, 0, 1024);

    /// <summary>Every signal type Haechi knows, by name.</summary>
    public static IReadOnlyList<SignalType> All { get; } = [Pdq, Vpdq, FaceFaceresV1];

    /// <summary>True for face-embedding signals (float vectors compared by cosine similarity).</summary>
    public bool IsFaceEmbedding => Dimensions > 0;

    /// <summary>Finds a signal type by its name (case-insensitive).</summary>
    public static SignalType? Find(string name)
    {
        foreach (var type in All)
        {
            if (string.Equals(type.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return type;
            }
        }

        return null;
    }
}
