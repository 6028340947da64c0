using System.Globalization;
using Haechi.Core.Hashing;
using Haechi.Core.Signals;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Data.Banks;

/// <summary>Face entries: unit-length embeddings enrolled by subject (never the photo).</summary>
public sealed partial class BankStore
{
    /// <summary>
    /// Adds face embeddings to a face bank in one transaction. Each entry's external id is the
    /// subject; its signal is the SHA-256 of the unit vector (an entry with the same vector and
    /// subject is a duplicate); the vector is normalised to unit length and, when the store has a
    /// sealer, sealed at rest (<see cref="FaceEmbeddingSeal"/>).
    /// </summary>
    /// <exception cref="BankStoreException">Unknown bank, not a face bank, wrong vector length, or an invalid entry; nothing is added.</exception>
    public async Task<AddEntriesResult> AddFaceEntriesAsync(string bankName, IReadOnlyList<NewFaceEntry> faces, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(faces);
        var bank = await FindBankAsync(bankName, cancellationToken).ConfigureAwait(false);
        if (SignalType.Find(bank.SignalType) is not { IsFaceEmbedding: true } type)
        {
            throw new BankStoreException($"Bank '{bankName}' holds {bank.SignalType} signals; faces go into a face bank ('haechi faces enroll').");
        }

        var vectors = new List<byte[]>(faces.Count);
        var entries = new List<NewBankEntry>(faces.Count);
        for (var i = 0; i < faces.Count; i++)
        {
            var face = faces[i];
            if (face.Embedding.Length != type.Dimensions)
            {
                throw new BankStoreException(string.Create(CultureInfo.InvariantCulture, $"Entry {i + 1}: a {type.Name} embedding has {type.Dimensions} values, not {face.Embedding.Length}."));
            }

            if (string.IsNullOrWhiteSpace(face.Subject))
            {
                throw new BankStoreException(string.Create(CultureInfo.InvariantCulture, $"Entry {i + 1}: the subject cannot be empty."));
            }

            var bytes = EmbeddingBytes(face.Embedding)
                ?? throw new BankStoreException(string.Create(CultureInfo.InvariantCulture, $"Entry {i + 1}: the embedding has no direction (zero or non-finite)."));
            vectors.Add(bytes);
            entries.Add(new NewBankEntry(Hash256.ReadBigEndian(System.Security.Cryptography.SHA256.HashData(bytes)), face.Quality, face.Subject, face.Labels));
        }

        await using var owned = await BeginUnlessAmbientAsync(cancellationToken).ConfigureAwait(false);
        var result = await InsertEntriesAsync(bank, entries, db.Database.CurrentTransaction!, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < vectors.Count; i++)
        {
            if (result.AddedIds[i] != 0)
            {
                // Sealed at rest when the store has a sealer: an embedding identifies a person.
                db.BankEntryEmbeddings.Add(new BankEntryEmbeddingRecord { EntryId = result.AddedIds[i], Vector = FaceEmbeddingSeal.Protect(sealer, result.AddedIds[i], vectors[i]) });
            }
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < faces.Count; i++)
        {
            if (result.AddedIds[i] != 0 && faces[i].AddedAt is { } addedAt)
            {
                var id = result.AddedIds[i];
                await db.BankEntries.Where(e => e.Id == id).ExecuteUpdateAsync(u => u.SetProperty(e => e.AddedAt, addedAt), cancellationToken).ConfigureAwait(false);
            }
        }

        if (owned is not null)
        {
            await owned.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>The vector as unit-length float32 little-endian bytes; null when it has no direction.</summary>
    private static byte[]? EmbeddingBytes(float[] embedding)
    {
        var norm = System.Numerics.Tensors.TensorPrimitives.Norm(embedding);
        if (!(norm > 0) || float.IsInfinity(norm))
        {
            return null;
        }

        var bytes = new byte[embedding.Length * sizeof(float)];
        for (var i = 0; i < embedding.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), embedding[i] / norm);
        }

        return bytes;
    }
}
