// Tuning the review fine-tune with Attune: a [TuneSpace] sweep over the LoRA fine-tune of all-MiniLM-L6-v2 (learning
// rate, LoRA rank and alpha, warmup, dropout, layer-wise decay), then the best recipe against the hand-picked defaults
// on the 1,000 held-out test reviews. The study is a SQLite file: running again resumes it and runs only what is missing.
// Usage: dotnet run -c Release --project samples/ReviewsSweep [-- --trials 8 --fresh --train 400 --validation 200]
using System.Diagnostics;
using System.Globalization;
using Attune;
using Attune.Transformers;
using Attune.Reports;
using Attune.Search;
using Attune.FineTuning;
using ReviewsSweep;
using TorchSharp;

var culture = CultureInfo.InvariantCulture;
var options = ReviewSweep.DefaultSweepOptions;
if (ArgValue("--trials") is { } trials) options = options with { Trials = trials };
int trainRows = ArgValue("--train") ?? 400, validationRows = ArgValue("--validation") ?? 200;
const int MaxLength = 64, Seed = 7;
string studyFile = options.Storage!;
string work = Path.GetDirectoryName(studyFile)!;
Directory.CreateDirectory(work);
if (args.Contains("--fresh") && Studies.Delete(options.Storage, options.StudyName!))
    Console.WriteLine($"--fresh: deleted study {options.StudyName} from {studyFile}");
int already = Studies.Load<ReviewSweep>(options)?.Trials.Count(t => t.State is TrialState.Complete or TrialState.Pruned) ?? 0;
Console.WriteLine($"study {options.StudyName} in {studyFile}: target {options.Trials} trials, {already} already done, {options.Sampler} sampler, seed {options.Seed} (a second run resumes it)");

var tokenizer = TextTokenizer.FromPackage(ModelPackage.MiniLM(), new TextTokenizerOptions { ReplaceHtmlLineBreaks = true });
var dataOptions = new TextDataOptions { TextColumn = "review", LabelColumn = "score", MaxLength = MaxLength, MaxPositions = 512, GroupByLength = true };
string data = Path.Combine(AppContext.BaseDirectory, "data", "reviews");
var all = TextClassificationData.FromCsv(Path.Combine(data, "fine_foods_train.csv"), tokenizer, dataOptions);
var (pool, validation) = all.Split(validationRows, Seed);
var train = pool.Split(trainRows, Seed + 1).Validation;
var test = TextClassificationData.FromCsv(Path.Combine(data, "fine_foods_test.csv"), tokenizer, dataOptions with { Labels = all.Labels });
if (ArgValue("--test") is { } testRows && testRows < test.Count) test = test.Take(testRows);   // smoke tests only
Console.WriteLine($"{train.Count} reviews to train, {validation.Count} to validate, {test.Count} held out; at most {MaxLength} tokens each.");

var sampled = new Dictionary<int, ReviewSweep>();
var watch = Stopwatch.StartNew();
var sweep = ReviewSweep.RunSweep(trial =>
{
    var p = trial.Parameters;                                   // typed: a ReviewSweep
    sampled[trial.Number] = p;
    using var model = NewModel(p);
    return model.RunFineTune(train, validation, trial).BestMetric;  // LoraRank, LoraAlpha, LayerDecay, ... bound by name
}, options, new SweepPrinter(sampled));
watch.Stop();

var best = sweep.Best;
var defaults = new ReviewSweep();
var bestTest = TestAccuracy(best.Parameters);
var defaultTest = TestAccuracy(defaults);
sweep.ExportCsv(Path.ChangeExtension(studyFile, ".csv"));
string html = Path.ChangeExtension(studyFile, ".html");
sweep.WriteReport(html, options.Storage);   // the study in a browser
int complete = sweep.Trials.Count(t => t.State == TrialState.Complete), failed = sweep.Trials.Count(t => t.State == TrialState.Failed);
Console.WriteLine();
Console.WriteLine($"Study {sweep.StudyName}: {sweep.Trials.Count} trials ({complete} complete, {failed} failed); {sampled.Count} run now in {watch.Elapsed.TotalSeconds:F0} s.");
Console.WriteLine($"Best trial #{best.Number} (validation accuracy {best.Value:P1}): {best.Parameters}");
Console.WriteLine($"Report (open it in a browser): {html}");
Console.WriteLine($"Held-out test accuracy on {test.Count} reviews (each recipe retrained once):");
Console.WriteLine(string.Create(culture, $"  best swept recipe      {bestTest:P1}"));
Console.WriteLine(string.Create(culture, $"  hand-picked defaults   {defaultTest:P1}: {defaults}"));
Console.WriteLine(string.Create(culture, $"REVIEWSWEEP best_accuracy={bestTest:F4} default_accuracy={defaultTest:F4} complete={complete} failed={failed} run_now={sampled.Count}"));

SweepClassifier NewModel(ReviewSweep p)
{
    torch.manual_seed(Seed);   // the head is initialised at construction, before RunFineTune seeds its own run
    return new SweepClassifier(MiniLM.LoadEncoder(), all.Labels.Count, p.Dropout);
}

double TestAccuracy(ReviewSweep p)
{
    using var model = NewModel(p);
    model.RunFineTune(train, validation, p.ApplyTo(SweepClassifier.FineTuneDefaults));
    model.MergeLora();
    return FineTuner.Evaluate(model, test, batchSize: 64)[Metric.Accuracy];
}

int? ArgValue(string name)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : null;
}

/// <summary>One line per finished trial; synchronous, unlike Progress&lt;T&gt;, so lines stay in order.</summary>
sealed class SweepPrinter(IReadOnlyDictionary<int, ReviewSweep> sampled) : IProgress<SweepProgress>
{
    public void Report(SweepProgress value)
    {
        string parameters = sampled.TryGetValue(value.LastTrialNumber, out var p)
            ? string.Create(CultureInfo.InvariantCulture, $"lr {p.LearningRate:0.###e0}  rank {p.LoraRank,2}  alpha {p.LoraAlpha,2}  warmup {p.WarmupRatio:F2}  dropout {p.Dropout:F2}  decay {p.LayerDecay:F2}")
            : "";
        Console.WriteLine($"  trial {value.LastTrialNumber,2}  {value.LastState,-8}  value {Percent(value.LastValue)}  best {Percent(value.BestValue)} (#{value.BestTrialNumber})  [{value.CompletedTrials}/{value.TargetTrials}]  {parameters}");
    }

    private static string Percent(double? value) => value is { } v ? v.ToString("P1", CultureInfo.InvariantCulture).PadLeft(7) : "      -";
}
