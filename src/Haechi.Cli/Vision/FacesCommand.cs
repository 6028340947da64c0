using System.CommandLine;
using System.Globalization;
using Haechi.Core.Faces;
using Haechi.Media.Images;
using Haechi.Media.Models;
using Haechi.Media.Vision;

namespace Haechi.Cli.Vision;

/// <summary>
/// <c>haechi faces</c>: enrol a consenting person's face (the embedding only; the photo is never
/// kept), search images for enrolled faces, and withdraw a subject.
/// </summary>
internal static class FacesCommand
{
    public static Command Create(CliConsole console, TimeProvider? time = null)
    {
        var command = new Command("faces", "Face banks in DATA/faces: enrol embeddings of a consenting person's face, search images for them, withdraw them.");
        command.Subcommands.Add(Enroll(console, time ?? TimeProvider.System));
        command.Subcommands.Add(Search(console));
        command.Subcommands.Add(Remove(console));
        return command;
    }

    private static Option<string> BankOption() => new("--bank")
    {
        Description = "Face bank name (lower-case letters, digits, '.', '_', '-').",
        Required = true,
    };

    private static Command Enroll(CliConsole console, TimeProvider time)
    {
        var bank = BankOption();
        var subject = new Option<string>("--subject") { Description = "Who the face belongs to: a case number or other external id, not a name.", Required = true };
        var photos = new Argument<string[]>("PHOTO") { Description = "Photos showing exactly one face of at least 64 pixels.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("enroll", "Add the face in each photo to a bank. Only the embedding is stored; the photos are not copied or kept.")
        {
            bank,
            subject,
            photos,
        };
        command.SetAction(result =>
        {
            var name = result.GetValue(bank)!;
            var subjectId = result.GetValue(subject)!;
            if (!FileFaceBankStore.IsValidName(name) || string.IsNullOrWhiteSpace(subjectId))
            {
                console.Error.WriteLine("haechi: faces enroll: invalid bank name or empty subject.");
                return 2;
            }

            var dataDirectory = DataDirectoryOption.Resolve(result);
            var store = FileFaceBankStore.ForDataDirectory(dataDirectory);
            try
            {
                using var models = VisionModels.Load(dataDirectory, faces: true, embeddings: true, nudity: false);
                var embedder = models.Embedder!;
                var faceBank = store.Load(name) ?? new FaceBank(name, embedder.ModelIdentity, embedder.Dimensions);
                if (faceBank.Model != embedder.ModelIdentity)
                {
                    console.Error.WriteLine($"haechi: faces enroll: bank '{name}' was made with another embedding model; enrol into a new bank.");
                    return 1;
                }

                var enrolled = 0;
                var failed = false;
                foreach (var photo in result.GetValue(photos) ?? [])
                {
                    try
                    {
                        var image = ImageDecoder.Decode(photo, ImageScanner.VisionDecodeOptions);
                        var faces = models.Detector!.Detect(image).Where(embedder.IsEmbeddable).ToList();
                        if (faces.Count != 1)
                        {
                            console.Error.WriteLine($"haechi: {photo}: {faces.Count} usable faces (need exactly one of at least 64 px); not enrolled.");
                            failed = true;
                            continue;
                        }

                        faceBank.Add(subjectId, embedder.Embed(image, faces)[0], time.GetUtcNow().ToUnixTimeMilliseconds());
                        enrolled++;
                    }
                    catch (ImageDecodeException ex)
                    {
                        console.Error.WriteLine($"haechi: {photo}: {ex.Message}");
                        failed = true;
                    }
                }

                if (enrolled > 0)
                {
                    store.Save(faceBank);
                }

                console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"enrolled {enrolled} face(s) for {subjectId} in {name} ({faceBank.Entries.Count} in the bank)"));
                return failed ? 1 : 0;
            }
            catch (Exception ex) when (ex is ModelConversionException or InvalidDataException)
            {
                console.Error.WriteLine("haechi: faces enroll: " + ex.Message);
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
        command.SetAction(result =>
        {
            var name = result.GetValue(bank)!;
            var dataDirectory = DataDirectoryOption.Resolve(result);
            try
            {
                if (!FileFaceBankStore.IsValidName(name) || FileFaceBankStore.ForDataDirectory(dataDirectory).Load(name) is not { } faceBank)
                {
                    console.Error.WriteLine($"haechi: faces search: no face bank '{name}'.");
                    return 1;
                }

                using var models = VisionModels.Load(dataDirectory, faces: true, embeddings: true, nudity: false);
                if (faceBank.Model != models.Embedder!.ModelIdentity)
                {
                    console.Error.WriteLine($"haechi: faces search: bank '{name}' was made with another embedding model.");
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
                                console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{path},{i},{f.X:F0},{f.Y:F0},{f.Width:F0},{f.Height:F0},{faceBank.SubjectOf(best.Id)},{best.Similarity:F3}"));
                            }
                        }
                    }
                    catch (ImageDecodeException ex)
                    {
                        console.Error.WriteLine($"haechi: {path}: {ex.Message}");
                        failed = true;
                    }
                }

                return failed ? 1 : 0;
            }
            catch (Exception ex) when (ex is ModelConversionException or InvalidDataException)
            {
                console.Error.WriteLine("haechi: faces search: " + ex.Message);
                return 1;
            }
        });
        return command;
    }

    private static Command Remove(CliConsole console)
    {
        var bank = BankOption();
        var subject = new Option<string>("--subject") { Description = "The subject whose faces are withdrawn.", Required = true };
        var command = new Command("remove", "Withdraw: delete every embedding of a subject from a bank.")
        {
            bank,
            subject,
        };
        command.SetAction(result =>
        {
            var name = result.GetValue(bank)!;
            var store = FileFaceBankStore.ForDataDirectory(DataDirectoryOption.Resolve(result));
            try
            {
                if (!FileFaceBankStore.IsValidName(name) || store.Load(name) is not { } faceBank)
                {
                    console.Error.WriteLine($"haechi: faces remove: no face bank '{name}'.");
                    return 1;
                }

                var removed = faceBank.RemoveSubject(result.GetValue(subject)!);
                store.Save(faceBank);
                console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"removed {removed} face(s) from {name} ({faceBank.Entries.Count} left)"));
                return 0;
            }
            catch (InvalidDataException ex)
            {
                console.Error.WriteLine("haechi: faces remove: " + ex.Message);
                return 1;
            }
        });
        return command;
    }
}
