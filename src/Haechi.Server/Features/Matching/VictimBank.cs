namespace Haechi.Server.Features.Matching;

/// <summary>The banks that hold the signals victims register from their own devices: PDQ of photos, vPDQ of videos.</summary>
internal static class VictimBank
{
    public const string Name = "victim-registered";

    /// <summary>The vPDQ bank of victims' videos (external id: case number), created at start-up beside <see cref="Name"/>.</summary>
    public const string VideoName = "victim-registered-video";

    public const string VideoDescription = "vPDQ frames of videos victims registered from their own devices (external id: case number).";

    /// <summary>Whether <paramref name="bank"/> is one of the victims' banks.</summary>
    public static bool IsVictimBank(string? bank) => bank is Name or VideoName;

    public const string Description = "PDQ fingerprints victims registered from their own devices (external id: case number).";
}
