using System.Collections.Concurrent;
using Micron.Services;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.Primitives;

namespace Micron.Gateway.Internal.Fast;

/// <summary>
/// Which remote route a plain request takes, decided as ASP.NET Core routing would for the endpoints a host with no
/// service of its own has: the gateway's remote routes, and Micron's own under <c>/_micron</c>. A route that needs
/// middleware, a layout, an upgrade or a constraint, an ambiguous match, or a host with any other endpoint, is left to
/// routing itself (<see langword="null"/>). Decisions are kept per method and path until the endpoints change.
/// </summary>
internal sealed class FastRoutes : IDisposable
{
    private const int MaxRemembered = 4096;
    private readonly EndpointDataSource _endpoints;
    private readonly IDisposable _subscription;
    private volatile Table _table = Table.Empty;
    private int _generation;

    public FastRoutes(EndpointDataSource endpoints)
    {
        _endpoints = endpoints;
        _subscription = ChangeToken.OnChange(endpoints.GetChangeToken, () =>
        {
            Interlocked.Increment(ref _generation);
            _table = Table.Empty;
        });
    }

    public void Dispose() => _subscription.Dispose();

    /// <summary>The remote route <paramref name="path"/> takes, or <see langword="null"/> when routing must decide.</summary>
    public FastRoute? Find(bool isHead, ReadOnlySpan<byte> path)
    {
        var table = _table;
        if (ReferenceEquals(table, Table.Empty))
        {
            // Kept only if the endpoints did not change while it was built: a table built from the endpoints before a
            // change must not stay in place of the one after it.
            var generation = Volatile.Read(ref _generation);
            table = Table.Build(_endpoints.Endpoints);
            if (ReferenceEquals(Interlocked.CompareExchange(ref _table, table, Table.Empty), Table.Empty)
                && generation != Volatile.Read(ref _generation))
            {
                Interlocked.CompareExchange(ref _table, Table.Empty, table);
            }
        }

        if (!table.Usable || path.StartsWith("/_micron"u8))
        {
            return null;
        }

        Span<char> key = stackalloc char[path.Length + 1];
        key[0] = isHead ? 'H' : 'G';
        System.Text.Encoding.ASCII.GetChars(path, key[1..]);
        var lookup = table.Decisions.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(key, out var known))
        {
            return known;
        }

        var decided = table.Decide(isHead, key[1..].ToString());
        if (table.Decisions.Count < MaxRemembered)
        {
            lookup.TryAdd(key, decided);
        }

        return decided;
    }

    private sealed class Table
    {
        public static readonly Table Empty = new([], usable: false);

        private readonly List<(RouteEndpoint Endpoint, TemplateMatcher Matcher, decimal Precedence, FastRoute? Route)> _routes;

        private Table(List<(RouteEndpoint, TemplateMatcher, decimal, FastRoute?)> routes, bool usable)
        {
            _routes = routes;
            Usable = usable;
        }

        public bool Usable { get; }

        public ConcurrentDictionary<string, FastRoute?> Decisions { get; } = new(StringComparer.Ordinal);

        public static Table Build(IReadOnlyList<Endpoint> endpoints)
        {
            var routes = new List<(RouteEndpoint, TemplateMatcher, decimal, FastRoute?)>();
            foreach (var endpoint in endpoints)
            {
                if (endpoint is not RouteEndpoint route || route.RoutePattern.RawText is not { } text)
                {
                    return new Table([], usable: false);
                }

                var remote = endpoint.Metadata.GetMetadata<RemoteRouteMetadata>();
                if (remote is null)
                {
                    // Only Micron's own endpoints may sit beside the remote ones: any other could take a path here.
                    if (!text.TrimStart('/').StartsWith("_micron", StringComparison.Ordinal))
                    {
                        return new Table([], usable: false);
                    }

                    continue;
                }

                var template = TemplateParser.Parse(text);
                routes.Add((route, new TemplateMatcher(template, new RouteValueDictionary()), RoutePrecedence.ComputeInbound(template), Plain(route, remote, text)));
            }

            return new Table(routes, usable: true);
        }

        public FastRoute? Decide(bool isHead, string path)
        {
            // Routing's order: lowest Order, then most specific (highest inbound precedence); a tie is ambiguous.
            (RouteEndpoint Endpoint, decimal Precedence, FastRoute? Route)? best = null;
            var tie = false;
            var values = new RouteValueDictionary();
            foreach (var (endpoint, matcher, precedence, route) in _routes)
            {
                if (!Allows(endpoint, isHead))
                {
                    continue;
                }

                values.Clear();
                if (!matcher.TryMatch(path, values))
                {
                    continue;
                }

                if (endpoint.RoutePattern.ParameterPolicies.Count > 0)
                {
                    return null; // a constraint decides: routing must
                }

                if (best is not { } b || endpoint.Order < b.Endpoint.Order || (endpoint.Order == b.Endpoint.Order && precedence > b.Precedence))
                {
                    (best, tie) = ((endpoint, precedence, route), false);
                }
                else if (endpoint.Order == b.Endpoint.Order && precedence == b.Precedence)
                {
                    tie = true;
                }
            }

            return tie ? null : best?.Route;
        }

        private static bool Allows(RouteEndpoint endpoint, bool isHead)
        {
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
            if (methods is null || methods.Count == 0)
            {
                return true;
            }

            foreach (var method in methods)
            {
                if (isHead ? HttpMethods.IsHead(method) : HttpMethods.IsGet(method))
                {
                    return true;
                }
            }

            return false;
        }

        // A route the fast path forwards as it is: no middleware, no layout, no upgrade, no host or other selection policy.
        private static FastRoute? Plain(RouteEndpoint endpoint, RemoteRouteMetadata remote, string template)
        {
            var metadata = endpoint.Metadata;
            return metadata.GetMetadata<GatewayMiddlewareMetadata>() is null
                && metadata.GetMetadata<RequiredMiddlewareMetadata>() is null
                && metadata.GetMetadata<UpgradeEndpointMetadata>() is null
                && metadata.GetMetadata<IHostMetadata>() is null
                ? new FastRoute(remote.Service, template)
                : null;
        }
    }
}

/// <summary>A remote route the fast path forwards.</summary>
/// <param name="Service">The service that owns it.</param>
/// <param name="Template">Its template, as the dashboard shows it.</param>
internal sealed record FastRoute(string Service, string Template);
