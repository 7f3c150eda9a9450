using System.Diagnostics;

namespace Micron.Benchmarks.Runner;

/// <summary>The gateway's peers in rows 4 and 8: bare YARP (bench/peers/yarp) and Debian's nginx.</summary>
internal sealed partial class BenchRun
{
    /// <summary>
    /// Bare YARP: an ASP.NET Core app that forwards every request with <c>IHttpForwarder</c> to the backend; with
    /// <paramref name="inline"/>, its Kestrel and its sockets run request code on their I/O threads, as a dedicated
    /// Micron gateway's do, so that the two differ by their own code only.
    /// </summary>
    private async Task<(ServerProcess? Server, string Name)> StartYarpAsync(ServerProcess backend, bool inline)
    {
        var directory = Path.Combine(root, "bench", "peers", "yarp", "bin", "Release", "net10.0");
        var peer = Path.Combine(directory, "YarpPeer.dll");
        var yarp = Path.Combine(directory, "Yarp.ReverseProxy.dll");
        var how = inline ? ", inline as the gateway" : string.Empty;
        if (!File.Exists(peer) || !File.Exists(yarp))
        {
            return (null, $"bare YARP{how}: could not run ({peer} is not built; bench/run builds it)");
        }

        var name = $"bare YARP {FileVersionInfo.GetVersionInfo(yarp).ProductVersion?.Split('+')[0]}{how}";
        try
        {
            var server = await ServerProcess.StartAsync(
                Environment.ProcessPath!,
                [peer, "{port}", backend.Url.GetLeftPart(UriPartial.Authority), "--Logging:LogLevel:Default=Warning", .. inline ? (string[])["--inline"] : []],
                "/hello/ready",
                environment: inline ? new Dictionary<string, string> { [Gateway.GatewayProcess.InlineCompletionsVariable] = "1" } : null);
            return (server, name);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException)
        {
            return (null, $"{name}: could not run ({ex.Message.Split('\n')[0]})");
        }
    }

    /// <summary>
    /// Debian's nginx, one worker, <c>proxy_pass</c> to the same backend with upstream keep-alive; with
    /// <paramref name="forwardedHeaders"/>, it also sends <c>X-Forwarded-Proto</c> and <c>X-Forwarded-Host</c>.
    /// </summary>
    private static async Task<(ServerProcess? Server, string Name)> StartNginxAsync(ServerProcess backend, bool forwardedHeaders, List<DirectoryInfo> directories)
    {
        var nginx = File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : null;
        if (nginx is null)
        {
            return (null, "nginx: could not run (not installed; bench/run installs it when run as root)");
        }

        var version = Machine.Version(nginx, "-v")?.Replace("nginx version: ", string.Empty, StringComparison.Ordinal) ?? "nginx";
        var directory = Directory.CreateTempSubdirectory("micron-nginx-");
        directories.Add(directory);
        try
        {
            var config = Path.Combine(directory.FullName, "nginx.conf");
            var server = await ServerProcess.StartAsync(
                nginx,
                ["-p", directory.FullName, "-c", config, "-e", Path.Combine(directory.FullName, "error.log")],
                "/hello/ready",
                prepare: port => File.WriteAllText(config, NginxConfig(directory.FullName, port, backend.Url, forwardedHeaders)));
            return (server, version);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException)
        {
            return (null, $"{version}: could not run ({ex.Message.Split('\n')[0]})");
        }
    }

    private static string NginxConfig(string directory, int port, Uri backend, bool forwardedHeaders) => $$"""
        daemon off;
        master_process off;
        worker_processes 1;
        user root;
        pid {{directory}}/nginx.pid;
        events { worker_connections 4096; }
        http {
          access_log off;
          keepalive_requests 10000000;
          client_body_temp_path {{directory}}/body;
          proxy_temp_path {{directory}}/proxy;
          upstream backend { server {{backend.Authority}}; keepalive 64; keepalive_requests 10000000; }
          server {
            listen 127.0.0.1:{{port}};
            location / {
              proxy_pass http://backend;
              proxy_http_version 1.1;
              proxy_set_header Connection "";
              proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
              {{(forwardedHeaders ? "proxy_set_header X-Forwarded-Proto $scheme; proxy_set_header X-Forwarded-Host $http_host;" : string.Empty)}}
            }
          }
        }
        """;
}
