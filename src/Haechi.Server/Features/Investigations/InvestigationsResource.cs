namespace Haechi.Server;

/// <summary>Marker for the investigation pages' strings in <c>Resources/InvestigationsResource(.ko).resx</c>.</summary>
internal sealed class InvestigationsResource;
