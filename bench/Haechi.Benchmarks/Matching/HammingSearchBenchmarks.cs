using BenchmarkDotNet.Attributes;
using Haechi.Core.Hashing;
using Haechi.Core.Matching;

namespace Haechi.Benchmarks.Matching;

/// <summary>
/// Exact range search at the PDQ radius over uniform random codes with planted near-duplicates:
/// the multi-index against the brute-force scan, per query (each invocation runs a batch of queries).
/// </summary>
[MemoryDiagnoser]
public class HammingSearchBenchmarks
{
    private const int QueryBatch = 64;

    private HammingIndex _index = null!;
    private BruteForceHashScan _scan = null!;
    private Hash256[] _queries = null!;
    private readonly List<HammingMatch> _results = new(16);
    private readonly List<DihedralMatch> _dihedralResults = new(16);

    [Params(1_000_000)]
    public int Size { get; set; }

    [Params(31)]
    public int Radius { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var data = SyntheticHashSet.Generate(Size, QueryBatch, seed: 20240531);
        var ids = data.CreateIds();
        _index = HammingIndex.Build(data.Codes, ids);
        _scan = new BruteForceHashScan(data.Codes, ids);
        _queries = data.Queries;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = QueryBatch)]
    public int BruteForceScan()
    {
        var found = 0;
        foreach (var query in _queries)
        {
            _results.Clear();
            _scan.Search(query, Radius, _results);
            found += _results.Count;
        }

        return found;
    }

    [Benchmark(OperationsPerInvoke = QueryBatch)]
    public int MultiIndex()
    {
        var found = 0;
        foreach (var query in _queries)
        {
            _results.Clear();
            _index.Search(query, Radius, _results);
            found += _results.Count;
        }

        return found;
    }

    /// <summary>Eight queries per image (one per dihedral transform), merged per entry.</summary>
    [Benchmark(OperationsPerInvoke = QueryBatch / 8)]
    public int MultiIndexDihedral()
    {
        var found = 0;
        for (var image = 0; image < QueryBatch; image += 8)
        {
            _dihedralResults.Clear();
            _index.SearchDihedral(_queries.AsSpan(image, 8), Radius, _dihedralResults);
            found += _dihedralResults.Count;
        }

        return found;
    }
}
