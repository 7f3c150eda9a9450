using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Micron.Services;

/// <summary>
/// A service's HTTP surface. It is an <see cref="IEndpointRouteBuilder"/>, so every minimal-API method applies
/// (<c>MapGet</c>, <c>MapPost</c>, <c>MapGroup</c>, route parameters, filters, any <see cref="IResult"/>), and an
/// <see cref="IEndpointConventionBuilder"/>, so a filter or metadata added here applies to all of the service's routes.
/// </summary>
/// <remarks>
/// Handlers follow micro's return-value rules: a string is sent as text, an object or number as JSON, bytes and
/// streams as <c>application/octet-stream</c>, <see langword="null"/> as 204, and a handler that returns nothing
/// writes the response itself. A status or <c>Content-Type</c> the handler set is kept.
/// </remarks>
public interface IServiceRoutes : IEndpointRouteBuilder, IEndpointConventionBuilder
{
    /// <summary>Gets the name of the service whose routes these are.</summary>
    string ServiceName { get; }

    /// <summary>
    /// Handles a pattern call (<c>IMicron.Act</c>) of any host: <c>"multiply"</c> (that is <c>cmd:multiply</c>) or
    /// <c>"role:math,cmd:multiply"</c>. The handler takes at most one payload parameter (converted from the caller's
    /// payload through JSON) and a <see cref="CancellationToken"/>, and returns the result, or a task of it.
    /// </summary>
    /// <param name="pattern">The pattern handled.</param>
    /// <param name="handler">The handler.</param>
    /// <exception cref="ArgumentException">The pattern is malformed, or the handler takes more than one payload.</exception>
    /// <exception cref="InvalidOperationException">The pattern is already handled in this host.</exception>
    void AddPattern(string pattern, Delegate handler);
}
