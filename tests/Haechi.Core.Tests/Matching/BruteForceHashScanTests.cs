using FsCheck;
using FsCheck.Xunit;
using Haechi.Core.Hashing;
using Haechi.Core.Matching;

namespace Haechi.Core.Tests.Matching;

public sealed class BruteForceHashScanTests
{
    [Property(MaxTest = 50)]
    public void Search_RandomCodes_EqualsScalarReference(int seed, byte radius)
    {
        var random = new Random(seed);
        var (codes, centres) = TestCodes.Clustered(random, random.Next(0, 300));
        var ids = TestCodes.Ids(codes.Length);
        var scan = new BruteForceHashScan(codes, ids);
        var reference = new HammingReference();
        for (var i = 0; i < codes.Length; i++)
        {
            reference.Add(codes[i], ids[i]);
        }

        var query = TestCodes.QueryNear(centres, random);
        var results = new List<HammingMatch>();
        scan.Search(query, radius, results);

        Assert.Equal(reference.Search(query, radius), HammingReference.Sorted(results));
    }

    [Fact]
    public void Scan_LengthsDisagree_Throws()
    {
        Assert.Throws<ArgumentException>(() => BruteForceHashScan.Scan(new ulong[8], new long[3], Hash256.Zero, 3, []));
        Assert.Throws<ArgumentException>(() => new BruteForceHashScan(new Hash256[2], new long[1]));
    }
}
