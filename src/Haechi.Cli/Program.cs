using Haechi.Cli;

return await HaechiCommand.RunAsync(args, CliConsole.FromProcess()).ConfigureAwait(false);
