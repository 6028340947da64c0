namespace Haechi.Core.Faces;

/// <summary>One enrolled face: the embedding only (never the photo), who it belongs to, and when.</summary>
public sealed record FaceBankEntry(long Id, string Subject, long EnrolledAtUnixMs, float[] Embedding);

/// <summary>
/// A named set of enrolled face embeddings (a bank whose signal type is a face embedding), all from
/// one embedding model: vectors from different models are not comparable, so the bank records the
/// model and refuses others. The <see cref="FaceIndex"/> is rebuilt from the entries.
/// </summary>
public sealed class FaceBank
{
    /// <summary>Cosine similarity at or above which two FaceRes embeddings are taken as the same person (see docs/models.md).</summary>
    public const float DefaultThreshold = 0.66f;

    private readonly List<FaceBankEntry> _entries = [];
    private readonly Dictionary<long, FaceBankEntry> _byId = [];

    public FaceBank(string name, string model, int dimensions)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        Name = name;
        Model = model;
        Index = new FaceIndex(dimensions);
    }

    public string Name { get; }

    /// <summary>The embedding model (id and ONNX SHA-256) that made every vector in the bank.</summary>
    public string Model { get; }

    public int Dimensions => Index.Dimensions;

    public IReadOnlyList<FaceBankEntry> Entries => _entries;

    public FaceIndex Index { get; }

    /// <summary>Adds an entry; its id must be new.</summary>
    public FaceBankEntry Add(string subject, ReadOnlySpan<float> embedding, long enrolledAtUnixMs)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        var id = _entries.Count == 0 ? 1 : _entries[^1].Id + 1;
        return Restore(new FaceBankEntry(id, subject, enrolledAtUnixMs, embedding.ToArray()));
    }

    /// <summary>Adds an entry read back from storage (ids ascending).</summary>
    public FaceBankEntry Restore(FaceBankEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (_entries.Count > 0 && entry.Id <= _entries[^1].Id)
        {
            ThrowHelper.ThrowArgument(nameof(entry), "Entry ids must ascend.");
        }

        Index.Add(entry.Id, entry.Embedding);
        _entries.Add(entry);
        _byId[entry.Id] = entry;
        return entry;
    }

    /// <summary>Removes every entry of <paramref name="subject"/> (withdrawal); returns how many.</summary>
    public int RemoveSubject(string subject)
    {
        var removed = 0;
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            if (string.Equals(_entries[i].Subject, subject, StringComparison.Ordinal))
            {
                Index.Remove(_entries[i].Id);
                _byId.Remove(_entries[i].Id);
                _entries.RemoveAt(i);
                removed++;
            }
        }

        return removed;
    }

    /// <summary>The subject of entry <paramref name="id"/>.</summary>
    public string SubjectOf(long id) =>
        _byId.TryGetValue(id, out var entry) ? entry.Subject : ThrowHelper.ThrowArgumentOutOfRange<string>(nameof(id));
}
