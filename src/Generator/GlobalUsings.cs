// The generator's own namespaces, used by nearly every file: the shared parsing helpers, the equatable models and the
// diagnostics catalog. The halves (FineTune, TuneSpace, Emit) are imported where they are used.
global using Attune.Generator.Common;
global using Attune.Generator.Diagnostics;
global using Attune.Generator.Model;
