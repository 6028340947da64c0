using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Haechi.Pipeline.Ingestion;

/// <summary>Caps on one import of seized files: files taken, bytes per file, bytes unpacked from an archive, compression ratio per entry.</summary>
public sealed record ImportCaps(int MaxFiles, long MaxFileBytes, long MaxTotalBytes, int MaxRatio)
{
    /// <summary>10,000 files, the pipeline's file cap, 4 GiB unpacked, ratio 100.</summary>
    public static ImportCaps Default { get; } = new(10_000, IngestionOptions.Default.MaxFileBytes, 4L * 1024 * 1024 * 1024, 100);
}

/// <summary>One file of an import: the hash of its relative name (names stay out of the store), its size, where it lies unpacked, or why it was refused.</summary>
/// <param name="NameHash">First 32 hex digits of the SHA-256 of the relative name.</param>
/// <param name="Length">Bytes (declared, for a refused archive entry).</param>
/// <param name="Path">The file to ingest, or null when refused.</param>
/// <param name="Refusal"><c>path-traversal</c>, <c>too-large</c>, <c>zip-bomb</c>, <c>over-total-cap</c>, <c>over-file-cap</c>, <c>size-mismatch</c>, or null.</param>
public sealed record ImportedFile(string NameHash, long Length, string? Path, string? Refusal);

/// <summary>
/// Seized files from a folder or a zip archive, for <c>haechi ingest import</c> and the server's upload
/// form: archive entries are unpacked under numbered names, each checked before a byte is written
/// (path traversal, size, compression ratio, total) and copied no further than it declared.
/// Items are queued as source kind <c>import</c>, source id <c>import:{batch}:{name hash}</c>.
/// </summary>
public static class SeizedFileImport
{
    /// <summary>The source kind of imported items.</summary>
    public const string SourceKind = "import";

    /// <summary>A new batch id: UTC time and 3 random bytes.</summary>
    public static string NewBatchId(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return string.Create(CultureInfo.InvariantCulture, $"{time.GetUtcNow():yyyyMMddHHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}");
    }

    /// <summary>The pipeline source id of one imported file.</summary>
    public static string SourceId(string batch, string nameHash) => $"import:{batch}:{nameHash}";

    /// <summary>The name hash of a relative path (separators normalised).</summary>
    public static string NameHash(string relativeName)
    {
        ArgumentNullException.ThrowIfNull(relativeName);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(relativeName.Replace('\\', '/'))))[..32];
    }

    /// <summary>The files under <paramref name="folder"/> (recursively, no links, hidden or system files), refused past the caps.</summary>
    public static List<ImportedFile> ListFolder(string folder, ImportCaps caps)
    {
        ArgumentNullException.ThrowIfNull(caps);
        var files = new List<ImportedFile>();
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint | FileAttributes.Hidden | FileAttributes.System, IgnoreInaccessible = true };
        foreach (var path in Directory.EnumerateFiles(folder, "*", options))
        {
            var info = new FileInfo(path);
            var name = NameHash(System.IO.Path.GetRelativePath(folder, path));
            if (files.Count >= caps.MaxFiles)
            {
                files.Add(new ImportedFile(name, info.Length, null, "over-file-cap"));
                break;
            }

            files.Add(info.Length > caps.MaxFileBytes ? new ImportedFile(name, info.Length, null, "too-large") : new ImportedFile(name, info.Length, info.FullName, null));
        }

        return files;
    }

    /// <summary>Unpacks <paramref name="zipPath"/> into <paramref name="target"/> under <paramref name="caps"/>; entries that break a cap are refused, not unpacked.</summary>
    /// <exception cref="InvalidDataException">The archive is damaged or not a zip.</exception>
    public static List<ImportedFile> Unpack(string zipPath, string target, ImportCaps caps)
    {
        ArgumentNullException.ThrowIfNull(caps);
        var files = new List<ImportedFile>();
        var root = System.IO.Path.GetFullPath(target) + System.IO.Path.DirectorySeparatorChar;
        Directory.CreateDirectory(root);
        using var archive = ZipFile.OpenRead(zipPath);
        long total = 0;
        var index = 0;
        foreach (var entry in archive.Entries)
        {
            if (entry.FullName.EndsWith('/') || entry.FullName.EndsWith('\\'))
            {
                continue;
            }

            var name = NameHash(entry.FullName);
            if (files.Count >= caps.MaxFiles)
            {
                files.Add(new ImportedFile(name, entry.Length, null, "over-file-cap"));
                break;
            }

            var destination = System.IO.Path.GetFullPath(System.IO.Path.Combine(root, entry.FullName));
            if (System.IO.Path.IsPathRooted(entry.FullName) || entry.FullName.Contains(':', StringComparison.Ordinal) || !destination.StartsWith(root, StringComparison.Ordinal))
            {
                files.Add(new ImportedFile(name, entry.Length, null, "path-traversal"));
                continue;
            }

            if (entry.Length > caps.MaxFileBytes)
            {
                files.Add(new ImportedFile(name, entry.Length, null, "too-large"));
                continue;
            }

            if (entry.Length > (long)caps.MaxRatio * Math.Max(entry.CompressedLength, 1))
            {
                files.Add(new ImportedFile(name, entry.Length, null, "zip-bomb"));
                continue;
            }

            if (total + entry.Length > caps.MaxTotalBytes)
            {
                files.Add(new ImportedFile(name, entry.Length, null, "over-total-cap"));
                continue;
            }

            // Unpacked under a numbered name (the original names stay out of the data directory), reading no more than declared.
            var path = System.IO.Path.Combine(root, index.ToString("D6", CultureInfo.InvariantCulture) + ".bin");
            index++;
            long written;
            using (var source = entry.Open())
            using (var output = File.Create(path))
            {
                written = CopyBounded(source, output, entry.Length);
            }

            if (written < 0)
            {
                File.Delete(path);
                files.Add(new ImportedFile(name, entry.Length, null, "size-mismatch"));
                continue;
            }

            total += written;
            files.Add(new ImportedFile(name, written, path, null));
        }

        return files;
    }

    // Copies at most `declared` bytes; -1 when the stream holds more than it declared.
    private static long CopyBounded(Stream source, Stream output, long declared)
    {
        var buffer = new byte[81920];
        long copied = 0;
        int read;
        while ((read = source.Read(buffer, 0, buffer.Length)) > 0)
        {
            copied += read;
            if (copied > declared)
            {
                return -1;
            }

            output.Write(buffer, 0, read);
        }

        return copied;
    }
}
