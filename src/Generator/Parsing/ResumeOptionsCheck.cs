using System.Collections.Generic;
using Attune.Generator.Diagnostics;
using Attune.Generator.Model;

namespace Attune.Generator.Parsing
{
    /// <summary>AT0024: <c>Resume = true</c> reads the run from CheckpointDirectory, so it needs one.</summary>
    internal static class ResumeOptionsCheck
    {
        public static void Check(ParsedOptions options, List<DiagnosticInfo> diagnostics)
        {
            if (!options.Values.TryGetValue("Resume", out var resume) || resume.Value is not true)
                return;
            // A directory given by an expression with a compile error is reported by the compiler.
            if (options.Arguments.ContainsKey("CheckpointDirectory") && !options.Values.ContainsKey("CheckpointDirectory"))
                return;
            if (string.IsNullOrEmpty(options.StringValue("CheckpointDirectory")))
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ResumeWithoutDirectory, options.ArgumentLocation("Resume")));
        }
    }
}
