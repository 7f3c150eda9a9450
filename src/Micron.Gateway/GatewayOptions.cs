using Micron.Http;

namespace Micron.Gateway;

/// <summary>How the gateway forwards, limits and composes requests (bound from <c>Micron:Gateway</c>).</summary>
public sealed class GatewayOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Micron:Gateway";

    /// <summary>Gets or sets the largest request head (request line and headers) a client may send; larger gets 431.</summary>
    /// <value>The default value is <c>32kb</c>.</value>
    public BodyLimit MaxRequestHeadersSize { get; set; } = BodyLimit.Parse("32kb");

    /// <summary>Gets or sets the largest request body forwarded or read; larger gets 413.</summary>
    /// <value>The default value is <c>100mb</c>; <c>0</c> removes the limit (large uploads stream in constant memory).</value>
    public BodyLimit MaxRequestBodySize { get; set; } = BodyLimit.Parse("100mb");

    /// <summary>Gets or sets how long a client may take to send its request headers; slower connections are closed.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the slowest upload a client may keep up, in bytes per second (after a 5 s grace); slower is cut.</summary>
    /// <value>The default value is 240 bytes per second.</value>
    public double MinRequestBodyRate { get; set; } = 240;

    /// <summary>Gets or sets the slowest download a client may keep up, in bytes per second (after a 5 s grace); slower is cut.</summary>
    /// <value>The default value is 240 bytes per second; <c>0</c> removes the limit.</value>
    public double MinResponseBodyRate { get; set; } = 240;

    /// <summary>Gets or sets the most client connections the host keeps open at once; more are refused until some close.</summary>
    /// <value>The default value is <see langword="null"/>: no cap (the process's descriptor limit is the only one).</value>
    public long? MaxConnections { get; set; }

    /// <summary>
    /// Gets or sets how long a forwarded exchange may be idle: an instance that sends no response headers within it
    /// gets 504, and a body (either way) that stalls that long is cut.
    /// </summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan UpstreamTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long a forwarded WebSocket may carry nothing either way before the gateway closes it.</summary>
    /// <value>The default value is 15 minutes.</value>
    public TimeSpan WebSocketIdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Gets or sets how long a remote middleware provider may take to decide; longer gets 502.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan MiddlewareTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the largest body the layout buffers to compose a page; a larger one gets 502.</summary>
    /// <value>The default value is <c>4mb</c>.</value>
    public BodyLimit MaxLayoutBodySize { get; set; } = BodyLimit.Parse("4mb");

    /// <summary>
    /// Gets or sets whether Kestrel runs request code inline on its I/O threads instead of handing it to the thread
    /// pool: fewer thread switches per forwarded request. Only for a dedicated gateway (<c>--services none</c>), whose
    /// code never blocks; pair it with <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c> for the upstream side.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: on in a host that runs no service (<c>--services none</c>), else off.</value>
    public bool? PreferInlineScheduling { get; set; }

    /// <summary>Gets or sets a template file used as the layout (<c>{{title}}</c>, <c>{{yield}}</c>, <c>{{model}}</c>).</summary>
    /// <value>The default value is <see langword="null"/>: the component set by <see cref="UseLayout{TComponent}"/>, else the built-in layout.</value>
    public string? LayoutFile { get; set; }

    /// <summary>Gets the Razor component rendered as the layout, if any.</summary>
    public Type? LayoutComponent { get; private set; }

    /// <summary>
    /// Renders pages of routes that ask for the layout inside <typeparamref name="TComponent"/>, a Razor component with
    /// the parameters it wants of <see cref="Layout.LayoutPage"/> (<c>Body</c>, <c>Model</c>, <c>Title</c>, <c>Path</c>).
    /// </summary>
    /// <typeparam name="TComponent">The layout component.</typeparam>
    /// <returns>These options.</returns>
    public GatewayOptions UseLayout<TComponent>()
        where TComponent : Microsoft.AspNetCore.Components.IComponent
    {
        LayoutComponent = typeof(TComponent);
        return this;
    }
}
