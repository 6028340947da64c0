using System.Globalization;
using Haechi.Core.Hashing;

namespace Haechi.Server.Features.Cases;

/// <summary>Signals of one request, parsed and de-duplicated.</summary>
internal sealed record CaseSignals(IReadOnlyList<(Hash256 Hash, int Quality)> Pdq, IReadOnlyList<byte[]> Md5)
{
    public int Count => Pdq.Count + Md5.Count;

    /// <summary>
    /// Parses <paramref name="inputs"/>; on any problem returns the problems keyed by JSON path
    /// (e.g. <c>signals[2].hash</c>) and no signals, so nothing is stored half-way.
    /// </summary>
    public static CaseSignals? Parse(IReadOnlyList<SignalInput>? inputs, int maxPerRequest, Dictionary<string, string[]> errors)
    {
        if (inputs is null || inputs.Count == 0)
        {
            errors["signals"] = ["Send at least one signal."];
            return null;
        }

        if (inputs.Count > maxPerRequest)
        {
            errors["signals"] = [string.Create(CultureInfo.InvariantCulture, $"At most {maxPerRequest} signals per request; {inputs.Count} were sent.")];
            return null;
        }

        var pdq = new List<(Hash256, int)>();
        var md5 = new List<byte[]>();
        var seenPdq = new HashSet<Hash256>();
        var seenMd5 = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            var at = string.Create(CultureInfo.InvariantCulture, $"signals[{i}]");
            if (input is null)
            {
                errors[at] = ["A signal cannot be null."];
                continue;
            }

            switch (input.Type?.ToLowerInvariant())
            {
                case "pdq":
                    if (!Hash256.TryParse(input.Hash, out var hash, out _))
                    {
                        errors[at + ".hash"] = ["A PDQ hash is 64 hexadecimal digits."];
                    }
                    else if (input.Quality is not (>= 0 and <= 100))
                    {
                        errors[at + ".quality"] = ["A PDQ signal needs a quality between 0 and 100."];
                    }
                    else if (seenPdq.Add(hash))
                    {
                        pdq.Add((hash, input.Quality.Value));
                    }

                    break;
                case "md5":
                    if (input.Hash is not { Length: 32 } hex || !IsHex(hex))
                    {
                        errors[at + ".hash"] = ["An MD5 hash is 32 hexadecimal digits."];
                    }
                    else if (input.Quality is not null)
                    {
                        errors[at + ".quality"] = ["An MD5 signal has no quality."];
                    }
                    else if (seenMd5.Add(hex.ToLowerInvariant()))
                    {
                        md5.Add(Convert.FromHexString(hex));
                    }

                    break;
                default:
                    errors[at + ".type"] = ["The type must be 'pdq' or 'md5'."];
                    break;
            }
        }

        return errors.Count == 0 ? new CaseSignals(pdq, md5) : null;
    }

    private static bool IsHex(string s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
