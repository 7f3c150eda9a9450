using System.Text.Json;
using Micron.Hosting;
using Micron.Security;
using Microsoft.Extensions.Logging;

namespace Micron.Discovery.Internal;

/// <summary>
/// <c>--discovery local</c>, zero configuration on one machine: each instance keeps its announcement in a file of a
/// directory shared by every host with the same secret (<c>$TMPDIR/micron-local/&lt;key id&gt;/</c>, mode 0700),
/// rewritten every heartbeat and deleted when it leaves. Hosts read the directory every heartbeat. A file is signed as
/// a discovery datagram is (<see cref="LocalFolder"/>): one nobody with the secret wrote is never taken in.
/// </summary>
internal sealed partial class LocalDiscovery : IDiscoveryProvider
{
    private readonly ServiceRegistry _registry;
    private readonly MicronKeyRing _keys;
    private readonly TimeProvider _time;
    private readonly ILogger<LocalDiscovery> _logger;
    private readonly HashSet<string> _own = new(StringComparer.Ordinal);
    private readonly HashSet<string> _refused = new(StringComparer.Ordinal);
    private Dictionary<string, Announcement> _read = new(StringComparer.Ordinal);
    private bool _unsafeLogged;

    /// <exception cref="MicronStartupException">The folder exists and users other than its owner may write it.</exception>
    public LocalDiscovery(ServiceRegistry registry, MicronKeyRing keys, TimeProvider time, ILogger<LocalDiscovery> logger)
    {
        _registry = registry;
        _keys = keys;
        _time = time;
        _logger = logger;
        Directory = Path.Combine(Path.GetTempPath(), "micron-local", keys.Signing.Id);
        if (LocalFolder.Problem(Directory) is { } problem)
        {
            throw new MicronStartupException(problem);
        }
    }

    public string Name => "local";

    public string Directory { get; }

    public async Task ListenAsync(TimeSpan pause, CancellationToken cancellationToken)
    {
        if (!IsSafe())
        {
            return;
        }

        var read = new Dictionary<string, Announcement>(StringComparer.Ordinal);
        var files = System.IO.Directory.Exists(Directory) ? System.IO.Directory.EnumerateFiles(Directory, "*.json") : [];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var instance = Path.GetFileNameWithoutExtension(file);
            seen.Add(instance);
            if (_own.Contains(instance))
            {
                continue;
            }

            try
            {
                var bytes = await LocalFolder.ReadAsync(file, cancellationToken).ConfigureAwait(false);
                if (LocalFolder.Decode(_keys, bytes, out var signedAt, out var refusal) is not { } announcement)
                {
                    Refuse(file, instance, refusal!);
                    continue;
                }

                if (announcement.Instance != instance)
                {
                    Refuse(file, instance, "the file's name is not the instance id it holds");
                    continue;
                }

                _refused.Remove(instance);

                // A file not rewritten within its ttl (plus the time this host was paused and could not have read it) is
                // an instance gone silent: the registry evicts it for its silence. Only a file that is gone is a leave.
                // The signed time counts too (to the second it was written in), so an old file copied afresh is old.
                var written = Min(File.GetLastWriteTimeUtc(file), signedAt.AddSeconds(1));
                var silence = _time.GetUtcNow() - written;
                if (silence <= TimeSpan.FromMilliseconds(announcement.Ttl) + pause)
                {
                    _registry.Apply(announcement);
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
                // A file being replaced: skip it this heartbeat.
                LogUnreadable(_logger, file, ex.Message);
                if (_read.TryGetValue(instance, out var previous))
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
                _registry.Apply(announcement with { Leave = true });
            }
        }

        _read = read;
        _refused.IntersectWith(seen); // a refused file that is gone may come back, and is then logged again
    }

    public async Task AnnounceAsync(IReadOnlyList<Announcement> announcements, CancellationToken cancellationToken)
    {
        LocalFolder.Create(Directory);
        if (!IsSafe())
        {
            return;
        }

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
            var bytes = LocalFolder.Encode(_keys.Signing, announcement, _time.GetUtcNow());
            try
            {
                await LocalFolder.WriteAsync(path, bytes, cancellationToken).ConfigureAwait(false);
            }
            catch (DirectoryNotFoundException)
            {
                // The last other host of this secret removed the folder as it left: make it again.
                LocalFolder.Create(Directory);
                await LocalFolder.WriteAsync(path, bytes, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // A folder others may write is neither read nor written; said once, not every heartbeat.
    private bool IsSafe()
    {
        if (LocalFolder.Problem(Directory) is not { } problem)
        {
            _unsafeLogged = false;
            return true;
        }

        if (!_unsafeLogged)
        {
            LogUnsafeFolder(_logger, problem);
            _unsafeLogged = true;
        }

        return false;
    }

    private void Refuse(string file, string instance, string reason)
    {
        if (_refused.Add(instance))
        {
            LogRefused(_logger, file, reason);
        }

        if (_time.GetUtcNow() - File.GetLastWriteTimeUtc(file) > TimeSpan.FromMinutes(1))
        {
            File.Delete(file); // left behind, by an older Micron that did not sign, say
        }
    }

    private static DateTimeOffset Min(DateTime a, DateTimeOffset b) => new DateTimeOffset(a, TimeSpan.Zero) < b ? new DateTimeOffset(a, TimeSpan.Zero) : b;

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
    private static partial void LogUnreadable(ILogger logger, string file, string reason);

    [LoggerMessage(EventId = 61, Level = LogLevel.Warning, Message = "Refused announcement file {File}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string file, string reason);

    [LoggerMessage(EventId = 62, Level = LogLevel.Error, Message = "Local discovery stopped: {Problem}")]
    private static partial void LogUnsafeFolder(ILogger logger, string problem);
}
