using System.CommandLine;
using System.CommandLine.Invocation;
using Micron.Hosting.Internal;

namespace Micron.Cli.Run;

/// <summary>
/// <c>--help</c> of the commands that run a host (<c>micron run</c>, <c>micron gateway</c>): the tool's help, then the
/// flags the host takes, since every flag the tool does not know goes to the host.
/// </summary>
internal sealed class HostHelpAction(SynchronousCommandLineAction help, params Command[] hosts) : SynchronousCommandLineAction
{
    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        var code = help.Invoke(parseResult);
        if (Array.IndexOf(hosts, parseResult.CommandResult.Command) >= 0)
        {
            var output = parseResult.InvocationConfiguration.Output;
            output.Write(CommandLineHelp.Options("Host options:", "micron " + parseResult.CommandResult.Command.Name, []));
        }

        return code;
    }
}
