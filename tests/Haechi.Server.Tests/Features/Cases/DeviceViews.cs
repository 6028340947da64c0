using Haechi.Core.Robust;
using Haechi.Media.Images;

namespace Haechi.Server.Tests.Features.Cases;

/// <summary>
/// What the protect page's island sends for one photo, computed with the same Core code: the photo
/// decoded and shrunk so that its short side stays ≥ 256 px (the browser's <c>decode</c> does the same),
/// then <see cref="VictimViewHasher.Compute"/>: the plain PDQ and the crop and canonical views.
/// </summary>
internal static class DeviceViews
{
    /// <summary>The plain PDQ and the extra views of an encoded photo.</summary>
    public static List<RobustView> Compute(byte[] photo)
    {
        var image = ImageDecoder.Decode(photo);
        var views = new List<RobustView>();
        new VictimViewHasher().Compute(image.Pixels, image.Width, image.Height, image.Format, views);
        return views;
    }

    /// <summary>The PDQ signal of <c>POST /api/cases</c> with its views, as the island posts it.</summary>
    public static object Signal(byte[] photo) => Signal(Compute(photo));

    /// <summary>The PDQ signal for views already computed (the plain PDQ first).</summary>
    public static object Signal(List<RobustView> views) => new
    {
        type = "pdq",
        hash = views[0].Hash.ToString(),
        quality = views[0].Quality,
        views = views.Skip(1).Select(v => new { kind = v.Kind.Name(), hash = v.Hash.ToString(), quality = v.Quality }).ToArray(),
    };
}
