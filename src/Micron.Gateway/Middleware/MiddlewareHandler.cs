namespace Micron.Gateway.Middleware;

/// <summary>A middleware a service provides to the routes of any service (micromono's semi-remote middleware).</summary>
/// <param name="request">The request to decide on.</param>
/// <param name="cancellationToken">Cancelled when the request is abandoned or the caller's deadline passes.</param>
/// <returns>The decision.</returns>
public delegate ValueTask<MiddlewareResult> MiddlewareHandler(MiddlewareRequest request, CancellationToken cancellationToken);
