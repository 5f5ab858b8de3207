return AlexNet.Training.Cli.Commands.Run(args);
