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

    /// <summary>Chooses among the instances not tried and not broken, by the configured policy.</summary>
    public ServiceInstance? Choose(ServiceRegistry registry, string service, List<ServiceInstance> tried)
    {
        var excluded = new List<ServiceInstance>(tried);
        foreach (var instance in registry.InstancesOf(service))
        {
            if (_entries.TryGetValue(instance.Id, out var entry) && entry.IsBroken)
            {
                excluded.Add(instance);
            }
        }

        if (!string.Equals(options.Value.LoadBalancing, "LeastInFlight", StringComparison.OrdinalIgnoreCase))
        {
            return registry.Pick(service, excluded);
        }

        ServiceInstance? best = null;
        var fewest = int.MaxValue;
        foreach (var instance in registry.InstancesOf(service))
        {
            if (excluded.Any(e => e.Id == instance.Id))
            {
                continue;
            }

            var inFlight = For(instance).InFlight;
            if (inFlight < fewest)
            {
                (best, fewest) = (instance, inFlight);
            }
        }

        return best;
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
