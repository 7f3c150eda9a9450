using System.Net;
using Micron.Discovery;
using Micron.Http;
using Micron.Rpc.Internal;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Micron.Gateway.Internal;

/// <summary>
/// Forwards a request to an instance of the service that owns its route: streams both bodies, picks the instance with
/// the host's load-balancing policy (skipping instances whose circuit is open), retries an idempotent request that
/// never reached an instance once on another, and maps failures to 502, 503 and 504 (see <c>docs/spec/gateway.md</c>).
/// </summary>
internal sealed partial class Forwarder : IDisposable
{
    private readonly ServiceRegistry _registry;
    private readonly InstanceHealth _health;
    private readonly GatewayOptions _options;
    private readonly ILogger<Forwarder> _logger;
    private readonly DeadlinePool _deadlines = new();

    public Forwarder(ServiceRegistry registry, InstanceHealth health, GatewayHost host, IOptions<GatewayOptions> options, ILogger<Forwarder> logger)
    {
        _registry = registry;
        _health = health;
        _options = options.Value;
        _logger = logger;
        HostId = host.Id;
        Invoker = new HttpMessageInvoker(
            new SocketsHttpHandler
            {
                UseProxy = false,
                UseCookies = false,
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.None,
                MaxConnectionsPerServer = int.MaxValue,
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectTimeout = TimeSpan.FromSeconds(5),
                ActivityHeadersPropagator = null, // traceparent is set by the forwarder itself
                EnableMultipleHttp2Connections = true,
            },
            disposeHandler: true);
    }

    /// <summary>Gets this gateway's id in <c>Micron-Hop</c>.</summary>
    public string HostId { get; }

    /// <summary>Gets the pooled client connections to instances (shared with the WebSocket tunnel).</summary>
    public HttpMessageInvoker Invoker { get; }

    public void Dispose() => Invoker.Dispose();

    public async Task ForwardAsync(HttpContext context, string service)
    {
        if (ForwardedHeaders.IsLoop(context.Request, HostId))
        {
            throw new HttpError(StatusCodes.Status508LoopDetected, $"the request came back to gateway {HostId}", ErrorCodes.LoopDetected);
        }

        var request = context.Request;
        var maxBody = _options.MaxRequestBodySize.Bytes;
        if (maxBody > 0 && request.ContentLength > maxBody)
        {
            throw new HttpError(StatusCodes.Status413PayloadTooLarge, $"Body exceeded {_options.MaxRequestBodySize} limit", ErrorCodes.BodyTooLarge);
        }

        var canHaveBody = context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? request.ContentLength > 0;
        var idempotent = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)
            || HttpMethods.IsPut(request.Method) || HttpMethods.IsDelete(request.Method);
        var aborted = context.RequestAborted;
        var deadline = _deadlines.Rent();
        try
        {
            using var registration = aborted.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), deadline);
            await ForwardAsync(context, service, request, canHaveBody, idempotent, deadline).ConfigureAwait(false);
        }
        finally
        {
            _deadlines.Return(deadline);
        }
    }

    private async Task ForwardAsync(HttpContext context, string service, HttpRequest request, bool canHaveBody, bool idempotent, CancellationTokenSource deadline)
    {
        var aborted = context.RequestAborted;
        ServiceInstance? tried = null;
        HttpRequestException? refused = null;
        while (true)
        {
            var instance = Pick(service, tried) ?? throw (refused is null
                ? new HttpError(StatusCodes.Status503ServiceUnavailable, $"no instance of service '{service}' is available", ErrorCodes.ServiceUnavailable)
                : new HttpError(StatusCodes.Status502BadGateway, $"instance {tried!.Id} of service '{service}' failed and no other is available: {refused.Message}", ErrorCodes.UpstreamFailed, refused));
            var entry = _health.For(instance);
            var body = canHaveBody ? new RequestBodyContent(request.Body, request.ContentLength) : null;
            using var upstream = new HttpRequestMessage(HttpMethod.Parse(request.Method), Target(instance, entry, context))
            {
                Version = HttpVersion.Version11,
                Content = body,
            };
            ForwardedHeaders.CopyRequest(context, upstream, HostId);
            deadline.CancelAfter(_options.UpstreamTimeout);
            entry.Enter();
            HttpResponseMessage response;
            try
            {
                response = await Invoker.SendAsync(upstream, deadline.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (aborted.IsCancellationRequested)
            {
                LogClientGone(_logger, request.Method, request.Path, ex.GetType().Name);
                return;
            }
            catch (OperationCanceledException ex)
            {
                throw new HttpError(
                    StatusCodes.Status504GatewayTimeout,
                    DidNotAnswer(instance, _options.UpstreamTimeout),
                    ErrorCodes.UpstreamTimeout,
                    ex);
            }
            catch (HttpRequestException ex) when (FindBodyError(ex) is { } bodyError)
            {
                throw bodyError;
            }
            catch (HttpRequestException ex)
            {
                var notSent = ex.HttpRequestError == HttpRequestError.ConnectionError && body is not { Started: true };
                if (notSent)
                {
                    _registry.ReportUnreachable(instance);
                    if (idempotent && tried is null)
                    {
                        LogRetry(_logger, request.Method, request.Path, instance.Id, ex.Message);
                        tried = instance;
                        refused = ex;
                        continue;
                    }
                }

                throw new HttpError(
                    StatusCodes.Status502BadGateway, $"instance {instance.Id} of service '{service}' failed: {ex.Message}", ErrorCodes.UpstreamFailed, ex);
            }
            finally
            {
                entry.Leave();
            }

            deadline.CancelAfter(Timeout.Infinite);
            using (response)
            {
                await CopyResponseAsync(context, response, instance, deadline.Token).ConfigureAwait(false);
            }

            return;
        }
    }

    private async Task CopyResponseAsync(HttpContext context, HttpResponseMessage response, ServiceInstance instance, CancellationToken cancellationToken)
    {
        var target = context.Response;
        target.StatusCode = (int)response.StatusCode;
        ForwardedHeaders.CopyResponse(response, target.Headers);
        if (HttpMethods.IsHead(context.Request.Method) || response.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.NotModified)
        {
            return;
        }

        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                await stream.CopyToAsync(target.Body, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (context.RequestAborted.IsCancellationRequested)
        {
            LogClientGone(_logger, context.Request.Method, context.Request.Path, ex.GetType().Name);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            if (!target.HasStarted)
            {
                throw new HttpError(
                    StatusCodes.Status502BadGateway, $"instance {instance.Id} of service '{instance.Service}' broke off its answer: {ex.Message}", ErrorCodes.UpstreamFailed, ex);
            }

            // Part of the answer is on the wire: cutting the connection is the only honest signal left.
            LogBrokenAnswer(_logger, context.Request.Method, context.Request.Path, instance.Id, ex.Message);
            context.Abort();
        }
    }

    /// <summary>What a 504 <c>upstream_timeout</c> says, on the full path and the fast one alike.</summary>
    internal static string DidNotAnswer(ServiceInstance instance, TimeSpan timeout)
        => $"instance {instance.Id} of service '{instance.Service}' did not answer within {timeout.TotalSeconds:0.###} s";

    /// <summary>
    /// Picks an instance of a remote service by the host's policy, skipping broken ones and <paramref name="exclude"/>.
    /// A local instance of a remote route's service appears only while the table catches up; routing serves it locally.
    /// </summary>
    internal ServiceInstance? Pick(string service, ServiceInstance? exclude)
        => _health.Choose(_registry, service, exclude is null ? [] : [exclude], remoteOnly: true);

    private static Uri Target(ServiceInstance instance, InstanceHealth.Entry entry, HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        var pathAndQuery = raw is { Length: > 0 } && raw[0] == '/'
            ? raw
            : context.Request.Path.ToUriComponent() + context.Request.QueryString.Value;
        return entry.Target(instance.BaseUri, pathAndQuery);
    }

    // The client's body broke the limit or the connection while it was being sent: the client's fault, with its status.
    private static Exception? FindBodyError(Exception exception)
    {
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is BadHttpRequestException)
            {
                return inner;
            }
        }

        return null;
    }

    [LoggerMessage(EventId = 110, Level = LogLevel.Debug, Message = "{Method} {Path}: the client went away ({Reason})")]
    private static partial void LogClientGone(ILogger logger, string method, PathString path, string reason);

    [LoggerMessage(EventId = 111, Level = LogLevel.Warning, Message = "{Method} {Path}: instance {Instance} could not be reached ({Reason}); retrying on another")]
    private static partial void LogRetry(ILogger logger, string method, PathString path, string instance, string reason);

    [LoggerMessage(EventId = 112, Level = LogLevel.Warning, Message = "{Method} {Path}: instance {Instance} broke off its answer ({Reason}); the client connection was cut")]
    private static partial void LogBrokenAnswer(ILogger logger, string method, PathString path, string instance, string reason);
}
