using Haechi.Media.Images;

namespace Haechi.Cli.Hashing;

/// <summary>
/// Hashes files on several threads and prints the results in the order the files were given.
/// </summary>
internal sealed class HashRun(CliConsole console, ImageDecodeOptions options, HashOutputFormat format, int jobs)
{
    private readonly Lock _gate = new();

    /// <summary>Returns 0 when every file was hashed, 1 when any failed.</summary>
    public int Execute(IReadOnlyList<InputFile> files)
    {
        var lines = new string?[files.Count];
        var failed = new bool[files.Count];
        var done = new bool[files.Count];
        var nextToPrint = 0;
        var completed = 0;
        var anyFailed = false;
        var progress = new ProgressBar(console, files.Count);

        // libvips would start its own threads per image; we parallelise over files instead.
        ImageDecoder.SetDecoderThreads(jobs > 1 ? 1 : 0);

        Parallel.For(
            0,
            files.Count,
            new ParallelOptions { MaxDegreeOfParallelism = jobs },
            () => new ImageFingerprinter(options),
            (i, _, fingerprinter) =>
            {
                var file = files[i];
                string line;
                var problem = file.Problem;
                if (problem is null)
                {
                    try
                    {
                        line = format.Format(file.Path, fingerprinter.Fingerprint(file.Path, format.Parts));
                    }
                    catch (ImageDecodeException ex)
                    {
                        problem = ex.Message;
                        line = string.Empty;
                    }
                }
                else
                {
                    line = string.Empty;
                }

                lock (_gate)
                {
                    lines[i] = problem is null ? line : "haechi: " + file.Path + ": " + problem;
                    failed[i] = problem is not null;
                    done[i] = true;
                    completed++;
                    while (nextToPrint < files.Count && done[nextToPrint])
                    {
                        if (failed[nextToPrint])
                        {
                            anyFailed = true;
                            console.Error.WriteLine(lines[nextToPrint]);
                        }
                        else
                        {
                            console.Out.WriteLine(lines[nextToPrint]);
                        }

                        lines[nextToPrint] = null;
                        nextToPrint++;
                    }

                    progress.Report(completed);
                }

                return fingerprinter;
            },
            static _ => { });

        progress.Finish();
        return anyFailed ? 1 : 0;
    }
}
