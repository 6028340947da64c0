namespace Haechi.Server.Features.Matching;

/// <summary>The bank that holds the PDQ signals victims register from their own devices.</summary>
internal static class VictimBank
{
    public const string Name = "victim-registered";

    public const string Description = "PDQ fingerprints victims registered from their own devices (external id: case number).";
}
