using System.Net.WebSockets;
using Micron.Assets.Internal;
using Micron.Gateway.Internal;
using Micron.Gateway.Middleware;
using Micron.Http;
using Micron.Services;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;

namespace Microsoft.AspNetCore.Builder;

/// <summary>What a service's routes can ask of the gateway: middleware, layout, WebSockets and assets.</summary>
public static class ServiceRoutesGatewayExtensions
{
    /// <summary>
    /// Provides a named middleware that routes of any service may require with <see cref="RequireMiddleware"/>: called
    /// directly in the same host, and through <c>POST /_micron/middleware/{service}/{name}</c> from other hosts.
    /// </summary>
    /// <param name="routes">The providing service's routes.</param>
    /// <param name="name">The middleware's name, for example <c>auth</c>.</param>
    /// <param name="handler">Decides whether a request continues (and as which user) or is answered instead.</param>
    /// <returns>The internal endpoint, for further conventions.</returns>
    /// <exception cref="InvalidOperationException">The host has no gateway, or a local service already provides <paramref name="name"/>.</exception>
    public static IEndpointConventionBuilder ProvideMiddleware(this IServiceRoutes routes, string name, MiddlewareHandler handler)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(handler);
        var providers = routes.ServiceProvider.GetService<MiddlewareProviders>()
            ?? throw new InvalidOperationException($"service '{routes.ServiceName}' provides middleware '{name}', which needs AddGateway()");
        providers.Add(routes.ServiceName, name, handler);
        return routes.MapPost($"/_micron/middleware/{routes.ServiceName}/{name}", context => MiddlewareEndpoint.HandleAsync(context, handler))
            .WithMetadata(new ProvidedMiddlewareMetadata(name))
            .ExcludeFromDescription();
    }

    /// <summary>Runs the named middleware (provided by any service, here or remote) before the route's handler.</summary>
    /// <typeparam name="TBuilder">The route's builder.</typeparam>
    /// <param name="builder">The route or group.</param>
    /// <param name="name">The middleware's name.</param>
    /// <returns>The builder.</returns>
    public static TBuilder RequireMiddleware<TBuilder>(this TBuilder builder, string name)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return builder.WithMetadata(new RequiredMiddlewareMetadata(name));
    }

    /// <summary>Composes the route's answer with the gateway's layout (HTML and text as its body, JSON as its model).</summary>
    /// <typeparam name="TBuilder">The route's builder.</typeparam>
    /// <param name="builder">The route or group.</param>
    /// <returns>The builder.</returns>
    public static TBuilder WithLayout<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(new GatewayMiddlewareMetadata([GatewayRouteExtensionsNames.Layout]));

    /// <summary>Accepts WebSockets at <paramref name="path"/>; a gateway forwards clients' sockets (HTTP/1.1 or HTTP/2) to this service.</summary>
    /// <param name="routes">The service's routes.</param>
    /// <param name="path">The upgrade path, for example <c>/chat/socket</c>.</param>
    /// <param name="handler">Serves one accepted socket until it closes.</param>
    /// <returns>The endpoint, for further conventions.</returns>
    public static IEndpointConventionBuilder MapWebSocket(this IServiceRoutes routes, string path, Func<HttpContext, WebSocket, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(handler);
        return routes.MapGet(path, async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                throw new HttpError(StatusCodes.Status400BadRequest, "a WebSocket upgrade is expected here", "websocket_expected");
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
            await handler(context, socket).ConfigureAwait(false);
        }).WithMetadata(new UpgradeEndpointMetadata(path));
    }

    /// <summary>
    /// Serves the files under <paramref name="directory"/> at <paramref name="prefix"/> (<c>GET</c> and <c>HEAD</c>, with
    /// <c>ETag</c>, <c>Last-Modified</c>, conditional requests and ranges); a gateway forwards the prefix to this service.
    /// Paths that leave the directory are not found.
    /// </summary>
    /// <remarks>
    /// A service declared in a Razor class library needs no call: its static web assets are served at
    /// <c>/_content/{Library}/</c> and forwarded the same way (see <c>docs/gateway.md</c>).
    /// </remarks>
    /// <param name="routes">The service's routes.</param>
    /// <param name="prefix">The URL prefix, for example <c>/home/assets</c>.</param>
    /// <param name="directory">The folder, relative to the application's base directory unless absolute; <c>wwwroot</c> by default.</param>
    /// <returns>The endpoint, for further conventions.</returns>
    public static IEndpointConventionBuilder MapAssets(this IServiceRoutes routes, string prefix, string directory = "wwwroot")
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, directory));
        Directory.CreateDirectory(root);
        return AssetEndpoint.Map(routes, prefix, new PhysicalFileProvider(root));
    }
}
