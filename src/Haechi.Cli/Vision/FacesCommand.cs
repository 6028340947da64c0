using System.CommandLine;
using System.Globalization;
using Haechi.Core.Banks;
using Haechi.Core.Faces;
using Haechi.Core.Signals;
using Haechi.Data;
using Haechi.Data.Banks;
using Haechi.Media.Images;
using Haechi.Media.Models;
using Haechi.Media.Vision;

namespace Haechi.Cli.Vision;

/// <summary>
/// <c>haechi faces</c>: enrol a consenting person's face (the embedding only; the photo is never
/// kept) into a face bank in the store, search images for enrolled faces, and withdraw a subject.
/// </summary>
internal static class FacesCommand
{
    public static Command Create(CliConsole console, TimeProvider? time = null)
    {
        var command = new Command("faces", "Face banks (banks of face-faceres-v1 embeddings in the store): enrol a consenting person's face, search images for it, withdraw it.");
        command.Subcommands.Add(Enroll(console, time ?? TimeProvider.System));
        command.Subcommands.Add(Search(console));
        command.Subcommands.Add(Remove(console));
        return command;
    }

    private static Option<string> BankOption() => new("--bank")
    {
        Description = "Face bank name (lower-case letters, digits, '-' and '_').",
        Required = true,
    };

    /// <summary>Opens the store and imports face bank files left by older versions (once).</summary>
    internal static async Task<(HaechiDbContext Db, BankStore Store)> OpenAsync(CliConsole console, CliServices services, CancellationToken cancellationToken)
    {
        var db = await services.OpenStoreAsync(cancellationToken).ConfigureAwait(false);
        var store = services.Banks(db);
        try
        {
            foreach (var problem in await FaceBanks.ImportFilesAsync(services.Location.DataDirectory, db, store, cancellationToken).ConfigureAwait(false))
            {
                await console.Error.WriteLineAsync("haechi: " + problem).ConfigureAwait(false);
            }

            return (db, store);
        }
        catch
        {
            await db.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static Command Enroll(CliConsole console, TimeProvider time)
    {
        var bank = BankOption();
        var subject = new Option<string>("--subject") { Description = "Who the face belongs to: a case number or other external id, not a name.", Required = true };
        var labels = new Option<string[]>("--label") { Description = "Label for every face enrolled (repeatable)." };
        var photos = new Argument<string[]>("PHOTO") { Description = "Photos showing exactly one face of at least 64 pixels.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("enroll", "Add the face in each photo to a face bank (created on first use). Only the embedding is stored; the photos are not copied or kept.")
        {
            bank,
            subject,
            labels,
            photos,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var name = result.GetValue(bank)!;
            var subjectId = result.GetValue(subject)!;
            if (BankRules.ValidateName(name) is { } nameError)
            {
                await console.Error.WriteLineAsync("haechi: faces enroll: " + nameError).ConfigureAwait(false);
                return 2;
            }

            if (string.IsNullOrWhiteSpace(subjectId) || BankRules.ValidateExternalId(subjectId) is not null)
            {
                await console.Error.WriteLineAsync("haechi: faces enroll: " + (BankRules.ValidateExternalId(subjectId) ?? "the subject cannot be empty.")).ConfigureAwait(false);
                return 2;
            }

            var dataDirectory = DataDirectoryOption.Resolve(result);
            try
            {
                using var models = VisionModels.Load(dataDirectory, VisionParts.Faces);
                var embedder = models.Embedder!;
                var entries = new List<NewFaceEntry>();
                var failed = false;
                foreach (var photo in result.GetValue(photos) ?? [])
                {
                    try
                    {
                        var image = ImageDecoder.Decode(photo, ImageScanner.VisionDecodeOptions);
                        var faces = models.Detector!.Detect(image).Where(embedder.IsEmbeddable).ToList();
                        if (faces.Count != 1)
                        {
                            await console.Error.WriteLineAsync($"haechi: {photo}: {faces.Count} usable faces (need exactly one of at least 64 px); not enrolled.").ConfigureAwait(false);
                            failed = true;
                            continue;
                        }

                        var quality = (int)Math.Clamp(MathF.Round(faces[0].Score * 100), 0, 100);
                        entries.Add(new NewFaceEntry(embedder.Embed(image, faces)[0], quality, subjectId, result.GetValue(labels) ?? [], time.GetUtcNow()));
                    }
                    catch (ImageDecodeException ex)
                    {
                        await console.Error.WriteLineAsync($"haechi: {photo}: {ex.Message}").ConfigureAwait(false);
                        failed = true;
                    }
                }

                await using var services = CliServices.Create(result);
                var (db, store) = await OpenAsync(console, services, cancellationToken).ConfigureAwait(false);
                await using (db)
                {
                    if (entries.Count > 0)
                    {
                        // The bank and its first faces are committed together.
                        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                        if (!await FaceBanks.ExistsAsync(store, name, embedder.ModelIdentity, cancellationToken).ConfigureAwait(false))
                        {
                            await store.CreateFaceBankAsync(name, null, SignalType.FaceFaceresV1, embedder.ModelIdentity, cancellationToken).ConfigureAwait(false);
                        }

                        var added = await store.AddFaceEntriesAsync(name, entries, cancellationToken).ConfigureAwait(false);
                        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                        foreach (var (index, existing) in added.Duplicates)
                        {
                            await console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"haechi: face {index + 1}: already in the bank as entry {existing}; not added again")).ConfigureAwait(false);
                        }
                    }

                    var total = await store.BankExistsAsync(name, cancellationToken).ConfigureAwait(false)
                        ? (await store.GetBankAsync(name, cancellationToken).ConfigureAwait(false)).ActiveEntries
                        : 0;
                    await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"enrolled {entries.Count} face(s) for {subjectId} in {name} ({total} in the bank)")).ConfigureAwait(false);
                }

                return failed ? 1 : 0;
            }
            catch (Exception ex) when (ex is ModelConversionException or BankStoreException)
            {
                await console.Error.WriteLineAsync("haechi: faces enroll: " + ex.Message).ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }

    private static Command Search(CliConsole console)
    {
        var bank = BankOption();
        var threshold = new Option<float>("--threshold") { Description = "Cosine similarity for a match (default 0.66).", DefaultValueFactory = _ => FaceBank.DefaultThreshold };
        var paths = new Argument<string[]>("PATH") { Description = "Images to search.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("search", "Find enrolled faces in images: one line per matching face, 'path,face,x,y,w,h,subject,similarity'.")
        {
            bank,
            threshold,
            paths,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var name = result.GetValue(bank)!;
            var dataDirectory = DataDirectoryOption.Resolve(result);
            try
            {
                using var models = VisionModels.Load(dataDirectory, VisionParts.Faces);
                FaceBank? faceBank;
                await using var services = CliServices.Create(result);
                var (db, store) = await OpenAsync(console, services, cancellationToken).ConfigureAwait(false);
                await using (db)
                {
                    faceBank = await FaceBanks.LoadAsync(store, name, models.Embedder!.ModelIdentity, cancellationToken).ConfigureAwait(false);
                }

                if (faceBank is null)
                {
                    await console.Error.WriteLineAsync($"haechi: faces search: no face bank '{name}'.").ConfigureAwait(false);
                    return 1;
                }

                var minimum = result.GetValue(threshold);
                var failed = false;
                var scanner = models.NewScanner();
                foreach (var path in result.GetValue(paths) ?? [])
                {
                    try
                    {
                        var scan = scanner.Scan(ImageFingerprinter.ReadFile(path, ImageDecodeOptions.DefaultMaxFileBytes));
                        for (var i = 0; i < scan.Faces!.Count; i++)
                        {
                            var face = scan.Faces[i];
                            if (face.Embedding is { } embedding && faceBank.Index.Best(embedding) is { } best && best.Similarity >= minimum)
                            {
                                var f = face.Face;
                                await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{path},{i},{f.X:F0},{f.Y:F0},{f.Width:F0},{f.Height:F0},{faceBank.SubjectOf(best.Id)},{best.Similarity:F3}")).ConfigureAwait(false);
                            }
                        }
                    }
                    catch (ImageDecodeException ex)
                    {
                        await console.Error.WriteLineAsync($"haechi: {path}: {ex.Message}").ConfigureAwait(false);
                        failed = true;
                    }
                }

                return failed ? 1 : 0;
            }
            catch (Exception ex) when (ex is ModelConversionException or BankStoreException)
            {
                await console.Error.WriteLineAsync("haechi: faces search: " + ex.Message).ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }

    private static Command Remove(CliConsole console)
    {
        var bank = BankOption();
        var subject = new Option<string>("--subject") { Description = "The subject whose faces are withdrawn.", Required = true };
        var command = new Command("remove", "Withdraw: erase every embedding of a subject from a face bank (as 'haechi bank remove NAME --external-id SUBJECT').")
        {
            bank,
            subject,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var name = result.GetValue(bank)!;
            try
            {
                await using var services = CliServices.Create(result);
                var (db, store) = await OpenAsync(console, services, cancellationToken).ConfigureAwait(false);
                await using (db)
                {
                    var summary = await store.GetBankAsync(name, cancellationToken).ConfigureAwait(false);
                    if (summary.EmbeddingModel is null)
                    {
                        throw new BankStoreException($"Bank '{name}' is not a face bank.");
                    }

                    var removed = await store.WithdrawByExternalIdAsync(name, result.GetValue(subject)!, cancellationToken).ConfigureAwait(false);
                    var left = (await store.GetBankAsync(name, cancellationToken).ConfigureAwait(false)).ActiveEntries;
                    await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"removed {removed} face(s) from {name} ({left} left)")).ConfigureAwait(false);
                    return 0;
                }
            }
            catch (BankStoreException ex)
            {
                await console.Error.WriteLineAsync("haechi: faces remove: " + ex.Message).ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }
}
