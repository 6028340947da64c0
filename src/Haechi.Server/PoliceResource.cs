namespace Haechi.Server;

/// <summary>Marker for the police queue's and host replies' strings in <c>Resources/PoliceResource(.ko).resx</c>.</summary>
internal sealed class PoliceResource;
