using System;
using System.Linq;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace Attune.Cli.Checkpoints;

/// <summary>One epoch as resume.bin records it (Attune.FineTuning's EpochResult).</summary>
internal sealed record EpochRow(int Epoch, double TrainLoss, double ValidationLoss, double Metric, double LearningRate, long Steps, TimeSpan Duration);

/// <summary>
/// The part of <c>resume.bin</c> that precedes the tensors, read without TorchSharp. The layout is the one
/// Attune.FineTuning's ResumeCheckpoint writes (src/FineTuning/Training/ResumeCheckpoint.cs, format versions 1–3):
/// magic "ATTUNE-RESUME\n", int32 version, the run fingerprint (model name; option pairs; plan lines), the loop state
/// (epochs done, global step, best metric, best epoch, epochs without improvement, stop reason, per-epoch results,
/// unfrozen fields, non-finite counters from version 2, stop message from version 3), then the tensors, "END" and a
/// SHA-256 of every byte before it. The tool cannot reference that package (it would pull TorchSharp), so this reader
/// mirrors the header. Attune.Cli.Tests write files in that layout and check every field; Attune.FineTuning.Tests
/// (AttuneRunCommandTests) run a real fine-tune and check the tool's reading against the trainer's report.
/// </summary>
internal sealed record ResumeHeader(
    int FormatVersion,
    bool HashVerified,
    string ModelName,
    IReadOnlyList<(string Key, string Value)> Options,
    int PlanLines,
    int CompletedEpochs,
    long GlobalStep,
    double BestMetric,
    int BestEpoch,
    int EpochsWithoutImprovement,
    string? StopReason,
    IReadOnlyList<EpochRow> Epochs,
    IReadOnlyList<string> UnfrozenFields,
    long NonFiniteSteps,
    string? StopMessage)
{
    public const string FileName = "resume.bin";
    public const int NewestVersion = 3;
    private static byte[] Magic => ResumeFileFormat.Magic;

    /// <summary>Names of Attune.FineTuning's StopReason values, by number.</summary>
    private static readonly string[] StopReasons = ["completed", "early-stopped", "cancelled", "pruned", "stopped by a callback"];

    /// <exception cref="InvalidDataException">Not a resume file, a newer format, torn or altered (the message says which).</exception>
    public static ResumeHeader Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        // The hash first, as the trainer does: a torn file's counters would be believed otherwise.
        string? damage = ResumeFileFormat.Damage(stream);
        if (damage is not null) throw new InvalidDataException(damage);
        stream.Position = 0;
        using var r = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        if (!r.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
            throw new InvalidDataException("it does not start with Attune's resume header (\"ATTUNE-RESUME\")");
        int version = r.ReadInt32();
        if (version < 1 || version > NewestVersion)
            throw new InvalidDataException(string.Format(CultureInfo.InvariantCulture, "it has format version {0}; this tool reads versions 1 to {1} (a newer Attune wrote it: update the tool)", version, NewestVersion));
        string model = r.ReadString();
        var options = new List<(string, string)>();
        for (int i = Count(r); i > 0; i--) options.Add((r.ReadString(), r.ReadString()));
        int plan = Count(r);
        for (int i = plan; i > 0; i--) r.ReadString();
        var (completed, step, bestMetric, bestEpoch, badEpochs, ended, stored, unfrozen, nonFinite, _, message) = ResumeFileFormat.Read(r, version);
        var epochs = stored.Select(e => new EpochRow(e.Epoch, e.TrainLoss, e.ValidationLoss, e.Metric, e.LearningRate, e.Steps, e.Duration)).ToList();
        return new ResumeHeader(version, true, model, options, plan, completed, step, bestMetric, bestEpoch, badEpochs,
            ended < 0 ? null : ended < StopReasons.Length ? StopReasons[ended] : "reason " + ended.ToString(CultureInfo.InvariantCulture),
            epochs, unfrozen, nonFinite, message);
    }

    /// <summary>The option's value as the fingerprint recorded it, or null.</summary>
    public string? Option(string key)
    {
        foreach (var (k, v) in Options) if (k == key) return v;
        return null;
    }


    private static int Count(BinaryReader r) => ResumeFileFormat.Count(r);
}
