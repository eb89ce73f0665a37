using Xunit;

// The relays of this suite measure timing and memory and stop PostgreSQL under load: one test at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
