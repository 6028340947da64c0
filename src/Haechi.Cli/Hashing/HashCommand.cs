using System.CommandLine;
using Haechi.Cli.Video;

namespace Haechi.Cli.Hashing;

/// <summary><c>haechi hash</c>: PDQ fingerprints of image files, in the reference tools' formats.</summary>
internal static class HashCommand
{
    public static Command Create(CliConsole console)
    {
        var dihedral = new Option<bool>("--dihedral")
        {
            Description = "Print all 8 dihedral hashes (original, rot90, rot180, rot270, flipx, flipy, flipplus1, flipminus1) before quality and path.",
        };
        var json = new Option<bool>("--json")
        {
            Description = "Print one JSON object per file (JSON Lines) with hash, quality, md5, sha256, width and height.",
        };
        var jobs = new Option<int>("--jobs", "-j")
        {
            Description = "Files hashed in parallel (default: the number of cores).",
            DefaultValueFactory = _ => Environment.ProcessorCount,
        };
        var recursive = new Option<bool>("--recursive", "-r")
        {
            Description = "Hash every file under the directories given.",
        };
        var paths = new Argument<string[]>("PATH")
        {
            Description = "Image files (JPEG, PNG, GIF, WebP, TIFF, HEIF/AVIF), or directories with --recursive.",
            Arity = ArgumentArity.OneOrMore,
        };
        var imageOptions = new ImageOptions();
        var videoOptions = new VideoHashOptions();

        var command = new Command(
            "hash",
            "Print the PDQ hash of each image as 'hash,quality,path' (the reference pdq-photo-hasher's CSV).\n" +
            "Unreadable files get one line on stderr each; the rest are still hashed and the exit code is 1.")
        {
            dihedral,
            json,
            jobs,
            recursive,
            paths,
        };
        imageOptions.AddTo(command);
        videoOptions.AddTo(command);
        jobs.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--jobs must be at least 1.");
            }
        });

        command.SetAction(result =>
        {
            var files = InputFiles.Expand(result.GetValue(paths) ?? [], result.GetValue(recursive));
            if (videoOptions.IsRequested(result))
            {
                return videoOptions.Run(console, files, result, CancellationToken.None);
            }

            var format = new HashOutputFormat(result.GetValue(dihedral), result.GetValue(json));
            var run = new HashRun(console, imageOptions.Read(result), format, result.GetValue(jobs));
            return run.Execute(files);
        });
        return command;
    }
}
