namespace Haechi.Core.Cases;

/// <summary>
/// The PIN that opens a case: eight digits (26.6 bits) behind a 50-bit case number, checked with a
/// per-case lockout that doubles after <see cref="FreeAttempts"/> failures.
/// </summary>
public static class CasePin
{
    /// <summary>Digits in a PIN.</summary>
    public const int Length = 8;

    /// <summary>Failed attempts allowed before the case locks.</summary>
    public const int FreeAttempts = 5;

    /// <summary>First lockout; each further failure doubles it.</summary>
    public static TimeSpan FirstLockout { get; } = TimeSpan.FromMinutes(1);

    /// <summary>Longest lockout.</summary>
    public static TimeSpan MaxLockout { get; } = TimeSpan.FromHours(24);

    /// <summary>The characters a PIN is drawn from.</summary>
    public const string Digits = "0123456789";

    /// <summary>Whether <paramref name="pin"/> has the shape of a PIN (eight ASCII digits).</summary>
    public static bool IsWellFormed(string? pin)
    {
        if (pin is null || pin.Length != Length)
        {
            return false;
        }

        foreach (var c in pin)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// How long a case stays locked after its <paramref name="failedAttempts"/>-th consecutive
    /// failure: nothing for the first <see cref="FreeAttempts"/> − 1, then 1 minute, doubling up to 24 hours.
    /// </summary>
    public static TimeSpan LockoutAfter(int failedAttempts)
    {
        if (failedAttempts < FreeAttempts)
        {
            return TimeSpan.Zero;
        }

        var doublings = Math.Min(failedAttempts - FreeAttempts, 20);
        var lockout = FirstLockout * (1L << doublings);
        return lockout < MaxLockout ? lockout : MaxLockout;
    }
}
