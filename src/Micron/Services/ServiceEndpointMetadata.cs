namespace Micron.Services;

/// <summary>Endpoint metadata naming the Micron service that owns a route.</summary>
/// <param name="Service">The service's name.</param>
public sealed record ServiceEndpointMetadata(string Service);
