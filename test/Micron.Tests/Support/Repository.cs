namespace Micron.Tests.Support;

/// <summary>Finds the repository and the built samples next to this test assembly.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>The build configuration of this test run (Debug or Release); samples are built alongside.</summary>
    public static string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    public static string SampleDll(string name)
        => Path.Combine(OutputOf(Path.Combine("samples", name)), name + ".dll");

    /// <summary>The build output folder of a project, for example <c>test/Fixtures/Greeter</c>.</summary>
    public static string OutputOf(string project)
        => Path.Combine(Root, project, "bin", Configuration, "net10.0");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Micron.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Micron.slnx not found above " + AppContext.BaseDirectory);
    }
}
