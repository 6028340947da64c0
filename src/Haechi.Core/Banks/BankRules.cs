using System.Globalization;

namespace Haechi.Core.Banks;

/// <summary>State of one fingerprint in a bank.</summary>
public enum BankEntryState
{
    /// <summary>Matched against.</summary>
    Active = 0,

    /// <summary>Withdrawn (by the victim or an analyst): its fingerprint is erased and it never matches again.</summary>
    Withdrawn = 1,
}

/// <summary>Rules for bank names, labels and external ids, shared by every host.</summary>
public static class BankRules
{
    /// <summary>Longest bank name.</summary>
    public const int MaxNameLength = 64;

    /// <summary>Longest external id (e.g. a case number).</summary>
    public const int MaxExternalIdLength = 128;

    /// <summary>Longest label.</summary>
    public const int MaxLabelLength = 64;

    /// <summary>Most labels on one entry.</summary>
    public const int MaxLabels = 16;

    /// <summary>
    /// A bank name is 1..64 characters of lower-case ASCII letters, digits, '-' and '_', starting
    /// with a letter or digit (so it is safe in URLs, file names and command lines).
    /// </summary>
    public static string? ValidateName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "A bank name cannot be empty.";
        }

        if (name.Length > MaxNameLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"A bank name is at most {MaxNameLength} characters.");
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var ok = c is (>= 'a' and <= 'z') or (>= '0' and <= '9') || (i > 0 && c is '-' or '_');
            if (!ok)
            {
                return $"Bank name '{name}' may only hold lower-case letters, digits, '-' and '_', starting with a letter or digit.";
            }
        }

        return null;
    }

    /// <summary>An external id is 1..128 printable characters without commas or line breaks (it travels in CSV).</summary>
    public static string? ValidateExternalId(string? externalId)
    {
        if (externalId is null)
        {
            return null;
        }

        if (externalId.Length == 0 || externalId.Length > MaxExternalIdLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"An external id is 1 to {MaxExternalIdLength} characters.");
        }

        foreach (var c in externalId)
        {
            if (char.IsControl(c) || c == ',')
            {
                return "An external id cannot hold commas or control characters.";
            }
        }

        return null;
    }

    /// <summary>A label is 1..64 characters of letters, digits, '-', '_', '.', ':' or '/'.</summary>
    public static string? ValidateLabel(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        if (label.Length == 0 || label.Length > MaxLabelLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"A label is 1 to {MaxLabelLength} characters.");
        }

        foreach (var c in label)
        {
            if (!(char.IsLetterOrDigit(c) || c is '-' or '_' or '.' or ':' or '/'))
            {
                return $"Label '{label}' may only hold letters, digits, '-', '_', '.', ':' and '/'.";
            }
        }

        return null;
    }
}
