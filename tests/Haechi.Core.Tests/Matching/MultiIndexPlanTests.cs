using FsCheck;
using FsCheck.Xunit;
using Haechi.Core.Matching;

namespace Haechi.Core.Tests.Matching;

public sealed class MultiIndexPlanTests
{
    [Property]
    public void PlanThresholds_AnyRadiusAndLayout_CoversRadiusByPigeonhole(byte radiusByte, byte tablesByte)
    {
        var radius = radiusByte % 65;
        var tables = 1 + (tablesByte % 25);
        var bits = Math.Min(24, 256 / tables);

        var plan = IndexSegment.PlanThresholds(radius, tables, bits);

        // A code within `radius` must be within t_i of the query on some table: Σ (t_i + 1) ≥ radius + 1,
        // unless some table is probed at every key (t_i = bits), which finds everything.
        Assert.True(plan.Sum(t => t + 1) >= radius + 1 || plan.Contains(bits));
        Assert.All(plan, t => Assert.InRange(t, -1, bits));
    }

    [Theory]
    [InlineData("", 0xEF46DB3751D8E999UL)]
    [InlineData("abc", 0x44BC2CF5AD770999UL)]
    [InlineData("Nobody inspects the spammish repetition", 0xFBCEA83C8A378BF1UL)]
    public void Checksum64_KnownInputs_MatchesXxh64(string text, ulong expected)
    {
        Assert.Equal(expected, Checksum64.Hash(System.Text.Encoding.ASCII.GetBytes(text)));
    }
}
