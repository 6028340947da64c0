namespace Haechi.Core.Cases;

/// <summary>
/// Numbers shown to people: a two-letter prefix and ten Crockford base-32 characters in two groups
/// (<c>HC-7KQ2M-XW9RD</c>), 50 random bits. Easy to read aloud and type: no I, L, O or U, and input
/// is accepted in any case, without dashes, with O for 0 and I or L for 1.
/// </summary>
public static class PublicNumber
{
    /// <summary>Random bytes <see cref="Format"/> needs.</summary>
    public const int RandomBytes = 7;

    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private const int Symbols = 10;

    /// <summary>Formats a number with <paramref name="prefix"/> from (at least) 7 random bytes from the caller.</summary>
    public static string Format(string prefix, ReadOnlySpan<byte> random)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (random.Length < RandomBytes)
        {
            ThrowHelper.ThrowArgument(nameof(random), "Seven random bytes are needed.");
        }

        ulong bits = 0;
        for (var i = 0; i < RandomBytes; i++)
        {
            bits = (bits << 8) | random[i];
        }

        Span<char> symbols = stackalloc char[Symbols];
        for (var i = 0; i < Symbols; i++)
        {
            symbols[i] = Alphabet[(int)(bits & 31)];
            bits >>= 5;
        }

        return Join(prefix, symbols);
    }

    /// <summary>
    /// Reads what a person typed as a number with <paramref name="prefix"/>; returns the canonical
    /// form, or null when it is not one.
    /// </summary>
    public static string? Normalize(string prefix, string? input)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (string.IsNullOrWhiteSpace(input) || input.Length > 40)
        {
            return null;
        }

        Span<char> symbols = stackalloc char[Symbols + 4];
        var count = 0;
        var text = input.AsSpan().Trim();
        if (!text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        foreach (var raw in text[prefix.Length..])
        {
            if (raw is '-' or ' ')
            {
                continue;
            }

            var c = char.ToUpperInvariant(raw) switch
            {
                'O' => '0',
                'I' or 'L' => '1',
                var other => other,
            };
            if (!Alphabet.Contains(c, StringComparison.Ordinal) || count == Symbols)
            {
                return null;
            }

            symbols[count++] = c;
        }

        return count == Symbols ? Join(prefix, symbols[..Symbols]) : null;
    }

    private static string Join(string prefix, ReadOnlySpan<char> symbols) =>
        string.Concat(prefix.AsSpan(), "-", symbols[..5]) + string.Concat("-", symbols[5..]);
}

/// <summary>A victim's case number, e.g. <c>HC-7KQ2M-XW9RD</c>.</summary>
public static class CaseNumber
{
    /// <summary>The prefix of every case number.</summary>
    public const string Prefix = "HC";

    /// <summary>Longest canonical case number.</summary>
    public const int Length = 14;

    /// <summary>A new case number from seven random bytes.</summary>
    public static string Create(ReadOnlySpan<byte> random) => PublicNumber.Format(Prefix, random);

    /// <summary>The canonical case number, or null when <paramref name="input"/> is not one.</summary>
    public static string? Normalize(string? input) => PublicNumber.Normalize(Prefix, input);
}

/// <summary>A report's receipt number, e.g. <c>HR-3DF8K-QW2ZT</c>.</summary>
public static class ReceiptNumber
{
    /// <summary>The prefix of every receipt number.</summary>
    public const string Prefix = "HR";

    /// <summary>Length of a canonical receipt number.</summary>
    public const int Length = 14;

    /// <summary>A new receipt number from seven random bytes.</summary>
    public static string Create(ReadOnlySpan<byte> random) => PublicNumber.Format(Prefix, random);

    /// <summary>The canonical receipt number, or null when <paramref name="input"/> is not one.</summary>
    public static string? Normalize(string? input) => PublicNumber.Normalize(Prefix, input);
}
