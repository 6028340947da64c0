namespace Haechi.Core.Matching;

/// <summary>An index entry found within the search radius of a query.</summary>
/// <param name="Id">The entry id given when the code was added (for example a bank row id).</param>
/// <param name="Distance">The Hamming distance between the query and the entry's code (0..256).</param>
public readonly record struct HammingMatch(long Id, int Distance);

/// <summary>An index entry found by one or more of the eight dihedral hashes of one image.</summary>
/// <param name="Id">The entry id given when the code was added.</param>
/// <param name="Distance">The smallest distance over the query hashes that found the entry.</param>
/// <param name="QueryIndex">
/// Index (0..7) of the query hash that gave <paramref name="Distance"/>; the lowest such index on ties.
/// With PDQ's dihedral hashes this is the <c>DihedralTransform</c> that matched.
/// </param>
public readonly record struct DihedralMatch(long Id, int Distance, int QueryIndex);

/// <summary>Where a snapshot of an index stands relative to the bank rows it was built from.</summary>
/// <param name="LastRowId">The highest bank row id (or change sequence number) included in the index.</param>
/// <param name="RowCount">The number of bank rows the index was built from.</param>
public readonly record struct IndexCheckpoint(long LastRowId, long RowCount);
