using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using Micron.Cli.New;
using Micron.Cli.Run;
using System.Text.Json;
using Spectre.Console;

namespace Micron.Cli;

/// <summary>
/// <c>micron run --service-dir DIR</c>, <c>micron ls</c>, <c>micron call service.Method ARGS</c>, <c>micron act PATTERN PAYLOAD</c> against a running host's
/// internal endpoints, authenticated with the shared secret (see <c>docs/cli.md</c>).
/// </summary>
internal static class MicronCli
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var url = new Option<string>("--url", "-u")
        {
            Description = "The host to ask",
            Recursive = true,
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MICRON_URL") ?? "http://127.0.0.1:3000",
        };
        var secret = new Option<string?>("--secret") { Description = "The shared secret (else MICRON_SECRET, else the machine's key file)", Recursive = true };

        var ls = new Command("ls", "List the services and instances a host knows, with their health");
        ls.SetAction(async (parse, ct) => await Run(error, async () =>
        {
            using var client = InternalClient.Create(parse.GetValue(url)!, parse.GetValue(secret));
            Render(output, await client.ServicesAsync(ct));
        }));

        var target = new Argument<string>("service.Method") { Description = "The contract method, for example account.GetUserById" };
        var callArgs = new Argument<string>("args") { Description = "Arguments as a JSON object by name ({\"id\":1}), or positional (1, or [1,\"x\"])", DefaultValueFactory = _ => "{}" };
        var call = new Command("call", "Call a contract method of a service") { target, callArgs };
        call.SetAction(async (parse, ct) => await Run(error, async () =>
        {
            using var client = InternalClient.Create(parse.GetValue(url)!, parse.GetValue(secret));
            await output.WriteLineAsync(await client.CallAsync(parse.GetValue(target)!, parse.GetValue(callArgs)!, ct));
        }));

        var pattern = new Argument<string>("pattern") { Description = "The pattern, for example multiply or role:math,cmd:multiply" };
        var payload = new Argument<string>("payload") { Description = "The payload as JSON", DefaultValueFactory = _ => "null" };
        var act = new Command("act", "Act on a pattern") { pattern, payload };
        act.SetAction(async (parse, ct) => await Run(error, async () =>
        {
            using var client = InternalClient.Create(parse.GetValue(url)!, parse.GetValue(secret));
            await output.WriteLineAsync(await client.ActAsync(parse.GetValue(pattern)!, parse.GetValue(payload)!, ct));
        }));

        var name = new Argument<string>("NAME") { Description = "The service's name in PascalCase, for example Orders" };
        var directory = new Option<string>("--output", "-o") { Description = "Where to write the files", DefaultValueFactory = _ => "." };
        var ns = new Option<string?>("--namespace") { Description = "The namespace (default: from the nearest project file)" };
        var newService = new Command("service", "Write a service class and its contract") { name, directory, ns };
        newService.SetAction(async (parse, ct) => await Run(error, async () =>
        {
            foreach (var file in ServiceTemplate.Write(parse.GetValue(name)!, parse.GetValue(directory)!, parse.GetValue(ns)))
            {
                await output.WriteLineAsync("created " + file);
            }
        }));
        var @new = new Command("new", "Create Micron code from a template") { newService };

        var run = RunCommand.Create(secret, error);
        var gateway = GatewayCommand.Create(secret);
        var root = new RootCommand("Micron: services that run as one monolith or as many microservices") { url, secret, ls, call, act, run, gateway, @new };
        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new HostHelpAction((SynchronousCommandLineAction)help.Action!, run, gateway);

        // No termination timeout: on SIGTERM a host run by `micron run` leaves, drains and stops by itself.
        return await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null });
    }

    private static async Task<int> Run(TextWriter error, Func<Task> action)
    {
        try
        {
            await action();
            return 0;
        }
        catch (CliException ex)
        {
            await error.WriteLineAsync("micron: " + ex.Message);
            return 1;
        }
        catch (HttpRequestException ex)
        {
            await error.WriteLineAsync("micron: cannot reach the host: " + ex.Message);
            return 1;
        }
    }

    private static void Render(TextWriter output, JsonElement services)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(output) });
        console.Profile.Width = Math.Max(Console.IsOutputRedirected ? 0 : Console.WindowWidth, 160); // a table is only useful unwrapped
        var table = new Table().AddColumns("service", "version", "instance", "url", "where", "status", "last seen");
        foreach (var instance in services.GetProperty("instances").EnumerateArray())
        {
            table.AddRow(
                Markup.Escape(instance.GetProperty("service").GetString()!),
                Markup.Escape(instance.GetProperty("version").GetString()!),
                Markup.Escape(instance.GetProperty("instance").GetString()!),
                Markup.Escape(instance.GetProperty("url").GetString()!),
                instance.GetProperty("local").GetBoolean() ? "this host" : "remote",
                Markup.Escape(instance.GetProperty("status").GetString()!),
                $"{instance.GetProperty("lastSeenMs").GetInt64()} ms ago");
        }

        console.Write(table);
    }
}
