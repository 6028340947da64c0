using System.Globalization;

namespace Haechi.Core.Signals;

/// <summary>What kind of content a signal fingerprints.</summary>
public enum ContentKind
{
    /// <summary>A still image.</summary>
    Photo = 0,

    /// <summary>A video.</summary>
    Video = 1,
}

/// <summary>How a signal type's raw score reads, which decides its strength function.</summary>
public enum SignalScoring
{
    /// <summary>A Hamming distance of 256-bit hashes: lower is closer; a match is at most the threshold.</summary>
    HammingDistance = 0,

    /// <summary>The share (percent) of a video's frames that match: a match is at least the threshold.</summary>
    FramePercent = 1,

    /// <summary>A cosine similarity of unit vectors: a match is at least the threshold.</summary>
    CosineSimilarity = 2,

    /// <summary>log10 of the expected number of false matches (a-contrario): a match is at most the threshold.</summary>
    Log10Nfa = 3,

    /// <summary>Exact equality of a digest: the score is 0 for equal.</summary>
    Exact = 4,
}

/// <summary>
/// A kind of signal (fingerprint) that banks hold and an index searches, as in HMA's signal types:
/// its wire name, what it fingerprints, how its score reads, its default threshold, its strength on
/// the one <see cref="MatchStrength"/> scale and how its values are written. Every signal type is
/// listed once in <see cref="All"/>; each has one index host per process (Haechi.Pipeline.Matching).
/// </summary>
public sealed record SignalType
{
    private SignalType(string name, ContentKind kind, SignalScoring scoring, double defaultThreshold, int maxRadius = 0, int dimensions = 0, int valueBytes = 0)
    {
        Name = name;
        Kind = kind;
        Scoring = scoring;
        DefaultThreshold = defaultThreshold;
        MaxRadius = maxRadius;
        Dimensions = dimensions;
        ValueBytes = valueBytes;
    }

    /// <summary>PDQ's match threshold (Hamming distance of 256 bits, inclusive), as the PDQ paper and HMA advise.</summary>
    public const int PdqThreshold = 31;

    /// <summary>PDQ: 256-bit perceptual image hash; match at distance ≤ 31.</summary>
    public static SignalType Pdq { get; } = new("pdq", ContentKind.Photo, SignalScoring.HammingDistance, PdqThreshold, maxRadius: 64, valueBytes: 32);

    /// <summary>
    /// PDQ views: the PDQ hashes of views of a registered photo (trimmed borders, the photo inside a
    /// screenshot, crops, caption cuts, edge strips; see <c>Haechi.Core.Robust.ViewKind</c>) and of a
    /// query's canonical views, so that edited copies match. Strips match at 24, every other pair at 31.
    /// </summary>
    public static SignalType PdqView { get; } = new("pdq-view", ContentKind.Photo, SignalScoring.HammingDistance, PdqThreshold, maxRadius: 64, valueBytes: 32);

    /// <summary>
    /// Local features: ORB-like keypoints verified by a RANSAC homography with an a-contrario bound;
    /// a match has log10 NFA ≤ −3 (see <c>Haechi.Core.Robust.Local.LocalFeatureIndex</c>).
    /// </summary>
    public static SignalType Local { get; } = new("local", ContentKind.Photo, SignalScoring.Log10Nfa, -3.0);

    /// <summary>
    /// vPDQ: a video as the PDQ hashes of its frames; an entry matches when at least 80 % of a query's
    /// frames are within 31 bits of its frames (see <c>Haechi.Core.Video.VpdqComparer</c>).
    /// </summary>
    public static SignalType Vpdq { get; } = new("vpdq", ContentKind.Video, SignalScoring.FramePercent, 80, maxRadius: 64, valueBytes: 32);

    /// <summary>
    /// HSE FaceRes face embeddings (1024 floats, L2-normalised, cosine ≥ 0.66 matches; see
    /// docs/models.md). Entries hold an enrolled subject's embedding, never the photo.
    /// </summary>
    public static SignalType FaceFaceresV1 { get; } = new("face-faceres-v1", ContentKind.Photo, SignalScoring.CosineSimilarity, 0.66, dimensions: 1024);

    /// <summary>MD5 of the file bytes: exact copies only (what victims' devices send beside PDQ).</summary>
    public static SignalType Md5 { get; } = new("md5", ContentKind.Photo, SignalScoring.Exact, 0, valueBytes: 16);

    /// <summary>Every signal type Haechi knows. Adding one is one declaration here plus its index host.</summary>
    public static IReadOnlyList<SignalType> All { get; } = [Pdq, PdqView, Local, Vpdq, FaceFaceresV1, Md5];

    /// <summary>Stable lower-case name used in storage, files and APIs (e.g. <c>pdq</c>).</summary>
    public string Name { get; }

    /// <summary>What the signal is computed from.</summary>
    public ContentKind Kind { get; }

    /// <summary>How the raw score reads.</summary>
    public SignalScoring Scoring { get; }

    /// <summary>
    /// The default threshold, in the unit of <see cref="Scoring"/>: the largest Hamming distance, the
    /// smallest frame percent or cosine, the largest log10 NFA that still matches.
    /// </summary>
    public double DefaultThreshold { get; }

    /// <summary>Hamming types: the default threshold as a radius (inclusive); 0 otherwise.</summary>
    public int DefaultRadius => Scoring is SignalScoring.HammingDistance or SignalScoring.FramePercent ? (Scoring == SignalScoring.FramePercent ? PdqThreshold : (int)DefaultThreshold) : 0;

    /// <summary>Largest radius the index answers exactly (Hamming types); 0 otherwise.</summary>
    public int MaxRadius { get; }

    /// <summary>
    /// For face-embedding signals, the vector length (entries are float vectors searched by cosine
    /// similarity in a <c>Haechi.Core.Faces.FaceIndex</c>, not by Hamming distance); 0 for hashes.
    /// </summary>
    public int Dimensions { get; }

    /// <summary>Bytes of one value in its canonical binary form (0 for variable-length signals).</summary>
    public int ValueBytes { get; }

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

    /// <summary>The strength of a raw score at the default threshold, on the one <see cref="MatchStrength"/> scale.</summary>
    public double Strength(double score) => Strength(score, DefaultThreshold);

    /// <summary>The strength of a raw score at <paramref name="threshold"/>, on the one <see cref="MatchStrength"/> scale.</summary>
    public double Strength(double score, double threshold) => Scoring switch
    {
        SignalScoring.HammingDistance => MatchStrength.FromDistance((int)Math.Round(score), (int)threshold),
        SignalScoring.FramePercent => MatchStrength.FromFramePercent(score, threshold),
        SignalScoring.CosineSimilarity => MatchStrength.FromSimilarity(score, threshold),
        SignalScoring.Log10Nfa => MatchStrength.FromLog10Nfa(score, threshold),
        _ => score == 0 ? 1 : 0,
    };

    /// <summary>Writes a fixed-length value (hashes, digests) as lower-case hex, the form files and APIs use.</summary>
    public string Format(ReadOnlySpan<byte> value)
    {
        if (ValueBytes == 0 || value.Length != ValueBytes)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"A {Name} value is {ValueBytes} bytes."), nameof(value));
        }

        return Convert.ToHexStringLower(value);
    }

    /// <summary>Reads a fixed-length value written by <see cref="Format"/> (hex, either case); null with a reason when malformed.</summary>
    public byte[]? TryParse(string? text, out string? problem)
    {
        problem = null;
        if (ValueBytes == 0)
        {
            problem = $"{Name} values are not written as text.";
            return null;
        }

        if (text is null || text.Length != ValueBytes * 2)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"A {Name} value is {ValueBytes * 2} hex digits.");
            return null;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                problem = string.Create(CultureInfo.InvariantCulture, $"A {Name} value is {ValueBytes * 2} hex digits.");
                return null;
            }
        }

        return Convert.FromHexString(text);
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
