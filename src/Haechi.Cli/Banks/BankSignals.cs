namespace Haechi.Cli.Banks;

/// <summary>The <c>--signals</c> list of <c>haechi bank create</c>: which extra image signals a bank keeps.</summary>
internal static class BankSignals
{
    /// <summary>
    /// Default for new PDQ banks: rotations/mirrors, trimmed/screenshot views, centre crops and caption
    /// cuts (44 hashes, about 1.4 KB, per image as <c>haechi bench memory</c> counts them; victims'
    /// photos are often mirrored, cropped or re-posted with borders and captions).
    /// </summary>
    public const string Default = "pdq,dihedral,canonical,crops";

    /// <summary>Parses a comma-separated list; throws <see cref="Data.Banks.BankStoreException"/> naming an unknown signal.</summary>
    public static Core.Robust.RobustFamilies Parse(string list)
    {
        var families = Core.Robust.RobustFamilies.None;
        foreach (var raw in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            families |= raw.ToLowerInvariant() switch
            {
                "pdq" => Core.Robust.RobustFamilies.None,
                "dihedral" => Core.Robust.RobustFamilies.Dihedral,
                "canonical" => Core.Robust.RobustFamilies.Canonical,
                "crops" => Core.Robust.RobustFamilies.Crops,
                "partial" => Core.Robust.RobustFamilies.Partial,
                "local" => Core.Robust.RobustFamilies.Local,
                "all" => Core.Robust.RobustFamilies.All,
                _ => throw new Data.Banks.BankStoreException($"Unknown image signal '{raw}' (use pdq, dihedral, canonical, crops, partial, local or all)."),
            };
        }

        return families;
    }

    /// <summary>The list form, plain PDQ first.</summary>
    public static string Format(Core.Robust.RobustFamilies families)
    {
        var names = new List<string> { "pdq" };
        if (families.HasFlag(Core.Robust.RobustFamilies.Dihedral))
        {
            names.Add("dihedral");
        }

        if (families.HasFlag(Core.Robust.RobustFamilies.Canonical))
        {
            names.Add("canonical");
        }

        if (families.HasFlag(Core.Robust.RobustFamilies.Crops))
        {
            names.Add("crops");
        }

        if (families.HasFlag(Core.Robust.RobustFamilies.Partial))
        {
            names.Add("partial");
        }

        if (families.HasFlag(Core.Robust.RobustFamilies.Local))
        {
            names.Add("local");
        }

        return string.Join(',', names);
    }
}
