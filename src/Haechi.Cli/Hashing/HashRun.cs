using Haechi.Media.Images;

namespace Haechi.Cli.Hashing;

/// <summary>Prints the fingerprints of files in the order given; problems go to stderr.</summary>
internal sealed class HashRun(CliConsole console, ImageDecodeOptions options, HashOutputFormat format, int jobs)
{
    /// <summary>Returns 0 when every file was hashed, 1 when any failed.</summary>
    public int Execute(IReadOnlyList<InputFile> files)
    {
        var anyFailed = false;
        OrderedFingerprinting.Run(console, files, options, format.Parts, jobs, (file, fingerprint, problem) =>
        {
            if (fingerprint is null)
            {
                anyFailed = true;
                console.Error.WriteLine($"haechi: {file.Path}: {problem}");
            }
            else
            {
                console.Out.WriteLine(format.Format(file.Path, fingerprint));
            }
        });
        return anyFailed ? 1 : 0;
    }
}
