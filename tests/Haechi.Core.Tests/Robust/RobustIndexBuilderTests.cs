using Haechi.Core.Hashing;
using Haechi.Core.Robust;
using Haechi.Core.Tests.Matching;

namespace Haechi.Core.Tests.Robust;

public sealed class RobustIndexBuilderTests
{
    // A bank loaded in one build must answer every query exactly as one filled image by image
    // (more views than the Hamming index's pending limit, so the Add path compacts along the way).
    [Fact]
    public void Build_ManyImages_SearchesAndRemovesAsAdd()
    {
        var random = new Random(11);
        var added = new RobustIndex();
        var builder = new RobustIndex.Builder();
        var photos = new Hash256[3000];
        for (var image = 0; image < photos.Length; image++)
        {
            photos[image] = TestCodes.Random(random);
            var views = new RobustView[24];
            views[0] = new RobustView(ViewKind.Whole, photos[image], 100);
            views[1] = new RobustView(ViewKind.FlipX, TestCodes.Random(random), 90);
            for (var v = 2; v < views.Length; v++)
            {
                views[v] = new RobustView((ViewKind)((int)ViewKind.Crop2 + v - 2), TestCodes.Flip(photos[image], 4 + v, random), 80);
            }

            added.Add(image + 1, views);
            builder.Add(image + 1, views);
        }

        var built = builder.Build();
        Assert.Equal(added.ImageCount, built.ImageCount);
        Assert.Equal(added.ViewCount, built.ViewCount);
        Assert.Throws<InvalidOperationException>(() => builder.Build());

        for (var image = 0; image < photos.Length; image += 7)
        {
            Assert.Equal(added.Remove(image + 1), built.Remove(image + 1));
        }

        var found = 0;
        for (var q = 0; q < 600; q++)
        {
            var near = TestCodes.Flip(photos[random.Next(photos.Length)], random.Next(0, 40), random);
            RobustView[] query = q % 3 == 0 ? [new RobustView(ViewKind.Whole, TestCodes.Random(random), 100)] : [new RobustView(ViewKind.Whole, near, 100), new RobustView(ViewKind.Trimmed, near, 100)];
            var expected = Describe(added, query);
            Assert.Equal(expected, Describe(built, query));
            found += expected.Length > 0 ? 1 : 0;
        }

        Assert.InRange(found, 100, 599);
    }

    private static string Describe(RobustIndex index, RobustView[] query)
    {
        var results = new List<RobustMatch>();
        index.Search(query, results);
        return string.Join(';', results.Select(m => $"{m.ImageId}:{m.Distance}:{m.Signal}:{m.QueryView}:{m.RegisteredView}"));
    }
}
