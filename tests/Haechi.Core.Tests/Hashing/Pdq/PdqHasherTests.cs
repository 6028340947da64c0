using FsCheck.Xunit;
using Haechi.Core.Hashing;
using Haechi.Core.Hashing.Pdq;

namespace Haechi.Core.Tests.Hashing.Pdq;

public sealed class PdqHasherTests
{
    /// <summary>A luma plane with smooth structure and noise, so hashes have real content.</summary>
    private static float[] Plane(int width, int height, int seed)
    {
        var random = new Random(seed);
        var plane = new float[width * height];
        double fx = random.NextDouble() * 8, fy = random.NextDouble() * 8;
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var value = 128 + (80 * Math.Sin((fx * x / width) + (fy * y / height))) + (random.NextDouble() * 40);
                plane[(y * width) + x] = (float)Math.Clamp(value, 0, 255);
            }
        }

        return plane;
    }

    private static (int Width, int Height) Size(int a, int b) => (5 + (Math.Abs(a) % 300), 5 + (Math.Abs(b) % 300));

    [Property(MaxTest = 60)]
    public bool HashLuma_RandomPlanes_EqualsScalarReference(int a, int b, int seed)
    {
        var (width, height) = Size(a, b);
        if (width == 64 && height == 64)
        {
            width = 65;
        }

        var plane = Plane(width, height, seed);
        var expected = ReferencePdq.Hash(plane, width, height);
        var actual = new PdqHasher().HashLuma((float[])plane.Clone(), width, height);
        return actual.Hash == expected.Hash && actual.Quality == expected.Quality;
    }

    [Property(MaxTest = 60)]
    public bool Filter_RandomPlanes_BitIdenticalToStridedReference(int a, int b, int seed)
    {
        var (width, height) = Size(a, b);
        var plane = Plane(width, height, seed);
        var expected = (float[])plane.Clone();
        ReferencePdq.Jarosz(expected, new float[plane.Length], height, width, ReferencePdq.Window(width), ReferencePdq.Window(height));
        var actual = (float[])plane.Clone();
        JaroszFilter.Filter(actual, new float[plane.Length], height, width, JaroszFilter.WindowSize(width, 64), JaroszFilter.WindowSize(height, 64));
        return expected.AsSpan().SequenceEqual(actual);
    }

    [Property(MaxTest = 100)]
    public bool BoxAlongColumns_AnyWindow_BitIdenticalToReference(int a, int b, int w, int seed)
    {
        var (cols, rows) = Size(a, b);
        var window = 1 + (Math.Abs(w) % rows);
        var plane = Plane(cols, rows, seed);
        var expected = new float[plane.Length];
        for (var j = 0; j < cols; j++)
        {
            ReferencePdq.Box1D(plane, j, expected, j, rows, cols, window);
        }

        var actual = new float[plane.Length];
        JaroszFilter.BoxAlongColumns(plane, actual, rows, cols, window);
        return expected.AsSpan().SequenceEqual(actual);
    }

    [Property(MaxTest = 50)]
    public bool Transform_RandomBlocks_BitIdenticalToNaiveProducts(int seed)
    {
        var block = Plane(64, 64, seed);
        var expected = ReferencePdq.Dct(block);
        var actual = new float[256];
        PdqDct.Transform(block, new float[16 * 64], actual);
        return expected.AsSpan().SequenceEqual(actual);
    }

    [Property(MaxTest = 200)]
    public bool Median_AnyCoefficients_EqualsTorben(int seed, bool coarse)
    {
        var random = new Random(seed);
        var values = new float[256];
        for (var i = 0; i < values.Length; i++)
        {
            // Coarse values force many ties, the hard case for a selection algorithm.
            values[i] = coarse ? random.Next(-3, 4) : (float)((random.NextDouble() * 2000) - 1000);
        }

        return PdqBits.Median(values) == ReferencePdq.Torben(values) && PdqBits.ToHash(values) == ReferencePdq.Bits(values);
    }

    [Property(MaxTest = 40)]
    public bool HashLumaDihedral_Original_EqualsPlainHash(int a, int b, int seed)
    {
        var (width, height) = Size(a, b);
        if (width == 64 && height == 64)
        {
            width = 63;
        }

        var plane = Plane(width, height, seed);
        var hasher = new PdqHasher();
        var plain = hasher.HashLuma((float[])plane.Clone(), width, height);
        var all = hasher.HashLumaDihedral((float[])plane.Clone(), width, height);
        return all.Original == plain.Hash && all.Quality == plain.Quality && all[DihedralTransform.Original] == plain.Hash;
    }

    [Fact]
    public void HashDihedral_ActuallyMirroredImage_MatchesFlipYHash()
    {
        const int Width = 120, Height = 90;
        var plane = Plane(Width, Height, 7);
        var mirrored = new float[plane.Length];
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                mirrored[(y * Width) + x] = plane[(y * Width) + (Width - 1 - x)];
            }
        }

        var hasher = new PdqHasher();
        var original = hasher.HashLumaDihedral((float[])plane.Clone(), Width, Height);
        var ofMirror = hasher.HashLuma(mirrored, Width, Height);
        var distance = Hash256.Distance(original[DihedralTransform.FlipY], ofMirror.Hash);
        Assert.True(distance <= 16, $"flipy hash is {distance} bits from the hash of the mirrored image");
        Assert.True(Hash256.Distance(original.Original, ofMirror.Hash) > 64);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(4, 4)]
    [InlineData(4, 500)]
    [InlineData(500, 4)]
    public void Hash_TooSmallToHash_ZeroHashAndQuality(int width, int height)
    {
        var pixels = new byte[width * height * 3];
        Array.Fill(pixels, (byte)200);
        var result = new PdqHasher().Hash(pixels, width, height, PixelFormat.Rgb24);
        Assert.Equal(Hash256.Zero, result.Hash);
        Assert.Equal(0, result.Quality);
        Assert.Equal(0, new PdqHasher().HashDihedral(pixels, width, height, PixelFormat.Rgb24).Quality);
    }

    [Fact]
    public void Hash_AllBlack_QualityZero()
    {
        var result = new PdqHasher().Hash(new byte[100 * 80], 100, 80, PixelFormat.Grey8);
        Assert.Equal(0, result.Quality);
    }

    [Fact]
    public void Hash_VeryWideStrip_HashesWithQuality()
    {
        const int Width = 5000, Height = 10;
        var plane = Plane(Width, Height, 3);
        var expected = ReferencePdq.Hash(plane, Width, Height);
        var actual = new PdqHasher().HashLuma((float[])plane.Clone(), Width, Height);
        Assert.Equal(expected, (actual.Hash, actual.Quality));
        Assert.False(actual.Hash.IsZero);
    }

    [Fact]
    public void Hash_RgbAndRgbaAndGrey_SameLumaSameHash()
    {
        const int Width = 40, Height = 30;
        var random = new Random(11);
        var grey = new byte[Width * Height];
        random.NextBytes(grey);
        var rgb = new byte[Width * Height * 3];
        var rgba = new byte[Width * Height * 4];
        for (var i = 0; i < grey.Length; i++)
        {
            rgb[3 * i] = rgb[(3 * i) + 1] = rgb[(3 * i) + 2] = grey[i];
            rgba[4 * i] = rgba[(4 * i) + 1] = rgba[(4 * i) + 2] = grey[i];
            rgba[(4 * i) + 3] = (byte)(i % 256);
        }

        var hasher = new PdqHasher();
        var fromRgb = hasher.Hash(rgb, Width, Height, PixelFormat.Rgb24);
        var fromRgba = hasher.Hash(rgba, Width, Height, PixelFormat.Rgba32);
        var fromGrey = hasher.Hash(grey, Width, Height, PixelFormat.Grey8);
        Assert.Equal(fromRgb, fromRgba);
        Assert.True(Hash256.Distance(fromRgb.Hash, fromGrey.Hash) <= 2);
    }

    [Fact]
    public void Hash_PixelBufferTooSmall_Throws()
    {
        Assert.Throws<ArgumentException>(() => new PdqHasher().Hash(new byte[10], 10, 10, PixelFormat.Rgb24));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PdqHasher().Hash(new byte[10], 0, 10, PixelFormat.Grey8));
    }
}
