using System.Net;
using System.Runtime.CompilerServices;
using Micron.Discovery;
using Micron.Http;
using Micron.Rpc.Internal;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Yarp.ReverseProxy.Forwarder;

namespace Micron.Gateway.Internal;

/// <summary>
/// Forwards a request, or a WebSocket, to an instance of the service that owns its route through YARP's forwarder:
/// picks the instance with the host's selector (its load-balancing policy and per-instance circuit breaker, shared with
/// remote calls and middleware), retries a body-less idempotent request that could not connect once on another, and
/// maps failures to Micron's problem documents: 502, 503 and 504 (see <c>docs/spec/gateway.md</c>).
/// </summary>
internal sealed partial class Forwarder : IDisposable
{
    // A successful forward, as the breaker sees it: no exception and no status of 500 or more.
    private static readonly Outcome<HttpResponseMessage> Forwarded = Outcome.FromResult<HttpResponseMessage>(null!);

    private static readonly PathString InternalPaths = "/_micron";

    private readonly IHttpForwarder _forwarder;
    private readonly ServiceRegistry _registry;
    private readonly InstanceHealth _health;
    private readonly GatewayOptions _options;
    private readonly ILogger<Forwarder> _logger;
    private readonly ForwardedHeaders _transformer;
    private readonly ForwarderRequestConfig _http11;
    private readonly ForwarderRequestConfig _https;
    private readonly ForwarderRequestConfig _upgrade;

    public Forwarder(
        IHttpForwarder forwarder, ServiceRegistry registry, InstanceHealth health, GatewayHost host, IOptions<GatewayOptions> options,
        IOptions<Hosting.MicronOptions> micron, ILogger<Forwarder> logger)
    {
        _forwarder = forwarder;
        _registry = registry;
        _health = health;
        _options = options.Value;
        _logger = logger;
        HostId = host.Id;
        _transformer = new ForwardedHeaders(host.Id);

        // ActivityTimeout: how long the exchange may be idle, before the answer's headers and between reads after.
        _http11 = new ForwarderRequestConfig { ActivityTimeout = _options.UpstreamTimeout, Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower };
        _https = new ForwarderRequestConfig { ActivityTimeout = _options.UpstreamTimeout, Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower };
        _upgrade = new ForwarderRequestConfig { ActivityTimeout = _options.WebSocketIdleTimeout, Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower };
        Invoker = new HttpMessageInvoker(
            Hosting.Internal.InternalTls.Apply(new SocketsHttpHandler
            {
                UseProxy = false,
                UseCookies = false,
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.None,
                MaxConnectionsPerServer = int.MaxValue,
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectTimeout = TimeSpan.FromSeconds(5),
                ActivityHeadersPropagator = null, // traceparent is set by ForwardedHeaders
                EnableMultipleHttp2Connections = true,
            }, micron.Value),
            disposeHandler: true);
    }

    /// <summary>Gets this gateway's id in <c>Micron-Hop</c>.</summary>
    public string HostId { get; }

    /// <summary>Gets the pooled client connections to instances.</summary>
    public HttpMessageInvoker Invoker { get; }

    public void Dispose() => Invoker.Dispose();

    public async Task ForwardAsync(HttpContext context, string service)
    {
        var request = context.Request;
        if (ForwardedHeaders.IsLoop(request, HostId))
        {
            throw new HttpError(StatusCodes.Status508LoopDetected, $"the request came back to gateway {HostId}", ErrorCodes.LoopDetected);
        }

        // Micron's own paths are this host's, whatever a service's catch-all route says, in any letter case.
        if (request.Path.StartsWithSegments(InternalPaths, StringComparison.OrdinalIgnoreCase))
        {
            throw new HttpError(StatusCodes.Status404NotFound, "Not Found", ErrorCodes.NotFound);
        }

        var maxBody = _options.MaxRequestBodySize.Bytes;
        if (maxBody > 0 && request.ContentLength > maxBody)
        {
            throw new HttpError(StatusCodes.Status413PayloadTooLarge, $"Body exceeded {_options.MaxRequestBodySize} limit", ErrorCodes.BodyTooLarge);
        }

        // Only a request that sends nothing beyond its head can go to a second instance: a body read once is gone.
        var canHaveBody = context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? request.ContentLength > 0;
        var retriable = !canHaveBody && (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)
            || HttpMethods.IsOptions(request.Method) || HttpMethods.IsDelete(request.Method) || HttpMethods.IsPut(request.Method));
        List<ServiceInstance>? tried = null;
        Exception? refused = null;
        while (true)
        {
            var instance = _health.Choose(_registry, service, (IReadOnlyList<ServiceInstance>?)tried ?? [], remoteOnly: true);
            if (instance is null)
            {
                throw refused is null
                    ? new HttpError(StatusCodes.Status503ServiceUnavailable, $"no instance of service '{service}' is available", ErrorCodes.ServiceUnavailable)
                    : new HttpError(StatusCodes.Status502BadGateway, $"instance {tried![^1].Id} of service '{service}' failed and no other is available: {refused.Message}", ErrorCodes.UpstreamFailed, refused);
            }

            (tried ??= []).Add(instance);
            var entry = _health.For(instance);
            var error = await SendAsync(context, instance, entry).ConfigureAwait(false);
            if (error is null)
            {
                return;
            }

            if (context.RequestAborted.IsCancellationRequested)
            {
                LogClientGone(_logger, request.Method, request.Path, error.Value.ToString());
                return;
            }

            var exception = context.Features.Get<IForwarderErrorFeature>()?.Exception;
            if (error == ForwarderError.NoAvailableDestinations)
            {
                continue; // the instance's circuit opened between the choice and the call: nothing was sent
            }

            if (error.Value is ForwarderError.UpgradeRequestCanceled or ForwarderError.UpgradeRequestClient or ForwarderError.UpgradeRequestDestination
                or ForwarderError.UpgradeResponseCanceled or ForwarderError.UpgradeResponseClient or ForwarderError.UpgradeResponseDestination
                or ForwarderError.UpgradeActivityTimeout)
            {
                LogUpgradeEnded(_logger, request.Path, instance.Id, error.Value);
                return;
            }

            if (context.Response.HasStarted)
            {
                // Part of the answer is on the wire; YARP cut the client's connection, the only honest signal left.
                LogBrokenAnswer(_logger, request.Method, request.Path, instance.Id, error.Value, Reason(exception));
                return;
            }

            // The client's body broke its framing or a limit while it was being sent: the client's fault, with its status,
            // whatever stage YARP saw it at.
            if (FindBodyError(exception) is { } bodyError)
            {
                throw bodyError;
            }

            switch (error.Value)
            {
                case ForwarderError.Request when IsConnectFailure(exception):
                    _registry.ReportUnreachable(instance);
                    if (retriable && tried.Count == 1)
                    {
                        LogRetry(_logger, request.Method, request.Path, instance.Id, Reason(exception));
                        refused = exception;
                        ResetForRetry(context);
                        continue;
                    }

                    throw new HttpError(StatusCodes.Status502BadGateway, $"instance {instance.Id} of service '{service}' could not be reached: {Reason(exception)}", ErrorCodes.UpstreamFailed, exception);
                case ForwarderError.RequestTimedOut:
                    throw new HttpError(StatusCodes.Status504GatewayTimeout, DidNotAnswer(instance, _options.UpstreamTimeout), ErrorCodes.UpstreamTimeout, exception);
                case ForwarderError.RequestBodyClient:
                    throw new HttpError(
                        context.Response.StatusCode is >= 400 and < 500 and var status ? status : StatusCodes.Status400BadRequest,
                        "the request body could not be read", ErrorCodes.InvalidBody, exception);
                default:
                    throw new HttpError(StatusCodes.Status502BadGateway, $"instance {instance.Id} of service '{service}' failed: {Reason(exception)}", ErrorCodes.UpstreamFailed, exception);
            }
        }
    }

    /// <summary>What a 504 <c>upstream_timeout</c> says.</summary>
    internal static string DidNotAnswer(ServiceInstance instance, TimeSpan timeout)
        => $"instance {instance.Id} of service '{instance.Service}' did not answer within {timeout.TotalSeconds:0.###} s";

    // Runs the exchange through the instance's circuit breaker; null when it went through.
    private async ValueTask<ForwarderError?> SendAsync(HttpContext context, ServiceInstance instance, InstanceHealth.Entry entry)
    {
        var resilience = ResilienceContextPool.Shared.Get(context.RequestAborted);
        entry.Enter();
        try
        {
            var state = (Self: this, Context: context, Instance: instance, Error: new StrongBox<ForwarderError>());
            var outcome = await entry.Pipeline.ExecuteOutcomeAsync(
                static async (_, state) =>
                {
                    var self = state.Self;
                    var config = state.Context.WebSockets.IsWebSocketRequest ? self._upgrade
                        : state.Instance.BaseUri.Scheme == Uri.UriSchemeHttps ? self._https
                        : self._http11;
                    var error = await self._forwarder.SendAsync(state.Context, state.Instance.Announcement.Url, self.Invoker, config, self._transformer).ConfigureAwait(false);
                    state.Error.Value = error;

                    // Only what the instance did counts against it: not the client going away or sending a bad body.
                    return error is ForwarderError.Request or ForwarderError.RequestTimedOut or ForwarderError.ResponseHeaders
                        or ForwarderError.ResponseBodyDestination or ForwarderError.RequestBodyDestination
                        && !state.Context.RequestAborted.IsCancellationRequested
                        && FindBodyError(state.Context.Features.Get<IForwarderErrorFeature>()?.Exception) is null
                            ? Outcome.FromException<HttpResponseMessage>(new HttpRequestException(error.ToString()))
                            : Forwarded;
                },
                resilience,
                state).ConfigureAwait(false);
            if (outcome.Exception is BrokenCircuitException)
            {
                return ForwarderError.NoAvailableDestinations;
            }

            return state.Error.Value == ForwarderError.None ? null : state.Error.Value;
        }
        finally
        {
            entry.Leave();
            ResilienceContextPool.Shared.Return(resilience);
        }
    }

    private static bool IsConnectFailure(Exception? exception)
        => exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError }
            || exception?.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused };

    // YARP set its own status and error on the failed attempt; the next one starts clean.
    private static void ResetForRetry(HttpContext context)
    {
        context.Response.Clear();
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Features.Set<IForwarderErrorFeature>(null);
    }

    private static string Reason(Exception? exception)
    {
        var innermost = exception;
        while (innermost?.InnerException is { } inner && innermost is not HttpRequestException { HttpRequestError: not HttpRequestError.Unknown })
        {
            innermost = inner;
        }

        return innermost?.Message ?? "unknown error";
    }

    // The client's body broke the limit or its framing while it was being sent: the client's fault, with its status.
    private static BadHttpRequestException? FindBodyError(Exception? exception)
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is BadHttpRequestException bad)
            {
                return bad;
            }

            if (inner is AggregateException aggregate)
            {
                foreach (var each in aggregate.InnerExceptions)
                {
                    if (FindBodyError(each) is { } found)
                    {
                        return found;
                    }
                }
            }
        }

        return null;
    }

    [LoggerMessage(EventId = 110, Level = LogLevel.Debug, Message = "{Method} {Path}: the client went away ({Reason})")]
    private static partial void LogClientGone(ILogger logger, string method, PathString path, string reason);

    [LoggerMessage(EventId = 111, Level = LogLevel.Warning, Message = "{Method} {Path}: instance {Instance} could not be reached ({Reason}); retrying on another")]
    private static partial void LogRetry(ILogger logger, string method, PathString path, string instance, string reason);

    [LoggerMessage(EventId = 113, Level = LogLevel.Debug, Message = "WebSocket {Path} to instance {Instance} ended: {Error}")]
    private static partial void LogUpgradeEnded(ILogger logger, PathString path, string instance, ForwarderError error);

    [LoggerMessage(EventId = 112, Level = LogLevel.Warning, Message = "{Method} {Path}: instance {Instance} broke off its answer ({Error}: {Reason}); the client connection was cut")]
    private static partial void LogBrokenAnswer(ILogger logger, string method, PathString path, string instance, ForwarderError error, string reason);
}
