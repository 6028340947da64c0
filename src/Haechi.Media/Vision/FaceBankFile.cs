using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Haechi.Core.Faces;

namespace Haechi.Media.Vision;

/// <summary>Where face banks are kept. The file store below is the embedded default; the banks database can implement this later.</summary>
public interface IFaceBankStore
{
    /// <summary>The bank, or null when it does not exist.</summary>
    /// <exception cref="InvalidDataException">The stored bank is corrupt.</exception>
    FaceBank? Load(string name);

    /// <summary>Stores the bank durably (the call returns after the data is on disk).</summary>
    void Save(FaceBank bank);

    /// <summary>Names of the stored banks.</summary>
    IReadOnlyList<string> List();
}

/// <summary>
/// One file per face bank, <c>DATA/faces/NAME.faces</c>: a small binary format with a SHA-256 over the
/// whole content, written to a temporary file, flushed and renamed, so a crash leaves the old bank
/// or the new one, never half of each. It holds embeddings, subjects and enrolment times; never photos.
/// </summary>
/// <remarks>
/// Layout (little-endian): "HFBK", u16 format (1), u16 reserved, i32 dimensions, i32 count,
/// u16-length UTF-8 bank name, u16-length UTF-8 model identity, then per entry i64 id,
/// i64 enrolled-at (Unix ms), u16-length UTF-8 subject, dimensions × f32; then 32 bytes of SHA-256
/// of everything before.
/// </remarks>
public sealed partial class FileFaceBankStore(string directory) : IFaceBankStore
{
    private const int Format = 1;
    private static readonly byte[] Magic = "HFBK"u8.ToArray();

    public string Directory { get; } = Path.GetFullPath(directory);

    /// <summary>The face banks inside a data directory.</summary>
    public static FileFaceBankStore ForDataDirectory(string dataDirectory) => new(Path.Combine(dataDirectory, "faces"));

    /// <summary>True for names made of lower-case letters, digits, '.', '_' and '-' (at most 64), starting with a letter or digit.</summary>
    public static bool IsValidName(string name) => name is not null && NamePattern().IsMatch(name);

    public FaceBank? Load(string name)
    {
        var path = PathOf(name);
        if (!File.Exists(path))
        {
            return null;
        }

        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 16 + 32 || !bytes.AsSpan(0, 4).SequenceEqual(Magic))
        {
            throw new InvalidDataException($"Face bank '{name}' is not a face bank file.");
        }

        var body = bytes.AsSpan(0, bytes.Length - 32);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - 32)))
        {
            throw new InvalidDataException($"Face bank '{name}' fails its checksum: the file is damaged.");
        }

        var reader = new Reader(body);
        reader.Skip(4);
        var format = reader.UInt16();
        reader.Skip(2);
        if (format != Format)
        {
            throw new InvalidDataException($"Face bank '{name}' has format {format}; this Haechi reads {Format}.");
        }

        var dimensions = reader.Int32();
        var count = reader.Int32();
        var storedName = reader.Text();
        var model = reader.Text();
        var bank = new FaceBank(storedName, model, dimensions);
        var vector = new float[dimensions];
        for (var i = 0; i < count; i++)
        {
            var id = reader.Int64();
            var enrolled = reader.Int64();
            var subject = reader.Text();
            for (var d = 0; d < dimensions; d++)
            {
                vector[d] = reader.Single();
            }

            bank.Restore(new FaceBankEntry(id, subject, enrolled, (float[])vector.Clone()));
        }

        return bank;
    }

    public void Save(FaceBank bank)
    {
        ArgumentNullException.ThrowIfNull(bank);
        var path = PathOf(bank.Name);
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write((ushort)Format);
            writer.Write((ushort)0);
            writer.Write(bank.Dimensions);
            writer.Write(bank.Entries.Count);
            WriteText(writer, bank.Name);
            WriteText(writer, bank.Model);
            foreach (var entry in bank.Entries)
            {
                writer.Write(entry.Id);
                writer.Write(entry.EnrolledAtUnixMs);
                WriteText(writer, entry.Subject);
                foreach (var value in entry.Embedding)
                {
                    writer.Write(value);
                }
            }
        }

        var hash = SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        buffer.Write(hash);
        System.IO.Directory.CreateDirectory(Directory);
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            buffer.Position = 0;
            buffer.CopyTo(file);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    public IReadOnlyList<string> List()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        var names = new List<string>();
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*.faces"))
        {
            names.Add(Path.GetFileNameWithoutExtension(file));
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }

    private string PathOf(string name)
    {
        if (!IsValidName(name))
        {
            throw new ArgumentException("A bank name is 1–64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit.", nameof(name));
        }

        return Path.Combine(Directory, name + ".faces");
    }

    private static void WriteText(BinaryWriter writer, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (bytes.Length > ushort.MaxValue)
        {
            throw new ArgumentException("Text too long for a face bank.", nameof(text));
        }

        writer.Write((ushort)bytes.Length);
        writer.Write(bytes);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _offset;

        public void Skip(int count) => Take(count);

        public ushort UInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

        public int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

        public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

        public float Single() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));

        public string Text() => Encoding.UTF8.GetString(Take(UInt16()));

        private ReadOnlySpan<byte> Take(int count)
        {
            if (_offset + count > _data.Length)
            {
                throw new InvalidDataException("The face bank file ends early.");
            }

            var slice = _data.Slice(_offset, count);
            _offset += count;
            return slice;
        }
    }
}
