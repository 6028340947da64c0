namespace Haechi.Server;

/// <summary>Marker for the ingestion pages' strings in <c>Resources/IngestionResource(.ko).resx</c>.</summary>
internal sealed class IngestionResource;
