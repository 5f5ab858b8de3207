// The tests swap Console.Out and Console.Error to read what a command printed.
[assembly: DoNotParallelize]
