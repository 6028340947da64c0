using System.Globalization;
using System.Security.Cryptography;
using Haechi.Server.Data;
using Microsoft.Extensions.Options;

namespace Haechi.Server.Features.Cases;

/// <summary>
/// The server-side secret mixed into every PIN hash (a pepper), kept outside the data directory so
/// that a stolen database or data-directory backup alone cannot be brute-forced offline (8 digits
/// are 10⁸ guesses: minutes on a GPU against PBKDF2 without it). The current pepper comes from
/// <c>Cases:PinPepper</c> (base64, at least 32 bytes), else the file <c>Cases:PinPepperFile</c>, else
/// the file <c>pin-pepper</c> in the directory beside the data directory named after it with
/// <c>-secrets</c> (<c>./data</c> → <c>./data-secrets/pin-pepper</c>), created with 32 random bytes
/// (mode 600) on first start. A pepper file inside the data directory is refused at start.
/// Rotation: put the new pepper in place and list the old ones in <c>Cases:PreviousPinPeppers</c>
/// (base64); each case keeps the id of the pepper it was hashed with (the first 8 bytes of the
/// pepper's SHA-256, hex) and is rehashed with the current pepper the next time its PIN is entered.
/// Cases hashed before peppers existed (no id) are rehashed the same way.
/// </summary>
internal sealed class PinPepper
{
    /// <summary>Smallest pepper accepted, in bytes.</summary>
    public const int MinBytes = 32;

    /// <summary>Name of the generated pepper file.</summary>
    public const string FileName = "pin-pepper";

    private readonly Dictionary<string, byte[]> _byId = new(StringComparer.Ordinal);

    public PinPepper(IOptions<CasesOptions> options, DataDirectory data)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(data);
        var o = options.Value;
        Current = o.PinPepper is { Length: > 0 } given
            ? Decode(given, "Cases:PinPepper")
            : ReadOrCreate(o.PinPepperFile is { Length: > 0 } file ? Path.GetFullPath(file) : DefaultFile(data.Path), data.Path);
        CurrentId = IdOf(Current);
        _byId[CurrentId] = Current;
        foreach (var previous in o.PreviousPinPeppers)
        {
            var bytes = Decode(previous, "Cases:PreviousPinPeppers");
            _byId.TryAdd(IdOf(bytes), bytes);
        }
    }

    /// <summary>The pepper new PIN hashes use.</summary>
    public byte[] Current { get; }

    /// <summary>Its id, stored with each case.</summary>
    public string CurrentId { get; }

    /// <summary>The default pepper file for the data directory <paramref name="dataDirectory"/>.</summary>
    public static string DefaultFile(string dataDirectory) =>
        Path.Combine(Path.TrimEndingDirectorySeparator(Path.GetFullPath(dataDirectory)) + "-secrets", FileName);

    /// <summary>The pepper with id <paramref name="id"/>: an empty key for cases hashed before peppers (null id), null when it is no longer configured.</summary>
    public byte[]? Find(string? id) => id is null ? [] : _byId.GetValueOrDefault(id);

    /// <summary>The id of a pepper: the first 8 bytes of its SHA-256 in hex (says nothing of the pepper).</summary>
    public static string IdOf(byte[] pepper) => Convert.ToHexStringLower(SHA256.HashData(pepper).AsSpan(0, 8));

    private static byte[] Decode(string base64, string setting)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{setting}: not base64.");
        }

        return bytes.Length >= MinBytes ? bytes : throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{setting}: at least {MinBytes} bytes, not {bytes.Length}."));
    }

    private static byte[] ReadOrCreate(string path, string dataDirectory)
    {
        var data = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dataDirectory)) + Path.DirectorySeparatorChar;
        if (path.StartsWith(data, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Cases:PinPepperFile '{path}' is inside the data directory '{data}': keep the pepper elsewhere, so a copy of the data directory cannot open the PINs.");
        }

        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            try
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                using var stream = new FileStream(path, options);
                stream.Write(RandomNumberGenerator.GetBytes(MinBytes));
                stream.Flush(flushToDisk: true);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first: use theirs.
            }
        }

        var bytes = File.ReadAllBytes(path);
        return bytes.Length >= MinBytes ? bytes : throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"The PIN pepper file '{path}' holds {bytes.Length} bytes; at least {MinBytes}."));
    }
}
