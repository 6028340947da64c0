using Haechi.Core.Robust;
using Haechi.Core.Robust.Local;
using Haechi.Media.Images;

namespace Haechi.Media.Robust;

/// <summary>
/// Decodes an image once and computes its robust views (<see cref="RobustViewHasher"/>). The first
/// view is always the plain PDQ, identical to <see cref="ImageFingerprinter"/>'s. One instance per thread.
/// </summary>
public sealed class RobustFingerprinter(ImageDecodeOptions? options = null)
{
    private readonly RobustViewHasher _hasher = new();
    private readonly LocalFeatureExtractor _local = new();
    private readonly ImageDecodeOptions _options = options ?? ImageDecodeOptions.Default;

    /// <summary>Views to register an original with.</summary>
    /// <exception cref="ImageDecodeException">The bytes are not a decodable image.</exception>
    public List<RobustView> Register(byte[] bytes, RobustFamilies families)
    {
        var image = ImageDecoder.Decode(bytes, _options);
        var views = new List<RobustView>();
        _hasher.ComputeRegistration(image.Pixels, image.Width, image.Height, image.Format, families, views);
        return views;
    }

    /// <summary>
    /// Everything a bank with <paramref name="families"/> registers for an original, from one decode:
    /// the PDQ views (plain PDQ first) and, when <paramref name="families"/> holds
    /// <see cref="RobustFamilies.Local"/>, the local features (otherwise null).
    /// </summary>
    /// <exception cref="ImageDecodeException">The bytes are not a decodable image.</exception>
    public (List<RobustView> Views, LocalFeatures? Local) RegisterAll(byte[] bytes, RobustFamilies families)
    {
        var image = ImageDecoder.Decode(bytes, _options);
        var views = new List<RobustView>();
        _hasher.ComputeRegistration(image.Pixels, image.Width, image.Height, image.Format, families, views);
        var local = (families & RobustFamilies.Local) != 0 ? _local.Extract(image.Pixels, image.Width, image.Height, image.Format) : null;
        return (views, local);
    }

    /// <summary>Views to search a query with.</summary>
    /// <exception cref="ImageDecodeException">The bytes are not a decodable image.</exception>
    public List<RobustView> Query(byte[] bytes, RobustFamilies families)
    {
        var image = ImageDecoder.Decode(bytes, _options);
        var views = new List<RobustView>();
        _hasher.ComputeQuery(image.Pixels, image.Width, image.Height, image.Format, families, views);
        return views;
    }

    /// <summary>Local features to register an original with (at most <see cref="LocalFeatureExtractor.MaxRegisteredFeatures"/>).</summary>
    /// <exception cref="ImageDecodeException">The bytes are not a decodable image.</exception>
    public LocalFeatures RegisterLocal(byte[] bytes)
    {
        var image = ImageDecoder.Decode(bytes, _options);
        return _local.Extract(image.Pixels, image.Width, image.Height, image.Format);
    }

    /// <summary>Local features to search a query with (at most <see cref="LocalFeatureExtractor.MaxQueryFeatures"/>).</summary>
    /// <exception cref="ImageDecodeException">The bytes are not a decodable image.</exception>
    public LocalFeatures QueryLocal(byte[] bytes)
    {
        var image = ImageDecoder.Decode(bytes, _options);
        return _local.Extract(image.Pixels, image.Width, image.Height, image.Format, LocalFeatureExtractor.MaxQueryFeatures);
    }
}

