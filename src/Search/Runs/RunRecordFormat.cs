using System.IO;

namespace Attune.Search;

/// <summary>
/// The run record: <c>run.jsonl</c> in a fine-tune's checkpoint directory, one JSON object a line, each with a
/// <c>"type"</c>. The field names live here only; <see cref="RunRecordWriter"/> writes them and <see cref="RunRecordReader"/>
/// reads them. Lines, in the order a run writes them (docs/reports.md shows an example):
/// <list type="bullet">
/// <item><c>{"type":"run","model":…,"metric":…,"direction":"Maximize","epochs":8,"steps":400,"groups":[{"name":…,"trainable":…,"lr":…,"weightDecay":…}]}</c> — at every start (a resumed run adds one);</item>
/// <item><c>{"type":"step","step":1,"epoch":1,"loss":0.69,"lr":0.001,"skipped":false}</c> — per optimizer step;</item>
/// <item><c>{"type":"epoch","epoch":1,"trainLoss":…,"validationLoss":…,"metric":…,"lr":…,"steps":50,"seconds":1.2}</c> — per evaluated epoch;</item>
/// <item><c>{"type":"end","bestEpoch":3,"bestMetric":0.97,"stopReason":"EarlyStopped","stopMessage":…}</c> — when the run ends without an exception.</item>
/// </list>
/// Non-finite numbers are written as <c>null</c> (JSON has no NaN). Readers ignore fields and types they do not know.
/// </summary>
public static class RunRecordFormat
{
    /// <summary>The record's file name inside the checkpoint directory.</summary>
    public const string FileName = "run.jsonl";

    /// <summary>The record file of a checkpoint directory.</summary>
    public static string PathIn(string checkpointDirectory) => Path.Combine(checkpointDirectory, FileName);

    internal const string Type = "type";
    internal const string RunType = "run", StepType = "step", EpochType = "epoch", EndType = "end";

    internal const string Model = "model", Metric = "metric", Direction = "direction", Epochs = "epochs", Steps = "steps", Groups = "groups";
    internal const string GroupName = "name", GroupTrainable = "trainable", LearningRate = "lr", WeightDecay = "weightDecay";
    internal const string Step = "step", Epoch = "epoch", Loss = "loss", Skipped = "skipped";
    internal const string TrainLoss = "trainLoss", ValidationLoss = "validationLoss", Seconds = "seconds";
    internal const string BestEpoch = "bestEpoch", BestMetric = "bestMetric", StopReason = "stopReason", StopMessage = "stopMessage";
}
