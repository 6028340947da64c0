using BenchmarkDotNet.Attributes;
using Haechi.Core.Hashing;
using Haechi.Core.Hashing.Pdq;
using Haechi.Core.Tests.Hashing.Pdq;

namespace Haechi.Benchmarks;

/// <summary>PDQ's hot routines, each next to the plain scalar reference (the baseline).</summary>
[MemoryDiagnoser]
public class PdqBenchmarks
{
    private const int Width = 512;
    private const int Height = 384;
    private float[] _plane = [];
    private float[] _work = [];
    private float[] _scratch = [];
    private float[] _block = [];
    private float[] _dct = [];
    private readonly float[] _t = new float[16 * 64];
    private readonly float[] _out = new float[256];
    private Hash256[] _hashes = [];
    private readonly PdqHasher _hasher = new();

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _plane = new float[Width * Height];
        for (var i = 0; i < _plane.Length; i++)
        {
            _plane[i] = (float)(random.NextDouble() * 255);
        }

        _work = new float[_plane.Length];
        _scratch = new float[_plane.Length];
        _block = new float[64 * 64];
        Array.Copy(_plane, _block, _block.Length);
        _dct = new float[256];
        PdqDct.Transform(_block, _t, _dct);
        _hashes = new Hash256[1024];
        for (var i = 0; i < _hashes.Length; i++)
        {
            _hashes[i] = new Hash256((ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64());
        }
    }

    [Benchmark(Baseline = true, Description = "tent filter 512x384, scalar reference")]
    public void TentFilterReference()
    {
        _plane.CopyTo(_work, 0);
        ReferencePdq.Jarosz(_work, _scratch, Height, Width, ReferencePdq.Window(Width), ReferencePdq.Window(Height));
    }

    [Benchmark(Description = "tent filter 512x384, vectorised")]
    public void TentFilter()
    {
        _plane.CopyTo(_work, 0);
        JaroszFilter.Filter(_work, _scratch, Height, Width, JaroszFilter.WindowSize(Width, 64), JaroszFilter.WindowSize(Height, 64));
    }

    [Benchmark(Description = "DCT 64->16, scalar reference")]
    public float[] DctReference() => ReferencePdq.Dct(_block);

    [Benchmark(Description = "DCT 64->16, vectorised")]
    public void Dct() => PdqDct.Transform(_block, _t, _out);

    [Benchmark(Description = "median of 256, Torben (reference)")]
    public float MedianReference() => ReferencePdq.Torben(_dct);

    [Benchmark(Description = "median of 256, quickselect")]
    public float Median() => PdqBits.Median(_dct);

    [Benchmark(Description = "whole hash of a 512x384 luma plane")]
    public PdqHashResult HashPlane()
    {
        _plane.CopyTo(_work, 0);
        return _hasher.HashLuma(_work, Width, Height);
    }

    [Benchmark(Description = "1024 Hamming distances, hardware popcount", OperationsPerInvoke = 1024)]
    public int Popcount()
    {
        var sum = 0;
        var query = _hashes[0];
        foreach (var hash in _hashes)
        {
            sum += Hash256.Distance(query, hash);
        }

        return sum;
    }

    [Benchmark(Description = "1024 Hamming distances, bit by bit (reference)", OperationsPerInvoke = 1024)]
    public int PopcountReference()
    {
        var sum = 0;
        var query = _hashes[0];
        foreach (var hash in _hashes)
        {
            for (var k = 0; k < Hash256.BitCount; k++)
            {
                sum += query.GetBit(k) != hash.GetBit(k) ? 1 : 0;
            }
        }

        return sum;
    }
}
