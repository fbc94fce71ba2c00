using Attune;
using Attune.FineTuning;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

// Two Gaussian blobs: a task any small network learns. What this proves is the package: the generator ran
// (RunFineTune exists), the generated code builds with warnings as errors, and TorchSharp loads on this Linux.
torch.manual_seed(7);
Tensor Blobs(int n, out Tensor labels)
{
    labels = torch.randint(0, 2, n, dtype: ScalarType.Int64);
    var centers = labels.to_type(ScalarType.Float32).unsqueeze(1) * 4 - 2;
    return torch.randn(n, 2) + centers;
}
var trainX = Blobs(400, out var trainY);
var validX = Blobs(200, out var validY);

using var model = new BlobClassifier();
var report = model.RunFineTune(trainX, trainY, validX, validY);
Console.WriteLine($"CONSUMER accuracy={report.BestMetric:F4} epochs={report.Epochs.Count} trainable={report.TrainableParameters} frozen={report.FrozenParameters}");

[FineTune(Epochs = 5, BatchSize = 32, LearningRate = 1e-2, Metric = Metric.Accuracy)]
public partial class BlobClassifier : nn.Module<Tensor, Tensor>
{
    [Freeze] private readonly Linear input;
    [LearningRate(2e-2)] private readonly Linear head;

    public BlobClassifier() : base(nameof(BlobClassifier))
    {
        input = nn.Linear(2, 16);
        head = nn.Linear(16, 2);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => head.forward(torch.nn.functional.relu(input.forward(x)));
}
