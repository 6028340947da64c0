namespace Haechi.Cli.Hashing;

/// <summary>One path to process, as the user gave it, or the reason it cannot be processed.</summary>
internal readonly record struct InputFile(string Path, string? Problem);

/// <summary>Expands the paths given on the command line into files, in a stable order.</summary>
internal static class InputFiles
{
    /// <summary>
    /// Files are kept as given; directories are expanded (sorted, ordinal) only with
    /// <paramref name="recursive"/>, otherwise they are reported as a problem.
    /// </summary>
    public static List<InputFile> Expand(IReadOnlyList<string> paths, bool recursive)
    {
        var files = new List<InputFile>(paths.Count);
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                if (!recursive)
                {
                    files.Add(new InputFile(path, "is a directory (use --recursive to hash the files in it)"));
                    continue;
                }

                string[] found;
                try
                {
                    found = Directory.GetFiles(path, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = false, AttributesToSkip = 0 });
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    files.Add(new InputFile(path, "cannot list the directory: " + ex.Message));
                    continue;
                }

                Array.Sort(found, StringComparer.Ordinal);
                foreach (var file in found)
                {
                    files.Add(new InputFile(file, null));
                }
            }
            else
            {
                files.Add(new InputFile(path, null));
            }
        }

        return files;
    }
}
