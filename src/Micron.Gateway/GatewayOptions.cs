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

    /// <summary>Gets or sets how long an instance may take to answer a forwarded request with its headers; longer gets 504.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan UpstreamTimeout { get; set; } = TimeSpan.FromSeconds(30);

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

    /// <summary>
    /// Gets or sets whether plain requests to remote routes are forwarded below Kestrel's HTTP layer: a <c>GET</c> or
    /// <c>HEAD</c> with a plain head, to a route with no middleware or layout, goes to a kept-alive connection to an
    /// instance and its answer comes back byte for byte (about nginx's throughput). Anything else, and every later
    /// request on that connection, takes the full path. It bypasses middleware an app adds to its pipeline, so it is
    /// only for a host whose pipeline is Micron's own, and it stays off in a host that maps endpoints of its own.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: on in a host that runs no service (<c>--services none</c>), else off.</value>
    public bool? FastForwarding { get; set; }

    /// <summary>
    /// Gets or sets whether Kestrel's connections run on the gateway's own epoll loops (Linux, x64 and arm64, TCP
    /// endpoints): one thread per core reads a socket only when the kernel says it is readable and runs the forwarding
    /// inline, as nginx's workers do, and the fast path's connections to instances join the loop of their client. That
    /// saves the speculative read .NET's sockets make before every wait, twice per forwarded request, and their
    /// dispatching. Elsewhere, and for Unix sockets, Kestrel's own transport runs.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: on in a host that runs no service (<c>--services none</c>), else off.</value>
    public bool? EpollTransport { get; set; }

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
