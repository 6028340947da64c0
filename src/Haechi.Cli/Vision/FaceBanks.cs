using System.Globalization;
using Haechi.Core.Faces;
using Haechi.Core.Signals;
using Haechi.Data;
using Haechi.Data.Banks;
using Haechi.Media.Vision;

namespace Haechi.Cli.Vision;

/// <summary>
/// Face banks in the store (banks whose signal type is a face embedding), and the one-time import
/// of the face bank files older versions kept in <c>DATA/faces/NAME.faces</c>.
/// </summary>
internal static class FaceBanks
{
    /// <summary>Suffix an imported face bank file is renamed to (kept so an operator can check and delete it).</summary>
    public const string ImportedSuffix = ".imported";

    /// <summary>
    /// Imports every <c>DATA/faces/*.faces</c> file into a face bank of the same name (bank and
    /// entries in one transaction, enrolment times kept), then renames the file to
    /// <c>*.faces.imported</c>. A file whose bank already exists with the same model was imported
    /// before a crash and is only renamed. Returns problems, one line each (the files are left alone).
    /// </summary>
    public static async Task<List<string>> ImportFilesAsync(string dataDirectory, HaechiDbContext db, BankStore store, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var files = FileFaceBankStore.ForDataDirectory(dataDirectory);
        foreach (var name in files.List())
        {
            var path = Path.Combine(files.Directory, name + ".faces");
            try
            {
                var bank = files.Load(name);
                if (bank is null)
                {
                    continue;
                }

                if (await store.BankExistsAsync(name, cancellationToken).ConfigureAwait(false))
                {
                    var existing = await store.GetBankAsync(name, cancellationToken).ConfigureAwait(false);
                    if (existing.EmbeddingModel != bank.Model)
                    {
                        problems.Add($"face bank file '{name}' not imported: a bank of that name already exists with other signals.");
                        continue;
                    }
                }
                else
                {
                    var type = SignalType.FaceFaceresV1;
                    if (bank.Dimensions != type.Dimensions)
                    {
                        problems.Add(string.Create(CultureInfo.InvariantCulture, $"face bank file '{name}' not imported: {bank.Dimensions}-value embeddings are not {type.Name}."));
                        continue;
                    }

                    await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                    await store.CreateFaceBankAsync(name, "imported from DATA/faces", type, bank.Model, cancellationToken).ConfigureAwait(false);
                    var entries = new List<NewFaceEntry>(bank.Entries.Count);
                    foreach (var entry in bank.Entries)
                    {
                        entries.Add(new NewFaceEntry(entry.Embedding, 100, entry.Subject, [], DateTimeOffset.FromUnixTimeMilliseconds(entry.EnrolledAtUnixMs)));
                    }

                    await store.AddFaceEntriesAsync(name, entries, cancellationToken).ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }

                File.Move(path, path + ImportedSuffix);
            }
            catch (Exception ex) when (ex is InvalidDataException or BankStoreException or ArgumentException)
            {
                problems.Add($"face bank file '{name}' not imported: {ex.Message}");
            }
        }

        return problems;
    }

    /// <summary>The face bank <paramref name="name"/> as an index ready to search, or null when there is none of that name.</summary>
    /// <exception cref="BankStoreException">The bank exists but holds other signals or another model's vectors.</exception>
    public static async Task<FaceBank?> LoadAsync(BankStore store, string name, string embeddingModel, CancellationToken cancellationToken)
    {
        if (!await ExistsAsync(store, name, embeddingModel, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var banks = await new BankSignalReader(store.Context, store.Sealer).LoadFaceBanksAsync(embeddingModel, name, cancellationToken).ConfigureAwait(false);
        return banks.Count == 1 ? banks[0] : null;
    }

    /// <summary>True when the face bank <paramref name="name"/> exists (with vectors of <paramref name="embeddingModel"/>).</summary>
    /// <exception cref="BankStoreException">The bank exists but holds other signals or another model's vectors.</exception>
    public static async Task<bool> ExistsAsync(BankStore store, string name, string embeddingModel, CancellationToken cancellationToken)
    {
        if (!await store.BankExistsAsync(name, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        var summary = await store.GetBankAsync(name, cancellationToken).ConfigureAwait(false);
        if (summary.EmbeddingModel is null)
        {
            throw new BankStoreException($"Bank '{name}' holds {summary.SignalType} signals, not face embeddings.");
        }

        if (summary.EmbeddingModel != embeddingModel)
        {
            throw new BankStoreException($"Bank '{name}' was made with another embedding model; enrol into a new bank.");
        }

        return true;
    }
}
