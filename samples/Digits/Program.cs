// Fine-tuning with Attune, end to end, on real data (UCI digits, CC BY 4.0).
//   1. pretrain a network on digits 0–4 and save it;
//   2. fine-tune it on digits 5–9 from only a few labelled examples per class: backbone frozen, new head;
//   3. train the same network from scratch on the same examples;
//   4. compare held-out accuracy and time.
// Usage: dotnet run --project samples/Digits [-- --shots 10 --seed 1]
using System.Diagnostics;
using System.Globalization;
using Attune;
using Attune.FineTuning;
using Attune.Reports;
using Digits;
using TorchSharp;
using static TorchSharp.torch;

int shots = ArgValue("--shots", 10);
int seed = ArgValue("--seed", 1);
torch.manual_seed(seed);    // weights are initialised when models are constructed, before RunFineTune seeds its run
torch.set_num_threads(1);  // small models run faster on one thread than on two here
string work = Path.Combine(".attune", "digits");
Directory.CreateDirectory(work);

var all = DigitsData.Load(Path.Combine(AppContext.BaseDirectory, "data", "digits.csv.gz"));
var (firstHalf, secondHalf) = (all.Where(d => d.Label < 5).ToList(), all.Where(d => d.Label >= 5).ToList());
Console.WriteLine($"Digits: {all.Count} images; pretraining on {firstHalf.Count} of 0-4; fine-tuning on {shots} per class of 5-9.");

// 1. Pretrain on 0–4 (80% train / 20% validation).
var (pretrainValidation, pretrainTrain) = DigitsData.TakePerClass(firstHalf, perClass: 36, seed);
string pretrainedFile = Path.Combine(work, "pretrained-0to4.bin");
var pretrainWatch = Stopwatch.StartNew();
using (var pretrain = new PretrainNetwork())
{
    var report = pretrain.RunFineTune(DigitsData.ToDataset(pretrainTrain), DigitsData.ToDataset(pretrainValidation),
        progress: new ConsoleProgress("pretrain 0-4"));
    pretrain.save(pretrainedFile);
    Console.WriteLine($"Pretrained: validation accuracy {report.BestMetric:P1} (epoch {report.BestEpoch}), {pretrainWatch.Elapsed.TotalSeconds:F1} s -> {pretrainedFile}");
}

// 2. The few-shot task: digits 5–9 relabelled 0–4; a few examples to train on, as many to validate, the rest held out.
var task = FewShotTask.From(secondHalf, shots, seed);
var (trainSet, validationSet, heldOutSet) = (task.Train, task.Validation, task.HeldOut);
Console.WriteLine(task.Describe());

var fineTuneWatch = Stopwatch.StartNew();
using var fineTuned = new DigitClassifier(classes: 5);
var load = fineTuned.LoadPretrained(pretrainedFile, skip: new[] { "head" });  // the head is new: the task changed
Console.WriteLine($"Loaded {load.Loaded.Count} pretrained tensors; skipped {string.Join(", ", load.Skipped)}.");
var fineTuneReport = fineTuned.RunFineTune(trainSet, validationSet, progress: new ConsoleProgress("fine-tune 5-9"));
fineTuneWatch.Stop();
// The model's CheckpointDirectory keeps the best and last weights and the run record (run.jsonl) the HTML report draws:
// loss, metric and learning rate per step and epoch, the best epoch, why it stopped, the parameter groups.
string runReport = Path.Combine(work, "fine-tune.html");
RunReport.Write(DigitClassifier.FineTuneDefaults.CheckpointDirectory!, runReport);

var scratchWatch = Stopwatch.StartNew();
using var scratch = new ScratchClassifier(classes: 5);
var scratchReport = scratch.RunFineTune(trainSet, validationSet, progress: new ConsoleProgress("scratch 5-9"));
scratchWatch.Stop();

double fineTunedAccuracy = DigitsData.Accuracy(fineTuned, heldOutSet);
double scratchAccuracy = DigitsData.Accuracy(scratch, heldOutSet);
Console.WriteLine();
Console.WriteLine($"Held-out accuracy on {task.HeldOutCount} images of digits 5-9 ({shots} training examples per class):");
Console.WriteLine($"  fine-tuned (pretrained; first layer frozen)      {fineTunedAccuracy,7:P1}   {fineTuneWatch.Elapsed.TotalSeconds,5:F1} s   best epoch {fineTuneReport.BestEpoch}, {fineTuneReport.StopReason}, {fineTuneReport.TrainableParameters} trainable / {fineTuneReport.FrozenParameters} frozen parameters");
Console.WriteLine($"  from scratch (same network, same examples)        {scratchAccuracy,7:P1}   {scratchWatch.Elapsed.TotalSeconds,5:F1} s   best epoch {scratchReport.BestEpoch}, {scratchReport.StopReason}");
Console.WriteLine($"Best fine-tuned weights: {fineTuneReport.BestCheckpoint}; the run's report (open it in a browser): {runReport}");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT fine_tuned_accuracy={fineTunedAccuracy:F4} scratch_accuracy={scratchAccuracy:F4}"));

int ArgValue(string name, int fallback)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}
