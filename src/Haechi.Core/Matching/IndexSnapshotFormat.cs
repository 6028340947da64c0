using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Haechi.Core.Hashing;

namespace Haechi.Core.Matching;

/// <summary>
/// The binary snapshot of a <see cref="HammingIndex"/>: a 128-byte header with its own checksum,
/// the arrays of the built segment as they lie in memory (little-endian), the pending entries, and a
/// trailing XXH64-based checksum of all of them. Loading is a few large reads and one checksum pass.
/// </summary>
/// <remarks>
/// Header (little-endian): magic <c>HAECHIHX</c>; version; header length; segment entry count; table
/// count; bits per table; pending entry count; checkpoint last row id; checkpoint row count; payload
/// length; a bit per table that stores absolute bucket starts; reserved zeros; header checksum.
/// Payload: codes, ids, tombstones, then per table its slots (tables 1..m-1), block starts and bucket
/// starts, then pending codes and ids; then the payload checksum.
/// </remarks>
internal static class IndexSnapshotFormat
{
    // 2: the checkpoint is the last bank change the index holds (version 1 held the last entry id).
    public const int Version = 2;
    private const int HeaderLength = 128;
    private static ReadOnlySpan<byte> Magic => "HAECHIHX"u8;

    public static void Write(
        Stream stream, IndexSegment segment, ulong[] removed, ulong[] pendingCodes, long[] pendingIds, IndexCheckpoint checkpoint)
    {
        EnsureLittleEndian();
        var tables = segment.Tables;
        ulong wideMask = 0;
        long payload = Bytes<ulong>(segment.Codes) + Bytes<long>(segment.Ids) + Bytes<ulong>(removed) +
            Bytes<ulong>(pendingCodes) + Bytes<long>(pendingIds);
        for (var t = 0; t < tables.Length; t++)
        {
            var table = tables[t];
            wideMask |= table.IsWide ? 1UL << t : 0;
            payload += Bytes<int>(table.Slots) + Bytes<uint>(table.BlockStarts) + Bytes<ushort>(table.RelativeStarts) +
                Bytes<uint>(table.AbsoluteStarts);
        }

        Span<byte> header = stackalloc byte[HeaderLength];
        header.Clear();
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], Version);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], HeaderLength);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], segment.Count);
        BinaryPrimitives.WriteInt32LittleEndian(header[24..], segment.TableCount);
        BinaryPrimitives.WriteInt32LittleEndian(header[28..], segment.BitsPerTable);
        BinaryPrimitives.WriteInt64LittleEndian(header[32..], pendingIds.Length);
        BinaryPrimitives.WriteInt64LittleEndian(header[40..], checkpoint.LastRowId);
        BinaryPrimitives.WriteInt64LittleEndian(header[48..], checkpoint.RowCount);
        BinaryPrimitives.WriteInt64LittleEndian(header[56..], payload);
        BinaryPrimitives.WriteUInt64LittleEndian(header[64..], wideMask);
        BinaryPrimitives.WriteUInt64LittleEndian(header[120..], Checksum64.Hash(header[..120]));
        stream.Write(header);

        var checksum = 0UL;
        checksum = WriteSection<ulong>(stream, segment.Codes, checksum);
        checksum = WriteSection<long>(stream, segment.Ids, checksum);
        checksum = WriteSection<ulong>(stream, removed, checksum);
        foreach (var table in tables)
        {
            checksum = WriteSection<int>(stream, table.Slots, checksum);
            checksum = WriteSection<uint>(stream, table.BlockStarts, checksum);
            checksum = table.IsWide
                ? WriteSection<uint>(stream, table.AbsoluteStarts, checksum)
                : WriteSection<ushort>(stream, table.RelativeStarts, checksum);
        }

        checksum = WriteSection<ulong>(stream, pendingCodes, checksum);
        checksum = WriteSection<long>(stream, pendingIds, checksum);
        Span<byte> trailer = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64LittleEndian(trailer, checksum);
        stream.Write(trailer);
    }

    public static (IndexSegment Segment, ulong[] Removed, ulong[] PendingCodes, long[] PendingIds, IndexCheckpoint Checkpoint) Read(
        Stream stream, bool alwaysUseTables)
    {
        EnsureLittleEndian();
        try
        {
            Span<byte> header = stackalloc byte[HeaderLength];
            stream.ReadExactly(header);
            if (!header[..8].SequenceEqual(Magic))
            {
                throw new IndexSnapshotCorruptException("The stream is not a Haechi index snapshot (bad magic).");
            }

            if (BinaryPrimitives.ReadUInt64LittleEndian(header[120..]) != Checksum64.Hash(header[..120]))
            {
                throw new IndexSnapshotCorruptException("The index snapshot header is damaged (checksum mismatch).");
            }

            var version = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
            if (version != Version || BinaryPrimitives.ReadInt32LittleEndian(header[12..]) != HeaderLength)
            {
                throw new IndexSnapshotCorruptException(
                    string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Unsupported index snapshot version {version}."));
            }

            var count = BinaryPrimitives.ReadInt64LittleEndian(header[16..]);
            var tableCount = BinaryPrimitives.ReadInt32LittleEndian(header[24..]);
            var bits = BinaryPrimitives.ReadInt32LittleEndian(header[28..]);
            var pending = BinaryPrimitives.ReadInt64LittleEndian(header[32..]);
            var checkpoint = new IndexCheckpoint(
                BinaryPrimitives.ReadInt64LittleEndian(header[40..]), BinaryPrimitives.ReadInt64LittleEndian(header[48..]));
            var wideMask = BinaryPrimitives.ReadUInt64LittleEndian(header[64..]);
            const long MaxEntries = int.MaxValue / Hash256.WordCount;
            if (count is < 0 or > MaxEntries || pending is < 0 or > MaxEntries || tableCount is < 0 or > 25 ||
                (tableCount > 0 && (bits is < 10 or > 24 || tableCount * bits > Hash256.BitCount)) || (tableCount == 0 && bits != 0))
            {
                throw new IndexSnapshotCorruptException("The index snapshot header holds impossible sizes.");
            }

            var n = (int)count;
            var checksum = 0UL;
            var codes = ReadSection<ulong>(stream, n * Hash256.WordCount, ref checksum);
            var ids = ReadSection<long>(stream, n, ref checksum);
            var removed = ReadSection<ulong>(stream, (n + 63) / 64, ref checksum);
            var tables = new SubstringTable[tableCount];
            var buckets = tableCount > 0 ? 1 << bits : 0;
            for (var t = 0; t < tableCount; t++)
            {
                var slots = t == 0 ? null : ReadSection<int>(stream, n, ref checksum);
                var blockStarts = ReadSection<uint>(stream, (buckets >> SubstringTable.BlockShift) + 1, ref checksum);
                tables[t] = (wideMask & (1UL << t)) != 0
                    ? new SubstringTable(slots, blockStarts, null, ReadSection<uint>(stream, buckets + 1, ref checksum))
                    : new SubstringTable(slots, blockStarts, ReadSection<ushort>(stream, buckets + 1, ref checksum), null);
            }

            var pendingCodes = ReadSection<ulong>(stream, (int)pending * Hash256.WordCount, ref checksum);
            var pendingIds = ReadSection<long>(stream, (int)pending, ref checksum);
            Span<byte> trailer = stackalloc byte[sizeof(ulong)];
            stream.ReadExactly(trailer);
            if (BinaryPrimitives.ReadUInt64LittleEndian(trailer) != checksum)
            {
                throw new IndexSnapshotCorruptException("The index snapshot is damaged (checksum mismatch).");
            }

            foreach (var table in tables)
            {
                Validate(table, n);
            }

            var segment = new IndexSegment(codes, ids, tableCount, bits, tables, alwaysUseTables);
            return (segment, removed, pendingCodes, pendingIds, checkpoint);
        }
        catch (EndOfStreamException exception)
        {
            throw new IndexSnapshotCorruptException("The index snapshot is truncated.", exception);
        }
    }

    /// <summary>Checks that bucket starts rise to the entry count and every slot is in range, so a search cannot read past the arrays.</summary>
    private static void Validate(SubstringTable table, int count)
    {
        var buckets = (table.BlockStarts.Length - 1) << SubstringTable.BlockShift;
        var previous = 0;
        for (uint key = 0; key <= buckets; key++)
        {
            var start = table.Start(key);
            if (start < previous || start > count)
            {
                throw new IndexSnapshotCorruptException("The index snapshot holds inconsistent bucket tables.");
            }

            previous = start;
        }

        if (previous != count)
        {
            throw new IndexSnapshotCorruptException("The index snapshot holds inconsistent bucket tables.");
        }

        if (table.Slots is { } slots)
        {
            foreach (var slot in slots)
            {
                if ((uint)slot >= (uint)count)
                {
                    throw new IndexSnapshotCorruptException("The index snapshot holds inconsistent bucket tables.");
                }
            }
        }
    }

    private static long Bytes<T>(T[]? array)
        where T : unmanaged => (long)(array?.Length ?? 0) * Marshal.SizeOf<T>();

    private static ulong WriteSection<T>(Stream stream, T[]? array, ulong checksum)
        where T : unmanaged
    {
        if (array is null)
        {
            return checksum;
        }

        var bytes = MemoryMarshal.AsBytes(array.AsSpan());
        stream.Write(bytes);
        return Checksum64.Combine(checksum, Checksum64.Hash(bytes));
    }

    private static T[] ReadSection<T>(Stream stream, int length, ref ulong checksum)
        where T : unmanaged
    {
        var array = GC.AllocateUninitializedArray<T>(length);
        var bytes = MemoryMarshal.AsBytes(array.AsSpan());
        stream.ReadExactly(bytes);
        checksum = Checksum64.Combine(checksum, Checksum64.Hash(bytes));
        return array;
    }

    private static void EnsureLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Index snapshots are written and read on little-endian machines only.");
        }
    }
}
