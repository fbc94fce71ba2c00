namespace Attune.Generator.Common
{
    /// <summary>Which way a built-in metric is better, by its enum member name (the runtime's
    /// <c>FineTuneOptions.EffectiveDirection</c> says the same), for the checks that compare a direction with a metric.</summary>
    internal static class MetricDirections
    {
        /// <summary>"Maximize" or "Minimize"; null for <c>Metric.Custom</c> (the user says) or an unknown member.</summary>
        public static string? Better(string metric) => metric switch
        {
            "Accuracy" or "MacroF1" or "R2" => "Maximize",
            "Mse" or "Mae" or "Loss" => "Minimize",
            _ => null,
        };

        /// <summary>"larger" for Maximize, "smaller" for Minimize, as messages say it.</summary>
        public static string Words(string direction) => direction == "Maximize" ? "larger" : "smaller";
    }
}
