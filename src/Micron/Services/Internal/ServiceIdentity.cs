using System.Collections.Concurrent;
using System.Reflection;
using System.Text;

namespace Micron.Services.Internal;

/// <summary>A service type's name and version, known without creating the service.</summary>
internal sealed record ServiceIdentity(string Name, string Version)
{
    private static readonly ConcurrentDictionary<Type, ServiceIdentity> Cache = new();

    /// <exception cref="ArgumentException">The name given or derived is not a valid service name.</exception>
    public static ServiceIdentity Of(Type serviceType) => Cache.GetOrAdd(serviceType, static type =>
    {
        var declared = type.GetCustomAttribute<MicronServiceAttribute>(inherit: false);
        var name = declared?.Name ?? NameFromType(type.Name);
        if (!IsValidName(name))
        {
            throw new ArgumentException(
                $"'{name}' (service {type.Name}) is not a valid service name: use letters, digits, '-', '_' and '.', starting with a letter.");
        }

        return new ServiceIdentity(name, string.IsNullOrWhiteSpace(declared?.Version) ? VersionOf(type.Assembly) : declared.Version);
    });

    public static bool IsValidName(string name)
    {
        if (name.Length == 0 || !char.IsAsciiLetter(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    // AccountService -> account, OrderHistoryService -> order-history, HTTPGatewayService -> http-gateway.
    internal static string NameFromType(string typeName)
    {
        var tick = typeName.IndexOf('`', StringComparison.Ordinal);
        var name = tick < 0 ? typeName : typeName[..tick];
        if (name.Length > "Service".Length && name.EndsWith("Service", StringComparison.Ordinal))
        {
            name = name[..^"Service".Length];
        }

        var words = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var boundary = i > 0 && char.IsUpper(c)
                && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1])));
            if (boundary)
            {
                words.Append('-');
            }

            words.Append(char.ToLowerInvariant(c));
        }

        return words.ToString();
    }

    private static string VersionOf(Assembly assembly)
    {
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (!string.IsNullOrEmpty(informational))
        {
            var plus = informational.IndexOf('+', StringComparison.Ordinal);
            return plus < 0 ? informational : informational[..plus];
        }

        return assembly.GetName().Version?.ToString(3) ?? "0.0.0";
    }
}
