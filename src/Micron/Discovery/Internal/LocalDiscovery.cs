using System.Text.Json;
using Micron.Security;
using Microsoft.Extensions.Logging;

namespace Micron.Discovery.Internal;

/// <summary>
/// <c>--discovery local</c>, zero configuration on one machine: each instance keeps its announcement in a file of a
/// directory shared by every host with the same secret (<c>$TMPDIR/micron-local/&lt;key id&gt;/</c>), rewritten
/// every heartbeat and deleted when it leaves. Hosts read the directory every heartbeat.
/// </summary>
internal sealed partial class LocalDiscovery(ServiceRegistry registry, MicronKeyRing keys, TimeProvider time, ILogger<LocalDiscovery> logger) : IDiscoveryProvider
{
    private readonly HashSet<string> _own = new(StringComparer.Ordinal);
    private Dictionary<string, Announcement> _read = new(StringComparer.Ordinal);

    public string Name => "local";

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "micron-local", keys.Signing.Id);

    public async Task ListenAsync(TimeSpan pause, CancellationToken cancellationToken)
    {
        var read = new Dictionary<string, Announcement>(StringComparer.Ordinal);
        var files = System.IO.Directory.Exists(Directory) ? System.IO.Directory.EnumerateFiles(Directory, "*.json") : [];
        foreach (var file in files)
        {
            var instance = Path.GetFileNameWithoutExtension(file);
            if (_own.Contains(instance))
            {
                continue;
            }

            try
            {
                await using var stream = File.OpenRead(file);
                var announcement = await JsonSerializer.DeserializeAsync<Announcement>(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (announcement is null || announcement.Instance != instance)
                {
                    LogMalformed(logger, file, "the file's name is not the instance id it holds");
                    continue;
                }

                // A file not rewritten within its ttl (plus the time this host was paused and could not have read it) is
                // an instance gone silent: the registry evicts it for its silence. Only a file that is gone is a leave.
                var silence = time.GetUtcNow() - File.GetLastWriteTimeUtc(file);
                if (silence <= TimeSpan.FromMilliseconds(announcement.Ttl) + pause)
                {
                    registry.Apply(announcement);
                    read[instance] = announcement;
                }
                else if (silence > TimeSpan.FromMinutes(1))
                {
                    File.Delete(file); // left behind by an instance that crashed
                }
                else if (_read.ContainsKey(instance))
                {
                    read[instance] = announcement; // silent, not gone
                }
            }
            catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
            {
                // A file being replaced, or one some other program wrote: skip it this heartbeat.
                LogMalformed(logger, file, ex.Message);
                if (_read.TryGetValue(Path.GetFileNameWithoutExtension(file), out var previous))
                {
                    read[previous.Instance] = previous; // unreadable this time (being replaced): not a leave
                }
            }
        }

        // A file that is gone was deleted by its instance when it left: tell the registry now, not after the ttl.
        foreach (var (instance, announcement) in _read)
        {
            if (!read.ContainsKey(instance))
            {
                registry.Apply(announcement with { Leave = true });
            }
        }

        _read = read;
    }

    public async Task AnnounceAsync(IReadOnlyList<Announcement> announcements, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        foreach (var announcement in announcements)
        {
            var path = Path.Combine(Directory, announcement.Instance + ".json");
            if (announcement.Leave)
            {
                _own.Remove(announcement.Instance);
                File.Delete(path);
                RemoveFolderIfEmpty();
                continue;
            }

            _own.Add(announcement.Instance);
            var bytes = JsonSerializer.SerializeToUtf8Bytes(announcement);
            try
            {
                await WriteAsync(path, bytes, cancellationToken).ConfigureAwait(false);
            }
            catch (DirectoryNotFoundException)
            {
                // The last other host of this secret removed the folder as it left: make it again.
                System.IO.Directory.CreateDirectory(Directory);
                await WriteAsync(path, bytes, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task WriteAsync(string path, byte[] bytes, CancellationToken cancellationToken)
    {
        var temporary = path + ".tmp";
        await File.WriteAllBytesAsync(temporary, bytes, cancellationToken).ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);
    }

    // The last host of a secret to leave takes the folder with it (a host that just created it recreates it).
    private void RemoveFolderIfEmpty()
    {
        try
        {
            if (!System.IO.Directory.EnumerateFileSystemEntries(Directory).Any())
            {
                System.IO.Directory.Delete(Directory);
            }
        }
        catch (IOException)
        {
            // Another host wrote its file in between: the folder is in use.
        }
    }

    [LoggerMessage(EventId = 50, Level = LogLevel.Debug, Message = "Skipped announcement file {File}: {Reason}")]
    private static partial void LogMalformed(ILogger logger, string file, string reason);
}
