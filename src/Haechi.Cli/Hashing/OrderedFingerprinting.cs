using Haechi.Media.Images;

namespace Haechi.Cli.Hashing;

/// <summary>
/// Fingerprints files on several threads and hands each result to a callback in the order the
/// files were given (so output is stable whatever the thread count), with a progress bar.
/// </summary>
internal static class OrderedFingerprinting
{
    /// <summary>
    /// Calls <paramref name="onResult"/> once per file, in input order, on one thread at a time,
    /// with either a fingerprint or the reason the file could not be fingerprinted.
    /// </summary>
    public static void Run(
        CliConsole console,
        IReadOnlyList<InputFile> files,
        ImageDecodeOptions options,
        FingerprintParts parts,
        int jobs,
        Action<InputFile, ImageFingerprint?, string?> onResult,
        Core.Robust.RobustFamilies queryViews = Core.Robust.RobustFamilies.PdqViews)
    {
        var results = new (ImageFingerprint? Fingerprint, string? Problem)?[files.Count];
        var nextToReport = 0;
        var completed = 0;
        var gate = new Lock();
        var progress = new ProgressBar(console, files.Count);

        // libvips would start its own threads per image; we parallelise over files instead.
        ImageDecoder.SetDecoderThreads(jobs > 1 ? 1 : 0);

        Parallel.For(
            0,
            files.Count,
            new ParallelOptions { MaxDegreeOfParallelism = jobs },
            () => new ImageFingerprinter(options) { QueryViews = queryViews },
            (i, _, fingerprinter) =>
            {
                var file = files[i];
                (ImageFingerprint?, string?) result;
                if (file.Problem is not null)
                {
                    result = (null, file.Problem);
                }
                else
                {
                    try
                    {
                        result = (fingerprinter.Fingerprint(file.Path, parts), null);
                    }
                    catch (ImageDecodeException ex)
                    {
                        result = (null, ex.Message);
                    }
                }

                lock (gate)
                {
                    results[i] = result;
                    completed++;
                    while (nextToReport < files.Count && results[nextToReport] is { } ready)
                    {
                        if (ready.Problem is not null)
                        {
                            progress.Clear();
                        }

                        onResult(files[nextToReport], ready.Fingerprint, ready.Problem);
                        results[nextToReport] = null;
                        nextToReport++;
                    }

                    progress.Report(completed);
                }

                return fingerprinter;
            },
            static _ => { });

        progress.Clear();
    }
}
