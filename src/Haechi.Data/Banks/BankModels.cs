using Haechi.Core.Banks;
using Haechi.Core.Hashing;
using Haechi.Core.Robust;
using Haechi.Core.Robust.Local;
using Haechi.Core.Video;

namespace Haechi.Data.Banks;

/// <summary>A fingerprint to add to a bank.</summary>
/// <param name="Signal">The 256-bit signal.</param>
/// <param name="Quality">Its quality (PDQ: 0..100).</param>
/// <param name="ExternalId">Opaque reference, e.g. a case number.</param>
/// <param name="Labels">Labels, each validated by <see cref="BankRules.ValidateLabel"/>.</param>
/// <param name="ExtraViews">PDQ hashes of extra views (rotations, trimmed borders, crops, strips) for banks that keep them.</param>
/// <param name="Local">Local features (<see cref="LocalFeatures"/>) for banks that keep the <c>local</c> signal; at most <see cref="LocalFeatureExtractor.MaxRegisteredFeatures"/> keypoints.</param>
public sealed record NewBankEntry(Hash256 Signal, int Quality, string? ExternalId, IReadOnlyList<string> Labels, IReadOnlyList<RobustView>? ExtraViews = null, LocalFeatures? Local = null);

/// <summary>A video to add to a vPDQ bank: its frames (near-identical runs are collapsed on insert).</summary>
/// <param name="Frames">vPDQ frames in decode order.</param>
/// <param name="ExternalId">Opaque reference, e.g. a case number.</param>
/// <param name="Labels">Labels.</param>
public sealed record NewVideoEntry(IReadOnlyList<VpdqFrame> Frames, string? ExternalId, IReadOnlyList<string> Labels);

/// <summary>A face embedding to add to a face bank (the photo it came from is never stored).</summary>
/// <param name="Embedding">The embedding (normalised to unit length on insert).</param>
/// <param name="Quality">0..100 (e.g. the detector score × 100).</param>
/// <param name="Subject">Who the face belongs to: a case number or other external id, never a name.</param>
/// <param name="Labels">Labels.</param>
/// <param name="AddedAt">When it was enrolled (null: now); set when importing older banks.</param>
public sealed record NewFaceEntry(float[] Embedding, int Quality, string Subject, IReadOnlyList<string> Labels, DateTimeOffset? AddedAt = null);

/// <summary>A bank entry as it is shown and exported.</summary>
public sealed record BankEntryView(long Id, string Bank, Hash256 Signal, int Quality, string? ExternalId, IReadOnlyList<string> Labels, DateTimeOffset AddedAt);

/// <summary>A bank with its entry counts.</summary>
public sealed record BankSummary(string Name, string? Description, string SignalType, long ActiveEntries, long WithdrawnEntries, DateTimeOffset CreatedAt, RobustFamilies ExtraSignals = RobustFamilies.None, string? EmbeddingModel = null);

/// <summary>What <see cref="BankStore.AddEntriesAsync"/> did.</summary>
/// <param name="AddedIds">Ids of the new entries, in input order (0 where the input was a duplicate).</param>
/// <param name="Duplicates">Inputs already in the bank (same signal and external id), with the existing entry id.</param>
public sealed record AddEntriesResult(IReadOnlyList<long> AddedIds, IReadOnlyList<(int InputIndex, long ExistingId)> Duplicates);

/// <summary>A request the store refuses, with a message a person can act on. Nothing was changed.</summary>
public class BankStoreException : Exception
{
    public BankStoreException()
    {
    }

    public BankStoreException(string message)
        : base(message)
    {
    }

    public BankStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
