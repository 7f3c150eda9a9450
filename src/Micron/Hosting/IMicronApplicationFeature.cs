using Microsoft.AspNetCore.Builder;

namespace Micron.Hosting;

/// <summary>
/// A package's part of every <see cref="MicronApplication"/>: registered as a singleton of this interface, it adds
/// middleware and endpoints when the application is built (the gateway is one).
/// </summary>
public interface IMicronApplicationFeature
{
    /// <summary>
    /// Adds to the application. Runs after routing chose an endpoint and after the local services mapped their
    /// routes, so middleware added here sees the endpoint of the request.
    /// </summary>
    /// <param name="app">The application: its pipeline and its endpoints.</param>
    void Configure(WebApplication app);
}
