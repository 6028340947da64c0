using System.Security.Cryptography;
using System.Text;
using Haechi.Core.Cases;
using Haechi.Data.Cases;
using Microsoft.Extensions.Options;

namespace Haechi.Server.Features.Cases;

/// <summary>
/// Creates PINs and stores them only as salted PBKDF2-SHA256 of the PIN keyed with the server's
/// pepper (HMAC-SHA256, <see cref="PinPepper"/>): without the pepper, which lives outside the data
/// directory, a stolen hash cannot be tested against the 10⁸ possible PINs.
/// </summary>
internal sealed class CasePinHasher(IOptions<CasesOptions> options, PinPepper pepper)
{
    private const int SaltBytes = 16;
    private const int HashBytes = 32;
    private static readonly byte[] DummySalt = RandomNumberGenerator.GetBytes(SaltBytes);

    public static string NewPin() => RandomNumberGenerator.GetString(CasePin.Digits, CasePin.Length);

    /// <summary>A new hash of <paramref name="pin"/> with the current pepper.</summary>
    public (byte[] Hash, byte[] Salt, int Iterations, string PepperId) Hash(string pin)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var iterations = options.Value.PinIterations;
        return (Derive(pin, pepper.Current, salt, iterations), salt, iterations, pepper.CurrentId);
    }

    /// <summary>Whether <paramref name="pin"/> is the case's PIN; false when its pepper is no longer configured.</summary>
    public bool Verify(string pin, CaseRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return pepper.Find(record.PinPepperId) is { } key && CryptographicOperations.FixedTimeEquals(Derive(pin, key, record.PinSalt, record.PinIterations), record.PinHash);
    }

    /// <summary>Whether the case's hash should be redone with the current pepper (after a rotation, or from before peppers).</summary>
    public bool NeedsRehash(CaseRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.PinPepperId != pepper.CurrentId;
    }

    /// <summary>Spends the time of one verification, so an unknown case answers as slowly as a wrong PIN.</summary>
    public void Waste(string pin) => Derive(pin, pepper.Current, DummySalt, options.Value.PinIterations);

    private static byte[] Derive(string pin, byte[] key, byte[] salt, int iterations)
    {
        var secret = key.Length == 0 ? Encoding.UTF8.GetBytes(pin) : HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(pin));
        return Rfc2898DeriveBytes.Pbkdf2(secret, salt, iterations, HashAlgorithmName.SHA256, HashBytes);
    }
}
