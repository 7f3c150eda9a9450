using Micron.Dashboard.Internal;
using Micron.Discovery;
using Micron.Discovery.Internal;
using Micron.Http;
using Micron.Patterns.Internal;
using Micron.Rpc.Internal;
using Micron.Services.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Micron.Hosting.Internal;

/// <summary>The internal endpoints under <c>/_micron/</c> (see <c>docs/spec/README.md</c>).</summary>
internal static class InternalEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/_micron").ExcludeFromDescription();
        group.MapGet("/health/alive", static () => Results.Text("ok"));
        group.MapGet("/health/ready", static (LocalServices services, ServiceRegistry registry) =>
        {
            var missing = services.Required.Where(s => registry.InstancesOf(s).Count == 0).ToList();
            return missing.Count == 0
                ? Results.Text("ok")
                : throw new HttpError(StatusCodes.Status503ServiceUnavailable, $"no healthy instance of: {string.Join(", ", missing)}", RpcHeaders.ServiceUnavailable);
        });
        group.MapGet("/services", static (LocalServices services, ServiceRegistry registry, TimeProvider time) => new
        {
            local = services.All.Select(static s => new { service = s.Registration.Name, version = s.Registration.Identity.Version }),
            instances = registry.All.OrderBy(static i => i.Service).ThenBy(static i => i.Id).Select(i => new
            {
                service = i.Service,
                version = i.Announcement.Version,
                instance = i.Id,
                url = i.Announcement.Url,
                local = i.IsLocal,
                status = "up",
                lastSeenMs = (long)(time.GetUtcNow() - i.LastSeen).TotalMilliseconds,
                contract = i.Announcement.Contract,
                patterns = i.Announcement.Patterns,
            }),
        });
        group.MapPost("/rpc/{service}/{method}", static (HttpContext context, RpcEndpoint rpc) => rpc.HandleAsync(context));
        group.MapPost("/act", static (HttpContext context, ActEndpoint act) => act.HandleAsync(context));
        group.MapPost("/announce", static (HttpContext context, AnnounceEndpoint announce) => announce.HandleAsync(context));
        if (app.ServiceProvider.GetRequiredService<IOptions<MicronOptions>>().Value.Dashboard.Enabled)
        {
            DashboardEndpoints.Map(group);
        }
    }
}
