using System.Text.RegularExpressions;

namespace Micron.Cli.New;

/// <summary>
/// <c>micron new service NAME</c>: writes a service class and its contract, ready to register with
/// <c>AddService&lt;NameService&gt;()</c> and to call locally or remotely.
/// </summary>
internal static partial class ServiceTemplate
{
    /// <summary>Writes <c>NAMEService.cs</c> and <c>INAME.cs</c> into <paramref name="directory"/>; returns their paths.</summary>
    /// <exception cref="CliException">The name is not a C# identifier in PascalCase, or a file already exists.</exception>
    public static IReadOnlyList<string> Write(string name, string directory, string? rootNamespace)
    {
        if (!PascalCase().IsMatch(name))
        {
            throw new CliException($"'{name}' is not a service name: use letters and digits in PascalCase, such as Orders or Billing");
        }

        if (name.EndsWith("Service", StringComparison.Ordinal) && name.Length > "Service".Length)
        {
            name = name[..^"Service".Length]; // `new service OrdersService` means Orders
        }

        Directory.CreateDirectory(directory);
        var ns = rootNamespace ?? NamespaceOf(directory) ?? name;
        var service = name.ToLowerInvariant();
        var files = new (string Path, string Text)[]
        {
            (Path.Combine(directory, $"I{name}.cs"), Contract(ns, name, service)),
            (Path.Combine(directory, $"{name}Service.cs"), Service(ns, name, service)),
        };
        foreach (var (path, _) in files)
        {
            if (File.Exists(path))
            {
                throw new CliException($"{path} already exists; nothing was written");
            }
        }

        foreach (var (path, text) in files)
        {
            File.WriteAllText(path, text);
        }

        return [.. files.Select(static f => f.Path)];
    }

    // The nearest project file names the namespace, as `dotnet new` does.
    private static string? NamespaceOf(string directory)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(directory)); dir is not null; dir = dir.Parent)
        {
            var project = dir.EnumerateFiles("*.csproj").FirstOrDefault();
            if (project is not null)
            {
                var root = Path.GetFileNameWithoutExtension(project.Name).Replace('-', '_');
                var relative = Path.GetRelativePath(dir.FullName, Path.GetFullPath(directory));
                return relative == "." ? root : root + "." + relative.Replace(Path.DirectorySeparatorChar, '.');
            }
        }

        return null;
    }

    private static string Contract(string ns, string name, string service) => $$"""
        using Micron;

        namespace {{ns}};

        /// <summary>What other services may ask of {{service}}, in this process or in another one.</summary>
        [MicronContract("{{service}}")]
        public interface I{{name}}
        {
            /// <summary>Greets someone.</summary>
            /// <param name="name">Who to greet.</param>
            /// <param name="cancellationToken">Cancels the call; a remote call also has a deadline.</param>
            /// <returns>The greeting.</returns>
            Task<string> Hello(string name, CancellationToken cancellationToken = default);
        }

        """;

    private static string Service(string ns, string name, string service) => $$"""
        using Micron.Services;
        using Microsoft.AspNetCore.Builder;

        namespace {{ns}};

        /// <summary>
        /// The {{service}} service. Register it with <c>builder.Services.AddMicron().AddService&lt;{{name}}Service&gt;()</c>;
        /// <c>--services {{service}}</c> decides which host runs it.
        /// </summary>
        public sealed class {{name}}Service : MicronService, I{{name}}
        {
            /// <inheritdoc />
            public override Task InitAsync(CancellationToken cancellationToken) => Task.CompletedTask;

            /// <inheritdoc />
            public Task<string> Hello(string name, CancellationToken cancellationToken = default)
                => Task.FromResult($"Hello, {name}");

            /// <inheritdoc />
            protected override void Map(IServiceRoutes routes)
                => routes.MapGet("/{{service}}/hello/{name}", (string name, CancellationToken cancellationToken) => Hello(name, cancellationToken));
        }

        """;

    [GeneratedRegex("^[A-Z][A-Za-z0-9]*$")]
    private static partial Regex PascalCase();
}
