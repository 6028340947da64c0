namespace Haechi.EndToEnd.Tests;

/// <summary>Where browser tests put their screenshots: <c>artifacts/screenshots</c> of the repository (ignored by git), to be looked at after a run.</summary>
internal static class Screenshots
{
    public static string Directory
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Haechi.slnx")))
            {
                dir = dir.Parent;
            }

            return Path.Combine(dir?.FullName ?? AppContext.BaseDirectory, "artifacts", "screenshots");
        }
    }

    /// <summary>Deletes a test's temporary folder; a file still held open is left for the OS to clean.</summary>
    public static void DeleteDirectory(string path)
    {
        try
        {
            System.IO.Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
