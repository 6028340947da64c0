using System.Globalization;
using System.Text;
using System.Text.Json;
using Haechi.Core.Hashing.Pdq;
using Haechi.Media.Images;

namespace Haechi.Cli.Hashing;

/// <summary>Formats one file's fingerprints as the reference CSV, the dihedral CSV, or a JSON line.</summary>
internal sealed class HashOutputFormat(bool dihedral, bool json)
{
    /// <summary>What the fingerprinter must compute for this format.</summary>
    public FingerprintParts Parts =>
        (dihedral ? FingerprintParts.Dihedral : FingerprintParts.Pdq) | (json ? FingerprintParts.FileDigests : FingerprintParts.Pdq);

    /// <summary>One output line, without the newline.</summary>
    public string Format(string path, ImageFingerprint fingerprint) => json ? FormatJson(path, fingerprint) : FormatCsv(path, fingerprint);

    private string FormatCsv(string path, ImageFingerprint fingerprint)
    {
        var line = new StringBuilder(dihedral ? 600 : 80 + path.Length);
        if (dihedral && fingerprint.Dihedral is { } all)
        {
            foreach (var hash in all)
            {
                line.Append(hash.ToString()).Append(',');
            }
        }
        else
        {
            line.Append(fingerprint.Pdq.ToString()).Append(',');
        }

        line.Append(fingerprint.Quality.ToString(CultureInfo.InvariantCulture)).Append(',').Append(path);
        return line.ToString();
    }

    private static string FormatJson(string path, ImageFingerprint fingerprint)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("path", path);
            writer.WriteString("hash", fingerprint.Pdq.ToString());
            writer.WriteNumber("quality", fingerprint.Quality);
            if (fingerprint.Dihedral is { } all)
            {
                writer.WriteStartObject("dihedral");
                for (var i = 0; i < all.Length; i++)
                {
                    writer.WriteString(((DihedralTransform)i).ToName(), all[i].ToString());
                }

                writer.WriteEndObject();
            }

            writer.WriteString("md5", fingerprint.Md5);
            writer.WriteString("sha256", fingerprint.Sha256);
            writer.WriteNumber("width", fingerprint.Width);
            writer.WriteNumber("height", fingerprint.Height);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
