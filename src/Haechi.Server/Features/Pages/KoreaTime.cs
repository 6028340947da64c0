using System.Globalization;

namespace Haechi.Server.Features.Pages;

/// <summary>
/// Times on every page (victim and staff) in the pages' time zone with the zone shown: Korea's
/// (<c>Asia/Seoul</c>, UTC+9 all year, labelled <c>KST</c>) unless <c>Pages:TimeZone</c> and
/// <c>Pages:TimeZoneLabel</c> say otherwise (<see cref="PagesOptions"/>).
/// </summary>
internal static class KoreaTime
{
    /// <summary>Korea's offset from UTC (Korea keeps no daylight saving time).</summary>
    public static readonly TimeSpan Offset = TimeSpan.FromHours(9);

    /// <summary>Korea's zone, built in when the system has no time zone data.</summary>
    public static readonly TimeZoneInfo Korea = TimeZoneInfo.CreateCustomTimeZone("Asia/Seoul", Offset, "Korea Standard Time", "KST");

    private static Zone _zone = new(Korea, "KST");

    /// <summary>The zone pages show times in, and its label.</summary>
    public static (TimeZoneInfo Zone, string Label) Current => (_zone.Info, _zone.Label);

    /// <summary>Sets the zone once at start-up (<see cref="PagesFeature.UsePages"/>).</summary>
    public static void Use(TimeZoneInfo zone, string label)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentException.ThrowIfNullOrWhiteSpace(label);
        _zone = new Zone(zone, label);
    }

    /// <summary>A zone by IANA (or Windows) id; <c>Asia/Seoul</c> works without system time zone data.</summary>
    public static TimeZoneInfo? Find(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return null;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (TimeZoneNotFoundException)
        {
            return string.Equals(id, "Asia/Seoul", StringComparison.Ordinal) ? Korea : null;
        }
        catch (InvalidTimeZoneException)
        {
            return null;
        }
    }

    /// <summary><paramref name="at"/> as <c>2026-12-07 21:05 KST</c> (the same in both languages).</summary>
    public static string Format(DateTimeOffset at)
    {
        var zone = _zone;
        return TimeZoneInfo.ConvertTime(at, zone.Info).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " " + zone.Label;
    }

    /// <summary><paramref name="at"/> to the second, as <c>2026-12-07 21:05:09 KST</c> (custody records).</summary>
    public static string FormatSeconds(DateTimeOffset at)
    {
        var zone = _zone;
        return TimeZoneInfo.ConvertTime(at, zone.Info).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " " + zone.Label;
    }

    /// <summary>The day of <paramref name="at"/> in the pages' zone, as <c>2026-12-07 KST</c>.</summary>
    public static string FormatDate(DateTimeOffset at)
    {
        var zone = _zone;
        return TimeZoneInfo.ConvertTime(at, zone.Info).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " " + zone.Label;
    }

    private sealed record Zone(TimeZoneInfo Info, string Label);
}
