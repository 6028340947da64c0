using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Haechi.Core.Matching;

/// <summary>
/// XXH64 (Yann Collet's xxHash, 64-bit variant), one-shot over a span. Used to detect damaged index
/// snapshots; it is not a cryptographic hash and does not defend against deliberate tampering.
/// </summary>
internal static class Checksum64
{
    private const ulong Prime1 = 11400714785074694791UL;
    private const ulong Prime2 = 14029467366897019727UL;
    private const ulong Prime3 = 1609587929392839161UL;
    private const ulong Prime4 = 9650029242287828579UL;
    private const ulong Prime5 = 2870177450012600261UL;

    public static ulong Hash(ReadOnlySpan<byte> data, ulong seed = 0)
    {
        var length = (ulong)data.Length;
        ulong h;
        if (data.Length >= 32)
        {
            var v1 = seed + Prime1 + Prime2;
            var v2 = seed + Prime2;
            var v3 = seed;
            var v4 = seed - Prime1;
            var stripes = data.Length / 32;
            var lanes = MemoryMarshal.Cast<byte, ulong>(data[..(stripes * 32)]);
            for (var i = 0; i < lanes.Length; i += 4)
            {
                // Four independent accumulators, one per 8-byte lane of the 32-byte stripe.
                v1 = Round(v1, FromLittleEndian(lanes[i]));
                v2 = Round(v2, FromLittleEndian(lanes[i + 1]));
                v3 = Round(v3, FromLittleEndian(lanes[i + 2]));
                v4 = Round(v4, FromLittleEndian(lanes[i + 3]));
            }

            h = BitOperations.RotateLeft(v1, 1) + BitOperations.RotateLeft(v2, 7) +
                BitOperations.RotateLeft(v3, 12) + BitOperations.RotateLeft(v4, 18);
            h = MergeRound(h, v1);
            h = MergeRound(h, v2);
            h = MergeRound(h, v3);
            h = MergeRound(h, v4);
            data = data[(stripes * 32)..];
        }
        else
        {
            h = seed + Prime5;
        }

        h += length;
        while (data.Length >= 8)
        {
            h ^= Round(0, BinaryPrimitives.ReadUInt64LittleEndian(data));
            h = (BitOperations.RotateLeft(h, 27) * Prime1) + Prime4;
            data = data[8..];
        }

        if (data.Length >= 4)
        {
            h ^= BinaryPrimitives.ReadUInt32LittleEndian(data) * Prime1;
            h = (BitOperations.RotateLeft(h, 23) * Prime2) + Prime3;
            data = data[4..];
        }

        foreach (var b in data)
        {
            h ^= b * Prime5;
            h = BitOperations.RotateLeft(h, 11) * Prime1;
        }

        h ^= h >> 33;
        h *= Prime2;
        h ^= h >> 29;
        h *= Prime3;
        h ^= h >> 32;
        return h;
    }

    /// <summary>Folds one section checksum into a running checksum of several sections.</summary>
    public static ulong Combine(ulong running, ulong section) => MergeRound(running ^ Prime5, section);

    private static ulong FromLittleEndian(ulong value) => BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value);

    private static ulong Round(ulong acc, ulong input) => BitOperations.RotateLeft(acc + (input * Prime2), 31) * Prime1;

    private static ulong MergeRound(ulong acc, ulong value) => ((acc ^ Round(0, value)) * Prime1) + Prime4;
}
