using System.Runtime.CompilerServices;

// The runtime tests check internal pieces (metric accumulators, parameter grouping, the weights-file reader) directly,
// against hand-computed values, without widening the public API for it.
[assembly: InternalsVisibleTo("Attune.Runtime.Tests")]
