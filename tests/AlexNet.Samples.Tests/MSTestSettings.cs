// The samples share one short training run and two CPU cores; run them one at a time.
[assembly: DoNotParallelize]
