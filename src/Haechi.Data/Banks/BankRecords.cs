using Haechi.Core.Banks;
using Haechi.Core.Signals;

namespace Haechi.Data.Banks;

/// <summary>A bank row: a named set of signals of one type.</summary>
public sealed class BankRecord
{
    public int Id { get; set; }

    public required string Name { get; set; }

    public string? Description { get; set; }

    /// <summary><see cref="SignalType.Name"/> of every entry in the bank.</summary>
    public required string SignalType { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// Extra image signals every entry carries besides its PDQ hash (PDQ banks only):
    /// <see cref="Haechi.Core.Robust.RobustFamilies"/> as a number; 0 for plain PDQ banks.
    /// </summary>
    public int ExtraSignals { get; set; }

    /// <summary>
    /// Face-embedding banks: the identity of the model that made every vector (model id and ONNX
    /// SHA-256); vectors of other models are refused. Null for hash banks.
    /// </summary>
    public string? EmbeddingModel { get; set; }

    public List<BankEntryRecord> Entries { get; } = [];
}

/// <summary>One fingerprint in a bank.</summary>
public sealed class BankEntryRecord
{
    /// <summary>Entry id, increasing in insertion order (the index checkpoint is the last id).</summary>
    public long Id { get; set; }

    public int BankId { get; set; }

    public BankRecord? Bank { get; set; }

    /// <summary>The signal in its canonical binary form (PDQ: 32 bytes, hex order); erased when withdrawn.</summary>
    public byte[]? Signal { get; set; }

    public int Quality { get; set; }

    /// <summary>Opaque reference supplied by the owner (e.g. a case number).</summary>
    public string? ExternalId { get; set; }

    /// <summary>Labels joined by a single space (each label is validated to hold no spaces).</summary>
    public string Labels { get; set; } = string.Empty;

    public DateTimeOffset AddedAt { get; set; }

    public BankEntryState State { get; set; }

    public DateTimeOffset? WithdrawnAt { get; set; }

    /// <summary>Frames of a video entry; empty for image entries.</summary>
    public List<BankEntryFrameRecord> Frames { get; } = [];

    /// <summary>Extra views of an image entry (rotations, trimmed borders, crops, strips), when its bank keeps them.</summary>
    public List<BankEntryViewRecord> Views { get; } = [];

    /// <summary>The face embedding of an entry in a face bank (at most one); erased when withdrawn.</summary>
    public BankEntryEmbeddingRecord? Embedding { get; set; }
}

/// <summary>
/// The face embedding of one entry in a face bank: float32 little-endian, L2-normalised. The entry's
/// <see cref="BankEntryRecord.Signal"/> holds the SHA-256 of these bytes (for duplicate detection).
/// </summary>
public sealed class BankEntryEmbeddingRecord
{
    public long Id { get; set; }

    public long EntryId { get; set; }

    public BankEntryRecord? Entry { get; set; }

    public required byte[] Vector { get; set; }
}

/// <summary>The PDQ hash of one extra view of an image entry (see <c>Haechi.Core.Robust.ViewKind</c>).</summary>
public sealed class BankEntryViewRecord
{
    public long Id { get; set; }

    public long EntryId { get; set; }

    public BankEntryRecord? Entry { get; set; }

    /// <summary><see cref="Haechi.Core.Robust.ViewKind"/> as a number.</summary>
    public int Kind { get; set; }

    public int Quality { get; set; }

    /// <summary>32 bytes in hex order.</summary>
    public required byte[] Signal { get; set; }
}

/// <summary>One stored frame of a video entry (vPDQ banks): runs of near-identical frames are collapsed to their first frame.</summary>
public sealed class BankEntryFrameRecord
{
    public long Id { get; set; }

    public long EntryId { get; set; }

    public BankEntryRecord? Entry { get; set; }

    public int FrameNumber { get; set; }

    public int Quality { get; set; }

    /// <summary>The frame's PDQ hash, 32 bytes in hex order.</summary>
    public required byte[] Signal { get; set; }

    public double Timestamp { get; set; }
}
