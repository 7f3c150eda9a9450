using System.Diagnostics;
using Micron.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Micron.Services.Internal;

/// <summary>
/// Runs every local service's <see cref="MicronService.InitAsync"/> in dependency order before any hosted service
/// starts, so the server accepts no traffic until all services are ready.
/// </summary>
internal sealed partial class ServiceInitializer(LocalServices services, ILogger<ServiceInitializer> logger) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        foreach (var service in services.InInitOrder)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await service.InitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                throw new MicronStartupException($"service '{service.Name}' failed to initialize: {ex.Message}", ex);
            }

            LogInitialized(logger, service.Name, service.Version, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Service {Service} {Version} initialized in {Milliseconds:0.0} ms")]
    private static partial void LogInitialized(ILogger logger, string service, string version, double milliseconds);
}
