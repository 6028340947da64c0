using Haechi.Core.Hashing;
using Haechi.Core.Matching;

namespace Haechi.Core.Tests.Matching;

public sealed class SyntheticHashSetTests
{
    [Fact]
    public void Generate_SameSeed_SameCodes()
    {
        var a = SyntheticHashSet.Generate(1000, 10, 42);
        var b = SyntheticHashSet.Generate(1000, 10, 42);
        var c = SyntheticHashSet.Generate(1000, 10, 43);

        Assert.Equal(a.Codes, b.Codes);
        Assert.Equal(a.Queries, b.Queries);
        Assert.NotEqual(a.Codes, c.Codes);
    }

    [Fact]
    public void Generate_KnownSeed_StableFirstCode()
    {
        // SplitMix64 from seed 0: 0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, ... (Vigna's reference output).
        var set = SyntheticHashSet.Generate(1, 0, 0);

        Assert.Equal(0xe220a8397b1dcdafUL, set.Codes[0].Word0);
        Assert.Equal(0x6e789e6aa1b965f4UL, set.Codes[0].Word1);
    }

    [Fact]
    public void Generate_PlantedNeighbours_AtTheirDistanceWithinFlipRange()
    {
        var set = SyntheticHashSet.Generate(5000, 50, 1);

        Assert.Equal(50, set.PlantedIndices.Distinct().Count());
        for (var j = 0; j < set.Queries.Length; j++)
        {
            var distance = Hash256.Distance(set.Queries[j], set.Codes[set.PlantedIndices[j]]);
            Assert.Equal(set.PlantedDistances[j], distance);
            Assert.InRange(distance, 8, 30);
        }
    }
}
