using System.Reflection;
using System.Runtime.Loader;

namespace Micron.Cli.Run;

/// <summary>
/// Loads the assemblies of one service folder. What the tool itself ships (Micron and its dependencies) and the shared
/// framework come from the tool, so <c>MicronService</c> and the contracts are the same types on both sides; everything
/// else (the services and their own packages, native libraries included) comes from the folder, resolved through each
/// assembly's <c>.deps.json</c> when it has one.
/// </summary>
internal sealed class ServiceLoadContext(string directory) : AssemblyLoadContext("micron:" + directory)
{
    private readonly List<AssemblyDependencyResolver> _resolvers = [];

    public Assembly LoadService(string path)
    {
        _resolvers.Add(new AssemblyDependencyResolver(path));
        return LoadFromAssemblyPath(path);
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (IsShippedWithTheTool(assemblyName))
        {
            return null;
        }

        foreach (var resolver in _resolvers)
        {
            if (resolver.ResolveAssemblyToPath(assemblyName) is { } path)
            {
                return LoadFromAssemblyPath(path);
            }
        }

        var beside = Path.Combine(directory, assemblyName.Name + ".dll");
        return File.Exists(beside) ? LoadFromAssemblyPath(beside) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        foreach (var resolver in _resolvers)
        {
            if (resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } path)
            {
                return LoadUnmanagedDllFromPath(path);
            }
        }

        return IntPtr.Zero;
    }

    private static bool IsShippedWithTheTool(AssemblyName name) => name.Name is not null && IsShippedWithTheTool(name.Name);

    /// <summary>Whether the tool itself has an assembly of this simple name (Micron, its dependencies, the tool).</summary>
    public static bool IsShippedWithTheTool(string simpleName)
        => File.Exists(Path.Combine(AppContext.BaseDirectory, simpleName + ".dll"));
}
