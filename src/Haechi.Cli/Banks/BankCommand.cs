using System.CommandLine;
using System.Globalization;
using Haechi.Cli.Hashing;
using Haechi.Core.Robust;
using Haechi.Core.Signals;
using Haechi.Data.Banks;
using Haechi.Media.Images;
using Haechi.Media.Robust;
using Haechi.Media.Video;

namespace Haechi.Cli.Banks;

/// <summary><c>haechi bank</c>: named sets of fingerprints kept in the data directory's store.</summary>
internal static class BankCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("bank", "Create, fill, inspect, export and withdraw from banks of fingerprints (stored in the data directory).");
        command.Subcommands.Add(CreateBank(console));
        command.Subcommands.Add(ListBanks(console));
        command.Subcommands.Add(ShowBank(console));
        command.Subcommands.Add(AddFiles(console));
        command.Subcommands.Add(Import(console));
        command.Subcommands.Add(Export(console));
        command.Subcommands.Add(Remove(console));
        return command;
    }

    private static Argument<string> BankName() => new("NAME") { Description = "Bank name: lower-case letters, digits, '-' and '_'." };

    /// <summary>Runs a store action, turning refusals into one stderr line and exit code 1.</summary>
    private static async Task<int> Guard(CliConsole console, Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (BankStoreException ex)
        {
            await console.Error.WriteLineAsync("haechi: " + ex.Message).ConfigureAwait(false);
            return 1;
        }
        catch (InterchangeException ex)
        {
            await console.Error.WriteLineAsync("haechi: nothing imported: " + ex.Message).ConfigureAwait(false);
            return 1;
        }
    }

    private static Command CreateBank(CliConsole console)
    {
        var name = BankName();
        var description = new Option<string?>("--description") { Description = "What the bank holds and who may use it." };
        var signal = new Option<string>("--signal-type") { Description = "Signal type of its entries: pdq (images) or vpdq (videos); face banks (face-faceres-v1) are created by 'haechi faces enroll'.", DefaultValueFactory = _ => SignalType.Pdq.Name };
        var signals = new Option<string?>("--signals")
        {
            Description = "Image signals each entry keeps (pdq banks): comma-separated from pdq, dihedral (rotations and mirrors), canonical (borders trimmed, photo inside a screenshot), " +
                "crops (centre crops and caption cuts), partial (edge strips that survive stickers), local (keypoints confirmed by geometry: off-centre crops, large occluders; about 6 KB per image), or all (every image signal). Default: " + BankSignals.Default + ".",
        };
        var command = new Command("create", "Create an empty bank.") { name, description, signal, signals };
        command.SetAction((result, ct) => Guard(console, async () =>
        {
            var type = SignalType.Find(result.GetValue(signal)!) ?? throw new BankStoreException($"Unknown signal type '{result.GetValue(signal)}'.");
            var extras = type == SignalType.Pdq ? BankSignals.Parse(result.GetValue(signals) ?? BankSignals.Default) : RobustFamilies.None;
            if (type != SignalType.Pdq && result.GetValue(signals) is not null)
            {
                throw new BankStoreException("--signals applies to pdq banks only.");
            }

            await using var services = CliServices.Create(result);
            await using var db = await services.OpenStoreAsync(ct).ConfigureAwait(false);
            var bank = await services.Banks(db).CreateBankAsync(result.GetValue(name)!, result.GetValue(description), type, extras, ct).ConfigureAwait(false);
            await console.Out.WriteLineAsync($"created bank {bank.Name} ({bank.SignalType}{(type == SignalType.Pdq ? "; signals " + BankSignals.Format(extras) : string.Empty)})").ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    private static Command ListBanks(CliConsole console)
    {
        var command = new Command("list", "List banks with their entry counts.");
        command.SetAction((result, ct) => Guard(console, async () =>
        {
            await using var services = CliServices.Create(result);
            await using var db = await services.OpenStoreAsync(ct).ConfigureAwait(false);
            var banks = await services.Banks(db).ListBanksAsync(ct).ConfigureAwait(false);
            await console.Out.WriteLineAsync("name,signal_type,active,withdrawn,created,description,signals").ConfigureAwait(false);
            foreach (var bank in banks)
            {
                await console.Out.WriteLineAsync(Row(bank)).ConfigureAwait(false);
            }

            return 0;
        }));
        return command;
    }

    private static string Row(BankSummary bank) => string.Create(
        CultureInfo.InvariantCulture,
        $"{bank.Name},{bank.SignalType},{bank.ActiveEntries},{bank.WithdrawnEntries},{bank.CreatedAt:yyyy-MM-ddTHH:mm:ssZ},{bank.Description},{(bank.SignalType == SignalType.Pdq.Name ? BankSignals.Format(bank.ExtraSignals).Replace(',', ' ') : string.Empty)}");

    private static Command ShowBank(CliConsole console)
    {
        var name = BankName();
        var command = new Command("show", "Show one bank and its entries (id, hash, quality, external id, labels).") { name };
        command.SetAction((result, ct) => Guard(console, async () =>
        {
            await using var services = CliServices.Create(result);
            await using var db = await services.OpenStoreAsync(ct).ConfigureAwait(false);
            var store = services.Banks(db);
            var bank = await store.GetBankAsync(result.GetValue(name)!, ct).ConfigureAwait(false);
            await console.Out.WriteLineAsync($"bank: {bank.Name}").ConfigureAwait(false);
            await console.Out.WriteLineAsync($"signal type: {bank.SignalType}").ConfigureAwait(false);
            if (bank.SignalType == SignalType.Pdq.Name)
            {
                await console.Out.WriteLineAsync($"signals: {BankSignals.Format(bank.ExtraSignals)}").ConfigureAwait(false);
            }

            if (bank.EmbeddingModel is not null)
            {
                // Face banks: the hash column is the SHA-256 of the stored embedding, the external id the subject.
                await console.Out.WriteLineAsync($"embedding model: {bank.EmbeddingModel}").ConfigureAwait(false);
            }

            await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"entries: {bank.ActiveEntries} active, {bank.WithdrawnEntries} withdrawn")).ConfigureAwait(false);
            await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"created: {bank.CreatedAt:yyyy-MM-ddTHH:mm:ssZ}")).ConfigureAwait(false);
            if (bank.Description is not null)
            {
                await console.Out.WriteLineAsync($"description: {bank.Description}").ConfigureAwait(false);
            }

            await console.Out.WriteLineAsync("entry_id,hash,quality,external_id,labels").ConfigureAwait(false);
            await foreach (var entry in store.ReadEntriesAsync(bank.Name, ct).ConfigureAwait(false))
            {
                await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{entry.Id},{entry.Signal},{entry.Quality},{entry.ExternalId},{string.Join(' ', entry.Labels)}")).ConfigureAwait(false);
            }

            return 0;
        }));
        return command;
    }

    private static Option<string?> ExternalIdOption() => new("--id") { Description = "External id for every entry added (e.g. a case number)." };

    private static Option<string[]> LabelOption() => new("--label") { Description = "Label for every entry added (repeatable).", AllowMultipleArgumentsPerToken = false };

    private static void Report(CliConsole console, AddEntriesResult result, List<string> names)
    {
        foreach (var (index, existing) in result.Duplicates)
        {
            console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"haechi: {names[index]}: already in the bank as entry {existing}; not added again"));
        }

        var added = result.AddedIds.Count(id => id != 0);
        console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"added {added}, duplicates {result.Duplicates.Count}"));
    }

    private static Command AddFiles(CliConsole console)
    {
        var name = BankName();
        var paths = new Argument<string[]>("PATH") { Description = "Image files (pdq banks) or videos (vpdq banks), or directories with --recursive.", Arity = ArgumentArity.OneOrMore };
        var id = ExternalIdOption();
        var labels = LabelOption();
        var recursive = new Option<bool>("--recursive", "-r") { Description = "Add every image under the directories given." };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Files hashed in parallel.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var imageOptions = new ImageOptions();
        var command = new Command(
            "add",
            "Fingerprint files and add them to a bank (images: PDQ; videos: vPDQ frames, near-identical runs collapsed); prints 'entry_id,path' per file added. The files themselves are not kept.")
        {
            name, paths, id, labels, recursive, jobs,
        };
        imageOptions.AddTo(command);
        command.SetAction((result, ct) => Guard(console, async () =>
        {
            var files = InputFiles.Expand(result.GetValue(paths) ?? [], result.GetValue(recursive));
            await using var services = CliServices.Create(result);
            await using var db = await services.OpenStoreAsync(ct).ConfigureAwait(false);
            var store = services.Banks(db);
            var bank = await store.GetBankAsync(result.GetValue(name)!, ct).ConfigureAwait(false);
            if (bank.EmbeddingModel is not null)
            {
                throw new BankStoreException($"Bank '{bank.Name}' is a face bank: enrol faces with 'haechi faces enroll --bank {bank.Name} --subject ID PHOTO'.");
            }

            if (bank.SignalType == SignalType.Vpdq.Name)
            {
                return await AddVideosAsync(console, store, bank.Name, files, result.GetValue(id), result.GetValue(labels) ?? [], ct).ConfigureAwait(false);
            }

            if (bank.ExtraSignals != RobustFamilies.None)
            {
                return await AddWithViewsAsync(console, store, bank, files, imageOptions.Read(result), result.GetValue(id), result.GetValue(labels) ?? [], ct).ConfigureAwait(false);
            }

            var entries = new List<NewBankEntry>();
            var names = new List<string>();
            var failed = false;
            var entryLabels = result.GetValue(labels) ?? [];
            OrderedFingerprinting.Run(console, files, imageOptions.Read(result), FingerprintParts.Pdq, Math.Max(1, result.GetValue(jobs)), (file, fingerprint, problem) =>
            {
                if (fingerprint is null)
                {
                    failed = true;
                    console.Error.WriteLine($"haechi: {file.Path}: {problem}");
                    return;
                }

                entries.Add(new NewBankEntry(fingerprint.Pdq, fingerprint.Quality, result.GetValue(id), entryLabels));
                names.Add(file.Path);
            });

            var added = await store.AddEntriesAsync(bank.Name, entries, ct).ConfigureAwait(false);
            for (var i = 0; i < names.Count; i++)
            {
                if (added.AddedIds[i] != 0)
                {
                    await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{added.AddedIds[i]},{names[i]}")).ConfigureAwait(false);
                }
            }

            Report(console, added, names);
            return failed ? 1 : 0;
        }));
        return command;
    }

    private static async Task<int> AddWithViewsAsync(CliConsole console, BankStore store, BankSummary bank, List<InputFile> files, ImageDecodeOptions options, string? externalId, string[] labels, CancellationToken cancellationToken)
    {
        // The first view is the plain PDQ (identical to 'haechi hash'); the rest are the bank's extra signals.
        var fingerprinter = new RobustFingerprinter(options);
        var entries = new List<NewBankEntry>();
        var names = new List<string>();
        var failed = false;
        foreach (var file in files)
        {
            try
            {
                if (file.Problem is not null)
                {
                    throw new ImageDecodeException(ImageDecodeError.Unreadable, file.Problem);
                }

                // One decode: the PDQ views and (banks with the local signal) the keypoints.
                var (views, local) = fingerprinter.RegisterAll(ImageFingerprinter.ReadFile(file.Path, options.MaxFileBytes), bank.ExtraSignals);
                entries.Add(new NewBankEntry(views[0].Hash, views[0].Quality, externalId, labels, views.GetRange(1, views.Count - 1), local));
                names.Add(file.Path);
            }
            catch (ImageDecodeException ex)
            {
                failed = true;
                await console.Error.WriteLineAsync($"haechi: {file.Path}: {ex.Message}").ConfigureAwait(false);
            }
        }

        var added = await store.AddEntriesAsync(bank.Name, entries, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < names.Count; i++)
        {
            if (added.AddedIds[i] != 0)
            {
                await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{added.AddedIds[i]},{names[i]}")).ConfigureAwait(false);
            }
        }

        Report(console, added, names);
        return failed ? 1 : 0;
    }

    private static async Task<int> AddVideosAsync(CliConsole console, BankStore store, string bank, List<InputFile> files, string? externalId, string[] labels, CancellationToken cancellationToken)
    {
        // Stored videos keep every frame and are hashed inside letterbox bars (docs/video.md).
        var fingerprinter = new VideoFingerprinter(VideoDecodeOptions.Default, trimBorders: true);
        var entries = new List<NewVideoEntry>();
        var names = new List<string>();
        var failed = false;
        foreach (var file in files)
        {
            if (file.Problem is not null)
            {
                failed = true;
                await console.Error.WriteLineAsync($"haechi: {file.Path}: {file.Problem}").ConfigureAwait(false);
                continue;
            }

            try
            {
                entries.Add(new NewVideoEntry(fingerprinter.Fingerprint(file.Path, cancellationToken).Frames, externalId, labels));
                names.Add(file.Path);
            }
            catch (VideoDecodeException ex)
            {
                failed = true;
                await console.Error.WriteLineAsync($"haechi: {file.Path}: {ex.Message}").ConfigureAwait(false);
            }
        }

        var added = await store.AddVideoEntriesAsync(bank, entries, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < names.Count; i++)
        {
            if (added.AddedIds[i] != 0)
            {
                await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{added.AddedIds[i]},{names[i]}")).ConfigureAwait(false);
            }
        }

        Report(console, added, names);
        return failed ? 1 : 0;
    }

    private static Option<InterchangeFormat?> FormatOption() => new("--format") { Description = "csv (hash,quality,id) or jsonl; default: from the file name, else csv." };

    private static Command Import(CliConsole console)
    {
        var name = BankName();
        var file = new Argument<string>("FILE") { Description = "Hash list: reference CSV 'hash,quality,path' or 'hash,quality,id', or JSON Lines; '-' reads stdin." };
        var format = FormatOption();
        var labels = LabelOption();
        var command = new Command("import", "Import a hash list into a bank in one transaction: a malformed line imports nothing.") { name, file, format, labels };
        command.SetAction((result, ct) => Guard(console, async () =>
        {
            var path = result.GetValue(file)!;
            var chosen = result.GetValue(format) ?? BankInterchange.Guess(path);
            List<NewBankEntry> entries;
            try
            {
                using var reader = path == "-" ? Console.In : new StreamReader(path);
                entries = BankInterchange.Read(reader, chosen, result.GetValue(labels) ?? []);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new BankStoreException($"{path}: cannot read: {ex.Message}");
            }

            await using var services = CliServices.Create(result);
            await using var db = await services.OpenStoreAsync(ct).ConfigureAwait(false);
            var added = await services.Banks(db).AddEntriesAsync(result.GetValue(name)!, entries, ct).ConfigureAwait(false);
            var lines = Enumerable.Range(1, entries.Count).Select(i => string.Create(CultureInfo.InvariantCulture, $"entry {i} ({entries[i - 1].Signal})")).ToList();
            Report(console, added, lines);
            return 0;
        }));
        return command;
    }

    private static Command Export(CliConsole console)
    {
        var name = BankName();
        var format = FormatOption();
        var command = new Command("export", "Print a bank's active entries as CSV 'hash,quality,id' (id: external id, else entry id) or JSON Lines.") { name, format };
        command.SetAction((result, ct) => Guard(console, async () =>
        {
            var chosen = result.GetValue(format) ?? InterchangeFormat.Csv;
            await using var services = CliServices.Create(result);
            await using var db = await services.OpenStoreAsync(ct).ConfigureAwait(false);
            if ((await services.Banks(db).GetBankAsync(result.GetValue(name)!, ct).ConfigureAwait(false)).EmbeddingModel is not null)
            {
                throw new BankStoreException("Face banks are not exported: an embedding identifies a person and stays in this store.");
            }

            await foreach (var entry in services.Banks(db).ReadEntriesAsync(result.GetValue(name)!, ct).ConfigureAwait(false))
            {
                await console.Out.WriteLineAsync(BankInterchange.Format(entry, chosen)).ConfigureAwait(false);
            }

            return 0;
        }));
        return command;
    }

    private static Command Remove(CliConsole console)
    {
        var name = BankName();
        var ids = new Argument<long[]>("ID") { Description = "Entry ids to withdraw.", Arity = ArgumentArity.ZeroOrMore };
        var externalId = new Option<string?>("--external-id") { Description = "Withdraw every entry with this external id (e.g. a victim's case) from the bank." };
        var command = new Command(
            "remove",
            "Withdraw entries: they stop matching at once and their fingerprints are erased. Unknown ids change nothing.")
        {
            name, ids, externalId,
        };
        command.SetAction((result, ct) => Guard(console, async () =>
        {
            var entryIds = result.GetValue(ids) ?? [];
            var external = result.GetValue(externalId);
            if (entryIds.Length == 0 && external is null)
            {
                throw new BankStoreException("Give entry ids or --external-id.");
            }

            await using var services = CliServices.Create(result);
            await using var db = await services.OpenStoreAsync(ct).ConfigureAwait(false);
            var store = services.Banks(db);
            var bank = result.GetValue(name)!;
            var removed = 0;
            if (entryIds.Length > 0)
            {
                removed += await store.WithdrawAsync(bank, entryIds, ct).ConfigureAwait(false);
            }

            if (external is not null)
            {
                removed += await store.WithdrawByExternalIdAsync(bank, external, ct).ConfigureAwait(false);
            }

            await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"withdrew {removed} entries from {bank}")).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }
}
