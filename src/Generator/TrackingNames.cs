namespace Attune.Generator
{
    /// <summary>The names of the pipeline's tracked steps (the cacheability test checks that each is cached).</summary>
    public static class TrackingNames
    {
        public const string FineTuneResults = "Attune.FineTuneResults";
        public const string FineTuneModels = "Attune.FineTuneModels";
        public const string FineTuneDiagnostics = "Attune.FineTuneDiagnostics";
        public const string FreezeUsage = "Attune.FreezeUsage";
        public const string LearningRateUsage = "Attune.LearningRateUsage";
        public const string WeightDecayUsage = "Attune.WeightDecayUsage";
        public const string AnyFineTune = "Attune.AnyFineTune";
        public const string CanInitialize = "Attune.CanInitialize";
        public const string NativeFixEnabled = "Attune.NativeFixEnabled";
        public const string EmitNativeInit = "Attune.EmitNativeInit";
        public const string EmitStorageInit = "Attune.EmitStorageInit";
        public const string SweepObjectiveDiagnostics = "Attune.SweepObjectiveDiagnostics";
        public const string TuneSpaceResults = "Attune.TuneSpaceResults";
        public const string TuneSpaceModels = "Attune.TuneSpaceModels";
        public const string TuneSpaceDiagnostics = "Attune.TuneSpaceDiagnostics";
        public const string LearningRateScaleUsage = "Attune.LearningRateScaleUsage";
        public const string LayerwiseDecayUsage = "Attune.LayerwiseDecayUsage";
        public const string LoraUsage = "Attune.LoraUsage";
        public const string ObjectiveScoreResults = "Attune.ObjectiveScoreResults";
        public const string ObjectiveScoreModels = "Attune.ObjectiveScoreModels";
        public const string ObjectiveScoreDiagnostics = "Attune.ObjectiveScoreDiagnostics";
        public const string ScoredSweepDiagnostics = "Attune.ScoredSweepDiagnostics";
    }
}
