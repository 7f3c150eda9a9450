using Microsoft.Extensions.Hosting;

namespace Micron.Dashboard.Internal;

/// <summary>Looks at the registry every second, so an instance that goes away is listed as down even unwatched.</summary>
internal sealed class DashboardService(InstanceTracker tracker, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                tracker.Update();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
