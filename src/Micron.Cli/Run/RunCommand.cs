using System.CommandLine;
using Micron.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Micron.Cli.Run;

/// <summary>
/// <c>micron run --service-dir DIR [host flags]</c>: a Micron host running the services built into a folder. Every flag
/// it does not know itself (<c>--services</c>, <c>--listen</c>, <c>--discovery</c>, ...) goes to the host unchanged.
/// </summary>
internal static class RunCommand
{
    public static Command Create(Option<string?> secret, TextWriter error)
    {
        var serviceDir = new Option<string>("--service-dir", "-d")
        {
            Description = "The folder holding the services' assemblies (a build or publish output, or one per subfolder)",
            Required = true,
        };
        var run = new Command("run", "Run the services built into a folder as a Micron host; other flags go to the host") { serviceDir };
        run.TreatUnmatchedTokensAsErrors = false;
        run.SetAction(async (parse, ct) =>
        {
            ServiceDirectory directory;
            try
            {
                directory = ServiceDirectory.Load(parse.GetValue(serviceDir)!);
            }
            catch (CliException ex)
            {
                await error.WriteLineAsync("micron: " + ex.Message);
                return 1;
            }

            List<string> hostArgs = [.. parse.UnmatchedTokens];
            if (!hostArgs.Exists(static a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase)))
            {
                // The services' folder holds their appsettings.json and wwwroot, as their own project folder would.
                hostArgs.AddRange(["--contentRoot", Path.GetFullPath(parse.GetValue(serviceDir)!)]);
            }

            if (parse.GetValue(secret) is { } given)
            {
                hostArgs.AddRange(["--secret", given]);
            }

            var builder = MicronApplication.CreateBuilder([.. hostArgs]);
            try
            {
                directory.Register(builder.Services.AddMicron());
            }
            catch (Exception ex) when (ex is CliException or InvalidOperationException or ArgumentException)
            {
                await error.WriteLineAsync("micron: " + ex.Message);
                return 1;
            }

            Environment.ExitCode = 0;
            await builder.Build().RunAsync(ct);
            return Environment.ExitCode;
        });
        return run;
    }
}
