// Hyperparameter search with Attune, on the Digits sample's fine-tune (UCI digits, CC BY 4.0).
//   1. pretrain a network on digits 0-4 once (cached under .attune/digits-sweep/);
//   2. sweep the few-shot fine-tune on digits 5-9 over [TuneSpace] DigitSweep: TPE sampler, ASHA pruner, each trial a
//      fresh model built from the trial's Hidden/Dropout with the pretrained first layer loaded and frozen;
//   3. compare the best recipe with the hand-picked defaults (new DigitSweep()) on the held-out images.
// The study is a SQLite file: running again resumes it and only runs the trials still missing.
// Usage: dotnet run --project samples/DigitsSweep [-- --trials 24 --fresh]
using System.Diagnostics;
using System.Globalization;
using Attune;
using Attune.FineTuning;
using Attune.Reports;
using Attune.Search;
using Digits;
using DigitsSweep;
using TorchSharp;
using static TorchSharp.torch;

const int Shots = 10, Seed = 1;
var options = DigitSweep.DefaultSweepOptions;
if (ArgValue("--trials") is { } trials) options = options with { Trials = trials };
string studyFile = options.Storage!;                    // ".attune/digits-sweep/study.db", from [TuneSpace(Storage = ...)]
string studyName = options.StudyName!;                  // the space's full name unless [TuneSpace(StudyName = ...)] says otherwise
string work = Path.GetDirectoryName(studyFile)!;
Directory.CreateDirectory(work);
torch.set_num_threads(1);  // small models run faster on one thread than on two here

// --fresh deletes this study (and only it) from the study file; the API never leaves an empty file behind.
if (args.Contains("--fresh") && Studies.Delete(options.Storage, studyName))
    Console.WriteLine($"--fresh: deleted study {studyName} from {studyFile}");

// A first look at the study: what an earlier run left (the sweep itself would resume without this).
var earlier = Studies.Load<DigitSweep>(options);
int done = earlier?.Trials.Count(t => t.State is TrialState.Complete or TrialState.Pruned) ?? 0;
int pruned = earlier?.Trials.Count(t => t.State == TrialState.Pruned) ?? 0;
int failed = earlier?.Trials.Count(t => t.State == TrialState.Failed) ?? 0;
Console.WriteLine(done + failed > 0
    ? $"resuming study {studyName}: {done} trials already complete ({pruned} of them pruned, {failed} failed) in {studyFile}; target {options.Trials}, {Math.Max(0, options.Trials - done)} to run"
    : $"new study {studyName} in {studyFile}: {options.Trials} trials, {options.Sampler} sampler, {options.Pruner} pruner, seed {options.Seed}");

// 1. Pretrain on digits 0-4 once: the Digits sample's network and split; the weights are cached.
var all = DigitsData.Load(Path.Combine(AppContext.BaseDirectory, "data", "digits.csv.gz"));
var (firstHalf, secondHalf) = (all.Where(d => d.Label < 5).ToList(), all.Where(d => d.Label >= 5).ToList());
string pretrainedFile = Path.Combine(work, "pretrained-0to4.bin");
if (File.Exists(pretrainedFile))
    Console.WriteLine($"Pretrained weights: cached {pretrainedFile}");
else
{
    torch.manual_seed(Seed);
    var (pretrainValidation, pretrainTrain) = DigitsData.TakePerClass(firstHalf, perClass: 36, Seed);
    using var pretrain = new PretrainNetwork();
    var report = pretrain.RunFineTune(DigitsData.ToDataset(pretrainTrain), DigitsData.ToDataset(pretrainValidation));
    pretrain.save(pretrainedFile);
    Console.WriteLine($"Pretrained on {firstHalf.Count} images of 0-4: validation accuracy {report.BestMetric:P1} -> {pretrainedFile}");
}

// 2. The few-shot task, as in samples/Digits: digits 5-9 relabelled 0-4; 10 per class to train, 10 to validate, rest held out.
var task = FewShotTask.From(secondHalf, Shots, Seed);
var (trainSet, validationSet, heldOutSet) = (task.Train, task.Validation, task.HeldOut);
Console.WriteLine(task.Describe());

var sampled = new Dictionary<int, DigitSweep>();        // this run's trials, for the progress lines
var watch = Stopwatch.StartNew();
var sweep = DigitSweep.RunSweep(trial =>
{
    var p = trial.Parameters;                            // a DigitSweep: typed, no string keys
    sampled[trial.Number] = p;
    using var model = NewModel(p);
    return model.RunFineTune(trainSet, validationSet, trial).BestMetric;   // options from trial.Parameters; every epoch reported to ASHA
}, options, new SweepPrinter(sampled));
watch.Stop();

// 3. The best recipe against the hand-picked defaults, both retrained once (seeded: the best reproduces its trial).
var best = sweep.Best;
var defaults = new DigitSweep();
var (bestAccuracy, bestValidation) = HeldOut(best.Parameters);
var (defaultAccuracy, defaultValidation) = HeldOut(defaults);
int complete = sweep.Trials.Count(t => t.State == TrialState.Complete);
int prunedNow = sweep.Trials.Count(t => t.State == TrialState.Pruned);
int failedNow = sweep.Trials.Count(t => t.State == TrialState.Failed);
string csv = Path.ChangeExtension(studyFile, ".csv"), json = Path.ChangeExtension(studyFile, ".json"), html = Path.ChangeExtension(studyFile, ".html");
sweep.ExportCsv(csv);
sweep.ExportJson(json);
sweep.WriteReport(html, options.Storage);   // the study in a browser: history, importances, ASHA's pruning, every trial

Console.WriteLine();
Console.WriteLine($"Study {sweep.StudyName}: {sweep.Trials.Count} trials ({complete} complete, {prunedNow} pruned, {failedNow} failed); {sampled.Count} run now in {watch.Elapsed.TotalSeconds:F1} s.");
Console.WriteLine($"Best trial #{best.Number} (validation accuracy {best.Value:P1}): {best.Parameters}");
Console.WriteLine($"Held-out accuracy on {task.HeldOutCount} images of digits 5-9:");
Console.WriteLine($"  best swept recipe      {bestAccuracy,7:P1}   (validation {bestValidation:P1} when retrained)");
Console.WriteLine($"  hand-picked defaults   {defaultAccuracy,7:P1}   (validation {defaultValidation:P1}): {defaults}");
Console.WriteLine($"Exported {csv} and {json}; the report (open it in a browser): {html}");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"SWEEP best_accuracy={bestAccuracy:F4} default_accuracy={defaultAccuracy:F4} complete={complete} pruned={prunedNow} failed={failedNow}"));

SweepClassifier NewModel(DigitSweep p)
{
    torch.manual_seed(Seed);   // weights are initialised at construction, before RunFineTune seeds its own run
    var model = new SweepClassifier(classes: 5, p.Hidden, p.Dropout);
    model.LoadPretrained(pretrainedFile, skip: SweepClassifier.NotPretrained);
    return model;
}

(double HeldOut, double Validation) HeldOut(DigitSweep p)
{
    using var model = NewModel(p);
    var report = model.RunFineTune(trainSet, validationSet, p.ApplyTo(SweepClassifier.FineTuneDefaults));
    return (DigitsData.Accuracy(model, heldOutSet), report.BestMetric);
}

int? ArgValue(string name)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : null;
}

/// <summary>One line per finished trial; synchronous, unlike Progress&lt;T&gt;, so lines stay in order.</summary>
sealed class SweepPrinter(IReadOnlyDictionary<int, DigitSweep> sampled) : IProgress<SweepProgress>
{
    public void Report(SweepProgress value)
    {
        string parameters = sampled.TryGetValue(value.LastTrialNumber, out var p)
            ? string.Create(CultureInfo.InvariantCulture, $"lr {p.LearningRate:0.####e0}  batch {p.BatchSize,2}  hidden {p.Hidden,3}  dropout {p.Dropout:F2}  {p.Optimizer}{(p.Optimizer == OptimizerKind.Sgd ? $" momentum {p.Momentum:F2}" : "")}")
            : "";
        Console.WriteLine($"  trial {value.LastTrialNumber,2}  {value.LastState,-8}  value {Percent(value.LastValue)}  best {Percent(value.BestValue)} (#{value.BestTrialNumber})  [{value.CompletedTrials}/{value.TargetTrials}]  {parameters}");
    }

    private static string Percent(double? value) => value is { } v ? v.ToString("P1", CultureInfo.InvariantCulture).PadLeft(7) : "      -";
}
