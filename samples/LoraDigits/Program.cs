// LoRA against full fine-tuning, on real data (UCI digits, CC BY 4.0).
//   1. pretrain an MLP (64-256-256-5) on digits 0–4;
//   2. fine-tune it on digits 5–9 twice from the same pretrained weights and the same examples:
//      a. fully (every weight trains), b. with LoRA (rank-4 adapters on the body's Linear layers, body frozen);
//   3. compare trainable parameters, time and held-out accuracy; save the LoRA adapters alone and reload them.
// Usage: dotnet run --project samples/LoraDigits [-- --shots 20 --seed 1]
using System.Diagnostics;
using System.Globalization;
using Attune;
using Attune.FineTuning;
using Attune.Reports;
using Digits;
using LoraDigits;
using TorchSharp;

int shots = ArgValue("--shots", 20);
int seed = ArgValue("--seed", 1);
torch.set_num_threads(1);   // small models run faster on one thread than on two here, and seeded runs repeat exactly
string work = Path.Combine(".attune", "lora-digits");
Directory.CreateDirectory(work);

var all = DigitsData.Load(Path.Combine(AppContext.BaseDirectory, "data", "digits.csv.gz"));
var (firstHalf, secondHalf) = (all.Where(d => d.Label < 5).ToList(), all.Where(d => d.Label >= 5).ToList());
Console.WriteLine($"Digits: {all.Count} images; pretraining on {firstHalf.Count} of 0-4; fine-tuning on {shots} per class of 5-9.");

// 1. Pretrain on 0–4.
torch.manual_seed(seed);
var (pretrainValidation, pretrainTrain) = DigitsData.TakePerClass(firstHalf, perClass: 36, seed);
string pretrainedFile = Path.Combine(work, "pretrained-0to4.bin");
using (var pretrained = new PretrainMlp())
{
    var report = pretrained.RunFineTune(DigitsData.ToDataset(pretrainTrain), DigitsData.ToDataset(pretrainValidation));
    pretrained.save(pretrainedFile);
    Console.WriteLine($"Pretrained: validation accuracy {report.BestMetric:P1} (epoch {report.BestEpoch}), {report.Duration.TotalSeconds:F1} s");
}

// 2. The task: digits 5–9 relabelled 0–4.
var task = FewShotTask.From(secondHalf, shots, seed);
Console.WriteLine(task.Describe());

torch.manual_seed(seed);   // both arms start from the same new head
using var full = new FullFineTune();
full.LoadPretrained(pretrainedFile, skip: new[] { "head" });
var fullWatch = Stopwatch.StartNew();
var fullReport = full.RunFineTune(task.Train, task.Validation, FullFineTune.FineTuneDefaults with { RunRecordDirectory = FreshRunRecord("full") });
fullWatch.Stop();

torch.manual_seed(seed);
using var lora = new LoraFineTune();
lora.LoadPretrained(pretrainedFile, skip: new[] { "head" });
var loraWatch = Stopwatch.StartNew();
var loraReport = lora.RunFineTune(task.Train, task.Validation, LoraFineTune.FineTuneDefaults with { RunRecordDirectory = FreshRunRecord("lora") });
loraWatch.Stop();

// Each arm's run record drawn as a page: loss, metric and learning rate per step and epoch, the parameter groups.
RunReport.Write(Path.Combine(work, "runs", "full"), Path.Combine(work, "full.html"));
RunReport.Write(Path.Combine(work, "runs", "lora"), Path.Combine(work, "lora.html"));

double fullAccuracy = DigitsData.Accuracy(full, task.HeldOut);
double loraAccuracy = DigitsData.Accuracy(lora, task.HeldOut);
long fullTrainable = fullReport.TrainableParameters, total = fullReport.TrainableParameters + fullReport.FrozenParameters;
var share = loraReport.Lora!;

// 3. The adapters alone: a small file (the new head, trained in full, is saved on its own or with the model).
string adapterFile = Path.Combine(work, "adapters-5to9.safetensors");
lora.SaveLoraAdapters(adapterFile);
lora.MergeLora();   // fold the adapters in: same predictions, no adapter cost at inference
double mergedAccuracy = DigitsData.Accuracy(lora, task.HeldOut);
lora.UnmergeLora();

Console.WriteLine();
Console.WriteLine($"Held-out accuracy on {task.HeldOutCount} images of digits 5-9 ({shots} training examples per class):");
Console.WriteLine($"  full fine-tuning   {fullAccuracy,7:P1}   {fullWatch.Elapsed.TotalSeconds,5:F1} s   {fullTrainable,7:N0} of {total:N0} parameters trained (100.0 %), best epoch {fullReport.BestEpoch}");
Console.WriteLine($"  LoRA (rank 4)      {loraAccuracy,7:P1}   {loraWatch.Elapsed.TotalSeconds,5:F1} s   {share.TrainableParameters,7:N0} of {share.TotalParameters:N0} parameters trained ({share.TrainableShare:P1}: {share.AdapterParameters:N0} adapter weights + the new head), best epoch {loraReport.BestEpoch}");
Console.WriteLine($"  LoRA merged into the base weights: {mergedAccuracy:P1}; adapters alone: {new FileInfo(adapterFile).Length / 1024.0:F1} KiB in {adapterFile}");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"LORA full_accuracy={fullAccuracy:F4} lora_accuracy={loraAccuracy:F4} merged_accuracy={mergedAccuracy:F4} full_trainable={fullTrainable} lora_trainable={share.TrainableParameters} total={share.TotalParameters} lora_share={share.TrainableShare:F4} full_seconds={fullWatch.Elapsed.TotalSeconds:F2} lora_seconds={loraWatch.Elapsed.TotalSeconds:F2}"));

int ArgValue(string name, int fallback)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}

// A run-record directory for an arm, without the record of an earlier run of the sample (the record appends).
string FreshRunRecord(string arm)
{
    string directory = Path.Combine(work, "runs", arm);
    string record = Path.Combine(directory, "run.jsonl");
    if (File.Exists(record)) File.Delete(record);
    return directory;
}
