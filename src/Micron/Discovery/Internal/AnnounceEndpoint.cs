using System.Text.Json;
using Micron.Hosting;
using Micron.Http;
using Micron.Http.Internal;
using Micron.Rpc.Internal;
using Microsoft.Extensions.Options;

namespace Micron.Discovery.Internal;

/// <summary>
/// <c>POST /_micron/announce</c>: takes in a JSON array of announcements (or one) and answers with what this host
/// knows, so the announcer learns the group (see <c>docs/spec/announcement.md</c>).
/// </summary>
internal sealed class AnnounceEndpoint(ServiceRegistry registry, IOptions<MicronOptions> options)
{
    public async Task HandleAsync(HttpContext context)
    {
        var body = await context.Request.ReadBufferAsync(options.Value.MaxMessageSize, context.RequestAborted).ConfigureAwait(false);
        var json = MicroResponse.JsonOptions(context);
        List<Announcement> announcements;
        try
        {
            using var document = JsonDocument.Parse(body);
            announcements = document.RootElement.ValueKind switch
            {
                JsonValueKind.Array => document.RootElement.Deserialize<List<Announcement>>(json) ?? [],
                JsonValueKind.Object => [document.RootElement.Deserialize<Announcement>(json)!],
                _ => throw new JsonException("not an announcement"),
            };
        }
        catch (JsonException ex)
        {
            throw new HttpError(StatusCodes.Status400BadRequest, "the body must be an announcement or an array of announcements", RpcHeaders.InvalidEnvelope, ex);
        }

        var rejected = new List<PeerDiscovery.Rejection>();
        foreach (var announcement in announcements)
        {
            if (registry.Apply(announcement) is { } reason)
            {
                rejected.Add(new PeerDiscovery.Rejection(announcement.Instance, reason));
            }
        }

        var known = registry.All.Select(static i => i.Announcement).ToList();
        await MicroResponse.WriteAsync(context, new PeerDiscovery.AnnounceAnswer(announcements.Count - rejected.Count, rejected, known)).ConfigureAwait(false);
    }
}
