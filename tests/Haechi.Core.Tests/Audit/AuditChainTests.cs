using Haechi.Core.Audit;

namespace Haechi.Core.Tests.Audit;

public sealed class AuditChainTests
{
    private static List<(AuditEvent Entry, byte[] Hash)> Chain(int count)
    {
        var chain = new List<(AuditEvent, byte[])>();
        var previous = AuditChain.Genesis.ToArray();
        var start = new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);
        for (var i = 1; i <= count; i++)
        {
            var entry = new AuditEvent(i, start.AddMinutes(i), "victim", i % 2 == 0 ? "case.withdrawn" : "case.registered", $"HC-{i:00000}", $"signals={i}");
            previous = AuditChain.Hash(previous, entry);
            chain.Add((entry, previous));
        }

        return chain;
    }

    [Fact]
    public void Verify_IntactChain_NoBreak() => Assert.Null(AuditChain.Verify(Chain(10)));

    [Fact]
    public void Verify_EditedField_BreakAtThatEntry()
    {
        var chain = Chain(10);
        chain[4] = (chain[4].Entry with { Detail = "signals=0" }, chain[4].Hash);
        Assert.Equal(5, AuditChain.Verify(chain)!.Sequence);
    }

    [Fact]
    public void Verify_EditedFieldWithRecomputedHash_BreakAtNextEntry()
    {
        // Recomputing the edited entry's own hash does not help: the next entry was chained to the old one.
        var chain = Chain(10);
        var edited = chain[4].Entry with { Actor = "someone-else" };
        chain[4] = (edited, AuditChain.Hash(chain[3].Hash, edited));
        Assert.Equal(6, AuditChain.Verify(chain)!.Sequence);
    }

    [Fact]
    public void Verify_DeletedEntry_Reported()
    {
        var chain = Chain(10);
        chain.RemoveAt(6);
        var broken = AuditChain.Verify(chain)!;
        Assert.Equal(7, broken.Sequence);
        Assert.Contains("missing", broken.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_SwappedEntries_Reported()
    {
        var chain = Chain(10);
        (chain[2], chain[3]) = (chain[3], chain[2]);
        Assert.Equal(3, AuditChain.Verify(chain)!.Sequence);
    }

    [Fact]
    public void Verify_DeletedLastEntries_StillConsistentButShorter()
    {
        // Truncating the tail leaves a valid chain: the head hash printed by 'haechi audit verify'
        // and kept outside the store is what detects it.
        var chain = Chain(10);
        var head = chain[^1].Hash;
        chain.RemoveRange(8, 2);
        Assert.Null(AuditChain.Verify(chain));
        Assert.NotEqual(head, chain[^1].Hash);
    }

    [Fact]
    public void Hash_FieldBoundaries_AreUnambiguous()
    {
        var at = DateTimeOffset.UnixEpoch;
        var a = AuditChain.Hash(AuditChain.Genesis, new AuditEvent(1, at, "ab", "c", "d", "e"));
        var b = AuditChain.Hash(AuditChain.Genesis, new AuditEvent(1, at, "a", "bc", "d", "e"));
        Assert.NotEqual(a, b);
    }
}
