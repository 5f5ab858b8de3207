// One training at a time: the tests share libtorch's threads and the CLI test swaps Console.Out.
[assembly: DoNotParallelize]
