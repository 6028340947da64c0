using Haechi.Core.Hashing;
using Haechi.Core.Robust;
using Haechi.Core.Tests.Matching;

namespace Haechi.Core.Tests.Robust;

public sealed class RobustIndexConcurrencyTests
{
    // A watcher matches several items at once against one index: concurrent searches must give the
    // same answers as one search at a time (shared scratch lists once leaked one query's hits into another's).
    [Fact]
    public void Search_FromManyThreadsAtOnce_SameResultsAsOneAtATime()
    {
        var random = new Random(7);
        var index = new RobustIndex();
        var registered = new Hash256[400];
        for (var image = 0; image < registered.Length; image++)
        {
            registered[image] = TestCodes.Random(random);
            index.Add(image, [new RobustView(ViewKind.Whole, registered[image], 100), new RobustView(ViewKind.FlipX, TestCodes.Random(random), 100)]);
        }

        // Half the queries are near copies of a registered image, half are unrelated.
        var queries = new RobustView[2000][];
        for (var q = 0; q < queries.Length; q++)
        {
            var hash = q % 2 == 0 ? TestCodes.Flip(registered[q % registered.Length], 10, random) : TestCodes.Random(random);
            queries[q] = [new RobustView(ViewKind.Whole, hash, 100)];
        }

        var expected = new string[queries.Length];
        for (var q = 0; q < queries.Length; q++)
        {
            expected[q] = Describe(index, queries[q]);
        }

        var actual = new string[queries.Length];
        Parallel.For(0, queries.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, q => actual[q] = Describe(index, queries[q]));

        Assert.Equal(expected, actual);
        Assert.Contains(expected, e => e.Length > 0);
        Assert.Contains(expected, e => e.Length == 0);
    }

    private static string Describe(RobustIndex index, RobustView[] query)
    {
        var found = new List<RobustMatch>();
        index.Search(query, found);
        return string.Join(';', found.Select(m => $"{m.ImageId}:{m.Distance}:{m.Signal}"));
    }
}
