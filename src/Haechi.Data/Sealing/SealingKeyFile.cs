using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Haechi.Data.Sealing;

/// <summary>
/// The key ring that seals content at rest, kept in <c>DATA/keys/sealing-keys</c> (one line per key,
/// <c>id base64</c>; the last line is the key new content is sealed with; readable by the owner
/// only). The file is created with a random key on first use. <see cref="Rotate"/> appends a new
/// key; content sealed before still opens with its old key. A key given in configuration
/// (<c>Sealing:Key</c>, base64 of 32 bytes, with <c>Sealing:KeyId</c>) is added to the ring and
/// becomes the current key, for deployments that keep keys outside the data directory.
/// </summary>
public static class SealingKeyFile
{
    /// <summary>The configuration key of a sealing key kept outside the data directory (base64 of 32 bytes); in the environment, <c>Sealing__Key</c>.</summary>
    public const string KeySetting = "Sealing:Key";

    /// <summary>The configuration key of the configured key's id (default <see cref="DefaultConfiguredKeyId"/>); in the environment, <c>Sealing__KeyId</c>.</summary>
    public const string KeyIdSetting = "Sealing:KeyId";

    /// <summary>The id of a configured key when <see cref="KeyIdSetting"/> is not set.</summary>
    public const int DefaultConfiguredKeyId = 1000;

    /// <summary>
    /// The sealer of a host (the server and the CLI through <see cref="SealingServiceCollectionExtensions.AddSealing"/>):
    /// the data directory's ring, plus the key of <see cref="KeySetting"/> and <see cref="KeyIdSetting"/>
    /// when configured.
    /// </summary>
    /// <param name="dataDirectory">The data directory.</param>
    /// <param name="setting">Reads a configuration key (<c>configuration[key]</c>).</param>
    /// <exception cref="InvalidOperationException">The key file or a configured key is malformed.</exception>
    public static ContentSealer Open(string dataDirectory, Func<string, string?> setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        var keyId = DefaultConfiguredKeyId;
        if (setting(KeyIdSetting) is { } text && !string.IsNullOrWhiteSpace(text)
            && !int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out keyId))
        {
            throw new InvalidOperationException(KeyIdSetting + " must be a whole number.");
        }

        return Load(dataDirectory, setting(KeySetting), keyId);
    }

    /// <summary>The key file's path under the data directory.</summary>
    public static string PathIn(string dataDirectory) => Path.Combine(dataDirectory, "keys", "sealing-keys");

    /// <summary>Loads the ring (creating the file with a first key if there is none) and returns a sealer.</summary>
    public static ContentSealer Load(string dataDirectory, string? configuredKey = null, int configuredKeyId = DefaultConfiguredKeyId)
    {
        var keys = ReadOrCreate(PathIn(dataDirectory), out var current);
        if (!string.IsNullOrWhiteSpace(configuredKey))
        {
            byte[] key;
            try
            {
                key = Convert.FromBase64String(configuredKey.Trim());
            }
            catch (FormatException ex)
            {
                throw new InvalidOperationException("Sealing:Key must be the base64 of 32 random bytes.", ex);
            }

            if (key.Length != ContentSealer.KeyLength)
            {
                throw new InvalidOperationException("Sealing:Key must be the base64 of 32 random bytes.");
            }

            keys[configuredKeyId] = key;
            current = configuredKeyId;
        }

        return new ContentSealer(keys, current);
    }

    /// <summary>Appends a new random key that becomes the current one; returns its id.</summary>
    public static int Rotate(string dataDirectory)
    {
        var path = PathIn(dataDirectory);
        var keys = ReadOrCreate(path, out var current);
        var next = current + 1;
        keys[next] = RandomNumberGenerator.GetBytes(ContentSealer.KeyLength);
        Write(path, keys, next);
        return next;
    }

    private static Dictionary<int, byte[]> ReadOrCreate(string path, out int current)
    {
        var keys = new Dictionary<int, byte[]>();
        current = 0;
        if (!File.Exists(path))
        {
            keys[1] = RandomNumberGenerator.GetBytes(ContentSealer.KeyLength);
            current = 1;
            Write(path, keys, current);
            return keys;
        }

        var lineNumber = 0;
        foreach (var line in File.ReadAllLines(path))
        {
            lineNumber++;
            var text = line.Trim();
            if (text.Length == 0 || text[0] == '#')
            {
                continue;
            }

            var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{path}, line {lineNumber}: expected 'id base64-key'."));
            }

            byte[] key;
            try
            {
                key = Convert.FromBase64String(parts[1]);
            }
            catch (FormatException ex)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{path}, line {lineNumber}: the key is not base64."), ex);
            }

            if (key.Length != ContentSealer.KeyLength)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{path}, line {lineNumber}: a key must be {ContentSealer.KeyLength} bytes."));
            }

            keys[id] = key;
            current = id;
        }

        if (keys.Count == 0)
        {
            throw new InvalidOperationException($"{path} holds no key; restore it from a backup (content sealed with it cannot be opened without it).");
        }

        return keys;
    }

    private static void Write(string path, Dictionary<int, byte[]> keys, int current)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var text = new StringBuilder("# Haechi sealing keys: id base64. The last line seals new content. Back this file up; sealed content cannot be opened without it.\n");
        foreach (var (id, key) in keys)
        {
            if (id != current)
            {
                text.Append(CultureInfo.InvariantCulture, $"{id} {Convert.ToBase64String(key)}\n");
            }
        }

        text.Append(CultureInfo.InvariantCulture, $"{current} {Convert.ToBase64String(keys[current])}\n");
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Options = FileOptions.WriteThrough };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            stream.Write(Encoding.ASCII.GetBytes(text.ToString()));
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
