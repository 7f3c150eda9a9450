using System.Collections.Concurrent;
using Micron.Discovery;
using Micron.Hosting;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;

namespace Micron.Rpc.Internal;

/// <summary>
/// Per remote instance: calls in flight (for least-in-flight balancing) and a circuit breaker (Polly) that stops
/// calls to an instance while half or more of its recent calls fail to connect or answer 5xx.
/// </summary>
internal sealed class InstanceHealth(TimeProvider time, IOptions<MicronOptions> options)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public Entry For(ServiceInstance instance) => _entries.GetOrAdd(instance.Id, static (_, state) => new Entry(state.time, state.options), (time, options: options.Value));

    /// <summary>
    /// Chooses among the instances not tried and not broken, by the configured policy (round robin, or fewest calls in
    /// flight); <paramref name="remoteOnly"/> also skips this host's own instances. Allocates nothing.
    /// </summary>
    public ServiceInstance? Choose(ServiceRegistry registry, string service, IReadOnlyList<ServiceInstance> tried, bool remoteOnly = false)
    {
        var instances = registry.InstancesOf(service);
        var count = instances.Count;
        if (count == 0)
        {
            return null;
        }

        if (string.Equals(options.Value.LoadBalancing, "LeastInFlight", StringComparison.OrdinalIgnoreCase))
        {
            ServiceInstance? best = null;
            var fewest = int.MaxValue;
            for (var i = 0; i < count; i++)
            {
                var candidate = instances[i];
                if (Usable(candidate, tried, remoteOnly) && For(candidate).InFlight is var inFlight && inFlight < fewest)
                {
                    (best, fewest) = (candidate, inFlight);
                }
            }

            return best;
        }

        var start = registry.NextTurn(service);
        for (var i = 0u; i < count; i++)
        {
            var candidate = instances[(int)((start + i) % (uint)count)];
            if (Usable(candidate, tried, remoteOnly))
            {
                return candidate;
            }
        }

        return null;
    }

    private bool Usable(ServiceInstance candidate, IReadOnlyList<ServiceInstance> tried, bool remoteOnly)
    {
        if ((remoteOnly && candidate.IsLocal) || (_entries.TryGetValue(candidate.Id, out var entry) && entry.IsBroken))
        {
            return false;
        }

        for (var i = 0; i < tried.Count; i++)
        {
            if (string.Equals(tried[i].Id, candidate.Id, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    internal sealed class Entry
    {
        private int _inFlight;

        public Entry(TimeProvider time, MicronOptions options)
        {
            Pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
                .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
                {
                    FailureRatio = 0.5,
                    MinimumThroughput = options.BreakerMinimumCalls,
                    SamplingDuration = TimeSpan.FromSeconds(10),
                    BreakDuration = options.BreakDuration,
                    StateProvider = State,
                    ShouldHandle = static args => ValueTask.FromResult(
                        args.Outcome.Exception is HttpRequestException || (int?)args.Outcome.Result?.StatusCode >= 500),
                })
                .Build();
        }

        private (Uri Base, ConcurrentDictionary<string, Uri> Paths) _targets = (new Uri("http://0.0.0.0"), new(StringComparer.Ordinal));

        public int InFlight => Volatile.Read(ref _inFlight);

        /// <summary>The absolute URI of a path on the instance, parsed once per path rather than per call.</summary>
        public Uri Target(Uri baseUri, string path)
        {
            var targets = _targets;
            if (!targets.Base.Equals(baseUri))
            {
                // An id announced again at another address (after it went silent) starts afresh.
                _targets = targets = (baseUri, new ConcurrentDictionary<string, Uri>(StringComparer.Ordinal));
            }

            // Bounded: the gateway forwards clients' paths, which are not a finite set like contract methods.
            return targets.Paths.TryGetValue(path, out var known) ? known
                : targets.Paths.Count < 4096 ? targets.Paths.GetOrAdd(path, static (p, b) => new Uri(b, p), targets.Base)
                : new Uri(targets.Base, path);
        }

        public CircuitBreakerStateProvider State { get; } = new();

        public ResiliencePipeline<HttpResponseMessage> Pipeline { get; }

        public bool IsBroken => State.CircuitState is CircuitState.Open or CircuitState.Isolated;

        public void Enter() => Interlocked.Increment(ref _inFlight);

        public void Leave() => Interlocked.Decrement(ref _inFlight);
    }
}
