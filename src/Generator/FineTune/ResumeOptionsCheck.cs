
namespace Attune.Generator.FineTune
{
    /// <summary>AT0024: <c>Resume = true</c> reads the run from CheckpointDirectory, so it needs one.</summary>
    internal static class ResumeOptionsCheck
    {
        public static void Check(ParsedOptions options, DiagnosticBag diagnostics)
        {
            if (options.Arguments.Raw("Resume") is not true)
                return;
            // A directory given by an expression with a compile error is reported by the compiler.
            if (options.Arguments.HasCompileError("CheckpointDirectory"))
                return;
            if (string.IsNullOrEmpty(options.Arguments.String("CheckpointDirectory")))
                diagnostics.Add(DiagnosticDescriptors.ResumeWithoutDirectory, options.Arguments.ArgumentLocation("Resume"));
        }
    }
}
