using System.Diagnostics;
using System.Security.Cryptography;
using Haechi.Core.Hashing;
using Haechi.Core.Hashing.Pdq;
using Haechi.Core.Robust;
using Haechi.Core.Robust.Local;

namespace Haechi.Media.Images;

/// <summary>What to compute for an image file.</summary>
[Flags]
public enum FingerprintParts
{
    /// <summary>The PDQ hash and quality.</summary>
    Pdq = 0,

    /// <summary>All eight dihedral PDQ hashes.</summary>
    Dihedral = 1,

    /// <summary>MD5 and SHA-256 of the file bytes.</summary>
    FileDigests = 2,

    /// <summary>
    /// The query views of <see cref="ImageFingerprinter.QueryViews"/> (canonical views, strips), from
    /// the same decode as the PDQ hash.
    /// </summary>
    RobustViews = 4,

    /// <summary>
    /// Query local features (<see cref="LocalFeatureExtractor"/>), from the same decode. Also computed
    /// with <see cref="RobustViews"/> when <see cref="ImageFingerprinter.QueryViews"/> holds
    /// <see cref="RobustFamilies.Local"/> (banks that keep local features).
    /// </summary>
    LocalFeatures = 8,
}

/// <summary>The fingerprints of one image file and where the time went.</summary>
public sealed record ImageFingerprint
{
    /// <summary>The PDQ hash of the image as it is.</summary>
    public required Hash256 Pdq { get; init; }

    /// <summary>PDQ quality, 0..100.</summary>
    public required int Quality { get; init; }

    /// <summary>The eight dihedral hashes in reference order, when asked for.</summary>
    public Hash256[]? Dihedral { get; init; }

    /// <summary>The query views (plain PDQ first) when <see cref="FingerprintParts.RobustViews"/> was asked for.</summary>
    public IReadOnlyList<RobustView>? Views { get; init; }

    /// <summary>The query's local features, when asked for (<see cref="FingerprintParts.LocalFeatures"/>).</summary>
    public LocalFeatures? Local { get; init; }

    /// <summary>Time spent on the local features (included in <see cref="HashTime"/>).</summary>
    public TimeSpan LocalTime { get; init; }

    /// <summary>MD5 of the file bytes (lower-case hex), when asked for.</summary>
    public string? Md5 { get; init; }

    /// <summary>SHA-256 of the file bytes (lower-case hex), when asked for.</summary>
    public string? Sha256 { get; init; }

    /// <summary>The libvips loader that decoded the file (e.g. <c>jpegload</c>), naming its format.</summary>
    public string? Loader { get; init; }

    /// <summary>Width declared by the file.</summary>
    public required int Width { get; init; }

    /// <summary>Height declared by the file.</summary>
    public required int Height { get; init; }

    /// <summary>Time spent reading and decoding.</summary>
    public required TimeSpan DecodeTime { get; init; }

    /// <summary>Time spent hashing the pixels.</summary>
    public required TimeSpan HashTime { get; init; }
}

/// <summary>
/// Reads an image file once and computes its fingerprints. Holds a <see cref="PdqHasher"/>:
/// use one instance per thread.
/// </summary>
public sealed class ImageFingerprinter(ImageDecodeOptions? options = null)
{
    private readonly PdqHasher _hasher = new();
    private readonly ImageDecodeOptions _options = options ?? ImageDecodeOptions.Default;
    private RobustViewHasher? _views;
    private LocalFeatureExtractor? _local;

    /// <summary>
    /// Which extra views <see cref="FingerprintParts.RobustViews"/> computes (the banks' signals); with
    /// <see cref="RobustFamilies.Local"/> it also computes the local features.
    /// </summary>
    public RobustFamilies QueryViews { get; init; } = RobustFamilies.PdqViews;

    /// <summary>The decode options in force.</summary>
    public ImageDecodeOptions Options => _options;

    /// <summary>Fingerprints the file at <paramref name="path"/>.</summary>
    /// <exception cref="ImageDecodeException">The file cannot be read, is refused, or is not a decodable image.</exception>
    public ImageFingerprint Fingerprint(string path, FingerprintParts parts = FingerprintParts.Pdq)
    {
        var start = Stopwatch.GetTimestamp();
        var bytes = ReadFile(path, _options.MaxFileBytes);
        return Fingerprint(bytes, parts, start);
    }

    /// <summary>Fingerprints image bytes already in memory.</summary>
    /// <exception cref="ImageDecodeException">The bytes are refused or are not a decodable image.</exception>
    public ImageFingerprint Fingerprint(byte[] bytes, FingerprintParts parts = FingerprintParts.Pdq) =>
        Fingerprint(bytes, parts, Stopwatch.GetTimestamp());

    private ImageFingerprint Fingerprint(byte[] bytes, FingerprintParts parts, long start)
    {
        var image = ImageDecoder.Decode(bytes, _options);
        var decoded = Stopwatch.GetTimestamp();
        Hash256 hash;
        int quality;
        Hash256[]? dihedral = null;
        if ((parts & FingerprintParts.Dihedral) != 0)
        {
            var all = _hasher.HashDihedral(image.Pixels, image.Width, image.Height, image.Format);
            dihedral = new Hash256[DihedralTransformNames.Count];
            all.CopyTo(dihedral);
            hash = all.Original;
            quality = all.Quality;
        }
        else if ((parts & FingerprintParts.RobustViews) == 0)
        {
            (hash, quality) = _hasher.Hash(image.Pixels, image.Width, image.Height, image.Format);
        }
        else
        {
            hash = default;
            quality = 0;
        }

        // One decode for every signal: the views' first entry is the same plain PDQ of the same pixels.
        List<RobustView>? views = null;
        if ((parts & FingerprintParts.RobustViews) != 0)
        {
            views = [];
            (_views ??= new RobustViewHasher()).ComputeQuery(image.Pixels, image.Width, image.Height, image.Format, QueryViews, views);
            if (dihedral is null)
            {
                (hash, quality) = (views[0].Hash, views[0].Quality);
            }
        }

        // Local features from the same decoded pixels (no second decode).
        LocalFeatures? local = null;
        var localStart = Stopwatch.GetTimestamp();
        if ((parts & FingerprintParts.LocalFeatures) != 0 || ((parts & FingerprintParts.RobustViews) != 0 && (QueryViews & RobustFamilies.Local) != 0))
        {
            local = (_local ??= new LocalFeatureExtractor()).Extract(image.Pixels, image.Width, image.Height, image.Format, LocalFeatureExtractor.MaxQueryFeatures, workingSide: LocalFeatureExtractor.QueryWorkingSide);
        }

        var hashed = Stopwatch.GetTimestamp();
        string? md5 = null, sha256 = null;
        if ((parts & FingerprintParts.FileDigests) != 0)
        {
#pragma warning disable CA5351 // MD5 is an exchange format here (hash lists, StopNCII), not a security control.
            md5 = Convert.ToHexStringLower(MD5.HashData(bytes));
#pragma warning restore CA5351
            sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        }

        return new ImageFingerprint
        {
            Pdq = hash,
            Quality = quality,
            Dihedral = dihedral,
            Views = views,
            Local = local,
            LocalTime = Stopwatch.GetElapsedTime(localStart, hashed),
            Md5 = md5,
            Sha256 = sha256,
            Loader = image.Loader,
            Width = image.SourceWidth,
            Height = image.SourceHeight,
            DecodeTime = Stopwatch.GetElapsedTime(start, decoded),
            HashTime = Stopwatch.GetElapsedTime(decoded, hashed),
        };
    }

    /// <summary>Reads a whole file after checking its size against the cap.</summary>
    /// <exception cref="ImageDecodeException">The file is missing, unreadable, empty or too large.</exception>
    public static byte[] ReadFile(string path, long maxBytes)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            var length = stream.Length;
            if (length == 0)
            {
                throw new ImageDecodeException(ImageDecodeError.Empty, "The file is empty.");
            }

            if (length > maxBytes)
            {
                throw new ImageDecodeException(
                    ImageDecodeError.FileTooLarge,
                    string.Create(System.Globalization.CultureInfo.InvariantCulture, $"The file is {length:N0} bytes; the limit is {maxBytes:N0}."));
            }

            var bytes = new byte[length];
            stream.ReadExactly(bytes);
            return bytes;
        }
        catch (FileNotFoundException ex)
        {
            throw new ImageDecodeException(ImageDecodeError.Unreadable, "No such file.", ex);
        }
        catch (DirectoryNotFoundException ex)
        {
            throw new ImageDecodeException(ImageDecodeError.Unreadable, "No such file.", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ImageDecodeException(ImageDecodeError.Unreadable, "The file cannot be read: " + ex.Message, ex);
        }
    }
}
