using Haechi.Cli;

return HaechiCommand.Run(args, CliConsole.FromProcess());
