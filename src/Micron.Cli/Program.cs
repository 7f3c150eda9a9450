using Micron.Cli;

return await MicronCli.RunAsync(args, Console.Out, Console.Error);
