// A fine-tune process for the runtime's kill-and-resume tests: a small MLP with dropout on a seeded synthetic 3-class
// problem, checkpointing every epoch.
// Usage: dotnet Attune.FineTuneWorker.dll <checkpoint dir> <result prefix> [resume] [step delay ms]
// Prints "step <epoch> <step>" after each optimizer step (then sleeps the delay, so a test can kill it mid-epoch) and
// "epoch <n>" after each evaluation. At the end writes <prefix>.bin (the final weights, module.save) and <prefix>.txt
// (per epoch: train loss, validation loss, metric, round-trip formatted) and prints "done resumed=<epoch>".
using System.Globalization;
using Attune;
using Attune.FineTuneWorker;
using Attune.FineTuning;
using TorchSharp;
using static TorchSharp.torch;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Attune.FineTuneWorker <checkpoint dir> <result prefix> [resume] [step delay ms]");
    return 2;
}
bool resume = args.Length > 2 && args[2] == "resume";
int delayMs = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 0;
torch.set_num_threads(1);

var (train, validation) = Problem.Make();
torch.manual_seed(3); // initial weights; a resumed run overwrites them from the checkpoint
var model = new Mlp();
var options = Mlp.FineTuneDefaults with { CheckpointDirectory = args[0], Resume = resume };
var report = model.RunFineTune(train, validation, options, new LineProgress(delayMs));

model.save(args[1] + ".bin");
File.WriteAllLines(args[1] + ".txt", report.Epochs.Select(e => string.Create(CultureInfo.InvariantCulture,
    $"{e.Epoch} {e.TrainLoss:R} {e.ValidationLoss:R} {e.Metric:R} {e.Steps}")));
Console.Out.WriteLine($"done resumed={report.ResumedFromEpoch}");
return 0;

namespace Attune.FineTuneWorker
{
    [FineTune(Epochs = 6, BatchSize = 8, LearningRate = 1e-2, Schedule = LrSchedule.Cosine, Loss = Loss.CrossEntropy, Metric = Metric.Accuracy, Seed = 42)]
    public partial class Mlp : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Sequential body;
        [LearningRate(3e-2)] private readonly TorchSharp.Modules.Linear head;

        public Mlp() : base(nameof(Mlp))
        {
            body = nn.Sequential(("fc", nn.Linear(6, 16)), ("act", nn.ReLU()), ("drop", nn.Dropout(0.2)));
            head = nn.Linear(16, 3);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => head.forward(body.forward(input));
    }

    internal static class Problem
    {
        /// <summary>96 training and 32 validation examples: labels are the arg-max of a fixed projection of Gaussian features.</summary>
        public static (LabeledTensors Train, LabeledTensors Validation) Make()
        {
            using var g = new Generator(11);
            var w = torch.randn(new long[] { 6, 3 }, generator: g);
            var x = torch.randn(new long[] { 128, 6 }, generator: g);
            var y = x.matmul(w).argmax(1);
            return (new LabeledTensors(x[..96], y[..96]), new LabeledTensors(x[96..], y[96..]));
        }
    }

    /// <summary>Reports inline (System.Progress would post to the thread pool) and flushes each line at once.</summary>
    internal sealed class LineProgress(int delayMs) : IProgress<FineTuneProgress>
    {
        public void Report(FineTuneProgress value)
        {
            Console.Out.WriteLine(value.Phase == FineTunePhase.Training ? $"step {value.Epoch} {value.Step}" : $"epoch {value.Epoch}");
            Console.Out.Flush();
            if (delayMs > 0 && value.Phase == FineTunePhase.Training) Thread.Sleep(delayMs);
        }
    }
}
