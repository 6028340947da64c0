namespace Haechi.Data.Banks;

/// <summary>
/// The local features of one image entry (banks created with the <c>local</c> signal):
/// <c>Haechi.Core.Robust.Local.LocalFeatures.ToBytes</c>, 36 bytes per keypoint (at most 176).
/// Deleted with the entry's withdrawal.
/// </summary>
public sealed class BankEntryLocalFeaturesRecord
{
    public long Id { get; set; }

    public long EntryId { get; set; }

    /// <summary>Keypoints stored (for counts without reading the blob).</summary>
    public int Count { get; set; }

    public required byte[] Features { get; set; }
}
