using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms.Builder;

// YarpPeer PORT BACKEND [--inline] [host args]: bare YARP for bench/run, every request (WebSockets too) forwarded to
// BACKEND with IHttpForwarder. --inline runs Kestrel's request code on its I/O threads, as a dedicated Micron gateway
// does (PreferInlineScheduling); bench/run then also sets DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1.
var backend = args[1];
var inline = args.Contains("--inline");
var builder = WebApplication.CreateBuilder([.. args[2..].Where(static a => a != "--inline"), "--urls", $"http://127.0.0.1:{args[0]}"]);
builder.Services.AddHttpForwarder();
builder.Services.Configure<SocketTransportOptions>(transport => transport.UnsafePreferInlineScheduling = inline);
var app = builder.Build();

// The handler YARP's direct-forwarding guide recommends.
using var invoker = new HttpMessageInvoker(new SocketsHttpHandler
{
    UseProxy = false,
    AllowAutoRedirect = false,
    AutomaticDecompression = DecompressionMethods.None,
    UseCookies = false,
    EnableMultipleHttp2Connections = true,
    ActivityHeadersPropagator = null,
    ConnectTimeout = TimeSpan.FromSeconds(15),
});
var config = new ForwarderRequestConfig { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower };

// YARP's default transforms, as one of its routes would have: X-Forwarded-For, -Proto and -Host (as the gateway sends).
var transformer = app.Services.GetRequiredService<ITransformBuilder>().Create(static _ => { });
var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
// A failure is answered by YARP itself (502 or 504), which the load generator counts as an error.
app.Run(async context => await forwarder.SendAsync(context, backend, invoker, config, transformer));
await app.RunAsync();
