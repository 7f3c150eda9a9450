using System.Net.WebSockets;
using Micron.Benchmarks.Load;

namespace Micron.Benchmarks.Runner;

/// <summary>Row 8: WebSocket messages echoed by row 4's backend, through the gateway against directly and through bare YARP.</summary>
internal sealed partial class BenchRun
{
    private async Task WebSocketRowsAsync(ServerProcess backend, ServerProcess gateway, (ServerProcess? Server, string Name) yarp)
    {
        Log("row 8: WebSocket echo, gateway vs direct vs bare YARP");
        try
        {
            List<Proxy> sides = [EchoThrough("backend directly", "direct", backend, null), EchoThrough("Micron gateway", "gateway", gateway, gateway)];
            if (yarp.Server is { } server)
            {
                sides.Add(EchoThrough(yarp.Name, "YARP", server, server));
            }

            await MeasureInRoundsAsync(sides, backend, Runs, "message");
            var (direct, micron) = (sides[0], sides[1]);
            var peer = sides.Count > 2 ? sides[2] : null;
            string Peer(Func<Proxy, string> show) => peer is null ? yarp.Name : $"{peer.Name}: {show(peer)}";
            var echo = $"WebSocket echo ({WebSocketLoadGenerator.MessageSize}-byte messages, each socket awaiting its echo before the next)";
            _rows.Add(Row("8", $"{echo}: messages/s with 32 sockets, median of the rounds (higher is better; ratios are the median of the rounds' ratios, each round's after it)",
                $"Micron gateway: {micron.Rps:N0}", $"backend directly: {direct.Rps:N0}", Rounds(micron.RoundRps, direct.RoundRps),
                Peer(p => $"{p.Rps:N0} (gateway / {p.Label}: {Rounds(micron.RoundRps, p.RoundRps)})")));
            _rows.Add(Row("8", $"{echo}: p50 us per message with 1 socket, and what the hop adds (lower is better)",
                $"Micron gateway: {micron.P50:N0} ({Added(micron.P50 - direct.P50)})", $"backend directly: {direct.P50:N0}", Rounds(micron.RoundP50, direct.RoundP50),
                Peer(p => $"{p.P50:N0} ({Added(p.P50 - direct.P50)}; gateway - {p.Label}: {AddedOver(micron, p)})")));
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or WebSocketException or HttpRequestException or System.Net.Sockets.SocketException)
        {
            _failures.Add("row 8: " + ex.Message);
            _rows.Add(Row("8", "WebSocket echo", "could not run: " + ex.Message.Split('\n')[0], "-", "-", "-"));
        }
    }

    /// <summary>Echo load on <c>/echo/socket</c> of <paramref name="target"/>, which is <paramref name="proxy"/> or the backend.</summary>
    private Proxy EchoThrough(string name, string label, ServerProcess target, ServerProcess? proxy)
    {
        var socket = new UriBuilder(target.Url) { Scheme = "ws", Path = "/echo/socket" }.Uri;
        return new(name, label, proxy, (sockets, duration) => WebSocketLoadGenerator.EchoAsync(socket, sockets, duration, _cancel));
    }
}
