// Child processes and memory measurements must not share the two cores with each other.
[assembly: DoNotParallelize]
