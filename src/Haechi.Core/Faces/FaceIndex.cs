using System.Numerics.Tensors;

namespace Haechi.Core.Faces;

/// <summary>One face found in an index: the entry's id and its cosine similarity to the query (−1..1, higher is more alike).</summary>
public readonly record struct FaceMatch(long Id, float Similarity);

/// <summary>
/// Exact cosine search over face embeddings. Vectors live in one contiguous <c>float[]</c> (N×D),
/// L2-normalised on insert, so a similarity is one <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>.
/// Removal swaps the last row into the hole, so the index stays dense. Not thread-safe for
/// writes; concurrent searches are safe while nobody writes.
/// </summary>
public sealed class FaceIndex
{
    private float[] _vectors;
    private long[] _ids;
    private readonly Dictionary<long, int> _rows = [];

    /// <summary>An empty index for <paramref name="dimensions"/>-dimensional embeddings.</summary>
    public FaceIndex(int dimensions, int capacity = 16)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        Dimensions = dimensions;
        _vectors = new float[Math.Max(1, capacity) * dimensions];
        _ids = new long[Math.Max(1, capacity)];
    }

    public int Dimensions { get; }

    public int Count { get; private set; }

    /// <summary>True when <paramref name="id"/> is in the index.</summary>
    public bool Contains(long id) => _rows.ContainsKey(id);

    /// <summary>Adds (or replaces) the embedding for <paramref name="id"/>, normalised to unit length.</summary>
    /// <exception cref="ArgumentException">Wrong length, or a zero/non-finite vector.</exception>
    public void Add(long id, ReadOnlySpan<float> embedding)
    {
        if (embedding.Length != Dimensions)
        {
            ThrowHelper.ThrowArgument(nameof(embedding), $"Expected {Dimensions} values, got {embedding.Length}.");
        }

        var norm = TensorPrimitives.Norm(embedding);
        if (!(norm > 0) || float.IsInfinity(norm))
        {
            ThrowHelper.ThrowArgument(nameof(embedding), "The embedding has no direction (zero or non-finite).");
        }

        if (!_rows.TryGetValue(id, out var row))
        {
            row = Count;
            if (row == _ids.Length)
            {
                Array.Resize(ref _ids, _ids.Length * 2);
                Array.Resize(ref _vectors, _ids.Length * Dimensions);
            }

            _rows[id] = row;
            _ids[row] = id;
            Count++;
        }

        TensorPrimitives.Divide(embedding, norm, _vectors.AsSpan(row * Dimensions, Dimensions));
    }

    /// <summary>Removes <paramref name="id"/>; false when it was not there.</summary>
    public bool Remove(long id)
    {
        if (!_rows.Remove(id, out var row))
        {
            return false;
        }

        var last = Count - 1;
        if (row != last)
        {
            _vectors.AsSpan(last * Dimensions, Dimensions).CopyTo(_vectors.AsSpan(row * Dimensions, Dimensions));
            _ids[row] = _ids[last];
            _rows[_ids[row]] = row;
        }

        Count = last;
        return true;
    }

    /// <summary>The unit-length vector stored for the entry at <paramref name="row"/> (0..Count−1).</summary>
    public ReadOnlySpan<float> Vector(int row) => _vectors.AsSpan(row * Dimensions, Dimensions);

    /// <summary>The id at <paramref name="row"/>.</summary>
    public long IdAt(int row) => _ids[row];

    /// <summary>
    /// Writes the entries with similarity ≥ <paramref name="threshold"/> into <paramref name="results"/>,
    /// best first, and returns how many were written (at most <c>results.Length</c>).
    /// </summary>
    public int Search(ReadOnlySpan<float> query, float threshold, Span<FaceMatch> results)
    {
        if (query.Length != Dimensions)
        {
            ThrowHelper.ThrowArgument(nameof(query), $"Expected {Dimensions} values, got {query.Length}.");
        }

        if (results.IsEmpty || Count == 0)
        {
            return 0;
        }

        var norm = TensorPrimitives.Norm(query);
        if (!(norm > 0))
        {
            return 0;
        }

        var found = 0;
        var vectors = _vectors.AsSpan(0, Count * Dimensions);
        for (var row = 0; row < Count; row++)
        {
            var similarity = TensorPrimitives.Dot(query, vectors.Slice(row * Dimensions, Dimensions)) / norm;
            if (similarity < threshold)
            {
                continue;
            }

            // Keep the best results sorted (insertion into a short list).
            if (found == results.Length && similarity <= results[found - 1].Similarity)
            {
                continue;
            }

            var position = found < results.Length ? found++ : found - 1;
            while (position > 0 && results[position - 1].Similarity < similarity)
            {
                results[position] = results[position - 1];
                position--;
            }

            results[position] = new FaceMatch(_ids[row], similarity);
        }

        return found;
    }

    /// <summary>The most similar entry, or null when the index is empty.</summary>
    public FaceMatch? Best(ReadOnlySpan<float> query)
    {
        Span<FaceMatch> one = stackalloc FaceMatch[1];
        return Search(query, float.NegativeInfinity, one) == 1 ? one[0] : null;
    }
}
