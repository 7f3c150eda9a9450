using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Micron.Services;
using Microsoft.Extensions.DependencyInjection;

namespace Micron.Cli.Run;

/// <summary>
/// The services built into a folder (micromono's <c>--service-dir</c>): every assembly in the folder, or in one of its
/// immediate subfolders (one publish output each), that references Micron. An assembly's public
/// <see cref="IMicronModule"/>s register its services; an assembly without one has every concrete
/// <see cref="MicronService"/> it declares registered.
/// </summary>
internal sealed class ServiceDirectory
{
    private readonly List<Assembly> _assemblies;

    private ServiceDirectory(List<Assembly> assemblies) => _assemblies = assemblies;

    public IReadOnlyList<Assembly> Assemblies => _assemblies;

    /// <exception cref="CliException">The folder does not exist or holds no Micron services.</exception>
    public static ServiceDirectory Load(string path)
    {
        var root = Path.GetFullPath(path);
        if (!Directory.Exists(root))
        {
            throw new CliException($"service directory '{path}' not found");
        }

        var assemblies = new List<Assembly>();
        foreach (var folder in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal).Prepend(root))
        {
            ServiceLoadContext? context = null;
            foreach (var file in Directory.EnumerateFiles(folder, "*.dll").Order(StringComparer.Ordinal))
            {
                if (!ServiceLoadContext.IsShippedWithTheTool(Path.GetFileNameWithoutExtension(file)) && ReferencesMicron(file))
                {
                    context ??= new ServiceLoadContext(folder);
                    assemblies.Add(context.LoadService(file));
                }
            }
        }

        if (assemblies.Count == 0)
        {
            throw new CliException($"no assembly in '{path}' references Micron");
        }

        return new ServiceDirectory(assemblies);
    }

    /// <summary>Registers the folder's services with a host.</summary>
    /// <exception cref="CliException">No service was found.</exception>
    public void Register(IMicronBuilder micron)
    {
        var found = false;
        foreach (var assembly in _assemblies)
        {
            var types = ExportedTypes(assembly);
            var modules = Array.FindAll(types, static t => typeof(IMicronModule).IsAssignableFrom(t) && !t.IsAbstract && t.GetConstructor(Type.EmptyTypes) is not null);
            if (modules.Length > 0)
            {
                foreach (var module in modules)
                {
                    ((IMicronModule)Activator.CreateInstance(module)!).Configure(micron);
                }

                found = true;
                continue;
            }

            foreach (var service in Array.FindAll(types, static t => t.IsSubclassOf(typeof(MicronService)) && !t.IsAbstract))
            {
                micron.AddService(service);
                found = true;
            }
        }

        if (!found)
        {
            throw new CliException($"no Micron service found in {string.Join(", ", _assemblies.Select(a => a.GetName().Name))}");
        }
    }

    private static Type[] ExportedTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetExportedTypes();
        }
        catch (Exception ex) when (ex is ReflectionTypeLoadException or FileNotFoundException or FileLoadException)
        {
            throw new CliException($"cannot load the types of {assembly.GetName().Name}: {ex.Message}");
        }
    }

    // Reads the references from the metadata, so folders full of other libraries are not loaded to find out.
    private static bool ReferencesMicron(string file)
    {
        try
        {
            using var stream = File.OpenRead(file);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
            {
                return false;
            }

            var metadata = pe.GetMetadataReader();
            if (!metadata.IsAssembly || metadata.GetString(metadata.GetAssemblyDefinition().Name) == "Micron")
            {
                return false;
            }

            foreach (var handle in metadata.AssemblyReferences)
            {
                if (metadata.GetString(metadata.GetAssemblyReference(handle).Name) == "Micron")
                {
                    return true;
                }
            }

            return false;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}
