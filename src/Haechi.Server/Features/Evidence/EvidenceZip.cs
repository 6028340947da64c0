using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Haechi.Server.Features.Evidence;

/// <summary>
/// The one zipper of evidence exports (the investigators' court export of kept evidence, the police
/// referral's package): the files as given, plus a <c>SHA256SUMS</c> list (<c>sha256sum -c</c> checks it),
/// built in memory; the zip's own SHA-256 goes into the audit entry of the download.
/// </summary>
internal static class EvidenceZip
{
    /// <summary>The name of the checksum list added to every zip.</summary>
    public const string SumsName = "SHA256SUMS";

    /// <summary>The zip of <paramref name="files"/> and their SHA256SUMS, with every entry dated <paramref name="at"/>; and the zip's SHA-256 (hex).</summary>
    public static async Task<(byte[] Zip, string Sha256)> CreateAsync(IReadOnlyList<(string Name, byte[] Bytes)> files, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        var sums = new StringBuilder();
        foreach (var (fileName, bytes) in files)
        {
            sums.Append(Convert.ToHexStringLower(SHA256.HashData(bytes))).Append("  ").Append(fileName).Append('\n');
        }

        var all = files.Append((SumsName, Encoding.ASCII.GetBytes(sums.ToString())));
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (fileName, bytes) in all)
            {
                var entry = zip.CreateEntry(fileName, CompressionLevel.Optimal);
                entry.LastWriteTime = at;
                var stream = await entry.OpenAsync(cancellationToken).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        var zipBytes = buffer.ToArray();
        return (zipBytes, Convert.ToHexStringLower(SHA256.HashData(zipBytes)));
    }
}
