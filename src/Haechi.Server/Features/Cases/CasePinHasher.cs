using System.Security.Cryptography;
using System.Text;
using Haechi.Core.Cases;
using Microsoft.Extensions.Options;

namespace Haechi.Server.Features.Cases;

/// <summary>Creates PINs and stores them only as salted PBKDF2-SHA256.</summary>
internal sealed class CasePinHasher(IOptions<CasesOptions> options)
{
    private const int SaltBytes = 16;
    private const int HashBytes = 32;
    private static readonly byte[] DummySalt = RandomNumberGenerator.GetBytes(SaltBytes);

    public static string NewPin() => RandomNumberGenerator.GetString(CasePin.Digits, CasePin.Length);

    public (byte[] Hash, byte[] Salt, int Iterations) Hash(string pin)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var iterations = options.Value.PinIterations;
        return (Derive(pin, salt, iterations), salt, iterations);
    }

    public static bool Verify(string pin, byte[] hash, byte[] salt, int iterations)
    {
        ArgumentNullException.ThrowIfNull(hash);
        return CryptographicOperations.FixedTimeEquals(Derive(pin, salt, iterations), hash);
    }

    /// <summary>Spends the time of one verification, so an unknown case answers as slowly as a wrong PIN.</summary>
    public void Waste(string pin) => Derive(pin, DummySalt, options.Value.PinIterations);

    private static byte[] Derive(string pin, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(pin), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
}
