using System;
using System.Linq;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Attune.FineTuning;

/// <summary>
/// <c>resume.bin</c>: one file, so that weights, optimizer and counters can never come from different epochs. Written
/// through <see cref="Checkpoints.WriteAtomically"/> at every epoch end; a crash mid-write leaves the previous file.
/// </summary>
/// <remarks>
/// Layout (little-endian <see cref="BinaryWriter"/>): magic, format version, the <see cref="RunFingerprint"/>, the
/// loop's <see cref="TrainerState"/> (counters, best metric, epoch results, unfrozen fields, non-finite counters, why it
/// ended), the model's state (<c>module.save</c>), the best-epoch copy (the starting weights before a
/// best epoch), the optimizer's state
/// (TorchSharp's <c>save_state_dict</c>: per group its hyper-parameters, per parameter its step count and moments or
/// momentum buffer), the global and the shuffling generators' states, then "END" and a SHA-256 of every byte before
/// it. The hash is checked before anything is read, so a torn or altered file changes nothing.
/// The attune tool reads the header without TorchSharp (src/Cli/Checkpoints/ResumeHeader.cs): a new format version
/// goes there too (AttuneRunCommandTests fails until it does).
/// </remarks>
internal static class ResumeCheckpoint
{
    public const string FileName = "resume.bin";
    /// <summary>2 adds the non-finite step counters; 3 adds the stop message (<see cref="TrainerState.StopMessage"/>).
    /// Files of versions 1 and 2 are still read: their missing fields as zero or null.</summary>
    private const int FormatVersion = 3;
    private static byte[] Magic => ResumeFileFormat.Magic;
    private static byte[] End => ResumeFileFormat.End;
    private const int HashLength = ResumeFileFormat.HashLength;

    public static void Write(string path, RunFingerprint fingerprint, TrainerState state, nn.Module model, BestWeights best,
        optim.Optimizer optimizer, Generator? shuffle)
    {
        Checkpoints.WriteAtomically(path, stream =>
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using (var hashing = new HashingStream(stream, hash))
            using (var writer = new BinaryWriter(hashing, Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(Magic);
                writer.Write(FormatVersion);
                WriteFingerprint(writer, fingerprint);
                WriteState(writer, state);
                model.save(writer);
                // Always, even before a best epoch: until then it holds the weights the run started with, which a
                // divergence restores.
                best.Save(writer);
                Helper(optimizer).save_state_dict(writer);
                WriteGenerator(writer, null);
                writer.Write(shuffle is not null);
                if (shuffle is not null) WriteGenerator(writer, shuffle);
                writer.Write(End);
            }
            stream.Write(hash.GetHashAndReset());
        }, string.Format(CultureInfo.InvariantCulture, "the resume checkpoint after epoch {0}", state.CompletedEpochs),
            state.CompletedEpochs > 1 ? string.Format(CultureInfo.InvariantCulture, "the resume checkpoint of epoch {0}", state.CompletedEpochs - 1) : null);
    }

    /// <summary>Checks the file's hash, reads its fingerprint and restores the saved loop state into
    /// <paramref name="state"/> (a fresh one); the tensors stay unread until <see cref="Restore"/>. The unfrozen fields
    /// come back by name, for the caller to check against its plan (the state's own list is rebuilt by unfreezing them).</summary>
    /// <exception cref="ResumeException">The file is torn, corrupt or of another format.</exception>
    public static (RunFingerprint Fingerprint, IReadOnlyList<string> UnfrozenFields, long TensorsAt) ReadHeader(string path, TrainerState state)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            VerifyHash(path, stream);
            stream.Position = 0;
            using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
            var magic = reader.ReadBytes(Magic.Length);
            if (!magic.AsSpan().SequenceEqual(Magic))
                throw Corrupt(path, "it does not start with Attune's resume header; expected a resume.bin written by Attune", null);
            int version = reader.ReadInt32();
            if (version < 1 || version > FormatVersion)
                throw Corrupt(path, string.Format(CultureInfo.InvariantCulture, "it has format version {0}; this Attune reads versions 1 to {1}", version, FormatVersion), null);
            var fingerprint = ReadFingerprint(reader);
            var unfrozen = ReadState(reader, version, state);
            return (fingerprint, unfrozen, stream.Position);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or InvalidDataException or ArgumentException or FormatException or UnauthorizedAccessException)
        {
            throw Corrupt(path, e.Message, e);
        }
    }

    /// <summary>Loads the tensors into the model, the best-epoch copy, the optimizer and the generators.</summary>
    public static void Restore(string path, long tensorsAt, string modelName, nn.Module model, BestWeights best, optim.Optimizer optimizer, Generator? shuffle)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            stream.Position = tensorsAt;
            using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
            model.load(reader, strict: true);
            best.Load(reader);
            Helper(optimizer).load_state_dict(reader);
            ReadGenerator(reader, null);
            bool hasShuffle = reader.ReadBoolean();
            if (hasShuffle != (shuffle is not null))
                throw new InvalidDataException(hasShuffle ? "it holds a shuffling generator but this run has none (Seed -1)" : "it holds no shuffling generator but this run has one");
            if (shuffle is not null) ReadGenerator(reader, shuffle);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or InvalidDataException or ArgumentException or FormatException or UnauthorizedAccessException or ExternalException)
        {
            throw new ResumeException(
                $"The resume checkpoint {path} passed its integrity check but could not be loaded into {modelName}: {e.Message}. The model and optimizer may be partly loaded; create them again before retrying. The file was left as it is.",
                path, Array.Empty<string>(), e);
        }
    }

    /// <summary>AdamW, Adam and SGD (what <see cref="OptimizerFactory"/> builds) are TorchSharp's managed optimizers,
    /// which carry the stream save/load of their state.</summary>
    private static TorchSharp.Modules.OptimizerHelper Helper(optim.Optimizer optimizer)
        => optimizer as TorchSharp.Modules.OptimizerHelper
           ?? throw new NotSupportedException($"Optimizer {optimizer.GetType().Name} cannot save its state; expected AdamW, Adam or SGD.");

    private static void VerifyHash(string path, FileStream stream)
    {
        if (ResumeFileFormat.Damage(stream) is { } damage) throw Corrupt(path, damage, null);
    }

    private static ResumeException Corrupt(string path, string why, Exception? inner)
        => inner as ResumeException ?? new ResumeException(
            $"The resume checkpoint {path} cannot be read: {why}. Nothing was loaded and the file was left as it is; delete it (or set Resume = false) to start fresh, or restore an intact copy.",
            path, Array.Empty<string>(), inner);

    private static void WriteFingerprint(BinaryWriter w, RunFingerprint f)
    {
        w.Write(f.ModelName);
        w.Write(f.Options.Count);
        foreach (var (key, value) in f.Options) { w.Write(key); w.Write(value); }
        w.Write(f.Plan.Count);
        foreach (var line in f.Plan) w.Write(line);
    }

    private static RunFingerprint ReadFingerprint(BinaryReader r)
    {
        string model = r.ReadString();
        var options = new List<(string, string)>();
        for (int i = Count(r); i > 0; i--) options.Add((r.ReadString(), r.ReadString()));
        var plan = new List<string>();
        for (int i = Count(r); i > 0; i--) plan.Add(r.ReadString());
        return new RunFingerprint(model, options, plan);
    }

    private static void WriteState(BinaryWriter w, TrainerState state)
    {
        w.Write(state.CompletedEpochs);
        w.Write(state.GlobalStep);
        w.Write(state.BestMetric);
        w.Write(state.BestEpoch);
        w.Write(state.EpochsWithoutImprovement);
        w.Write(state.StopReason is StopReason s ? (int)s : -1);
        w.Write(state.History.Count);
        foreach (var e in state.History)
        {
            w.Write(e.Epoch); w.Write(e.TrainLoss); w.Write(e.ValidationLoss); w.Write(e.Metric);
            w.Write(e.LearningRate); w.Write(e.Steps); w.Write(e.Duration.Ticks);
        }
        w.Write(state.Unfrozen.Count);
        foreach (var field in state.Unfrozen) w.Write(field.Field);
        w.Write(state.NonFiniteSteps);
        w.Write(state.NonFiniteInARow);
        w.Write(state.StopMessage is not null);
        if (state.StopMessage is not null) w.Write(state.StopMessage);
    }

    private static IReadOnlyList<string> ReadState(BinaryReader r, int version, TrainerState state)
    {
        var (completed, step, bestMetric, bestEpoch, badEpochs, ended, stored, unfrozen, nonFinite, nonFiniteInARow, stopMessage) = ResumeFileFormat.Read(r, version);
        var epochs = stored.Select(e => new EpochResult(e.Epoch, e.TrainLoss, e.ValidationLoss, e.Metric, e.LearningRate, e.Steps, e.Duration)).ToList();
        if (completed < 0 || epochs.Count != completed || bestEpoch < 0 || bestEpoch > completed || badEpochs < 0 || step < 0 || ended < -1 || ended > (int)StopReason.StoppedByCallback
            || nonFinite < 0 || nonFinite > step || nonFiniteInARow < 0 || nonFiniteInARow > nonFinite)
            throw new InvalidDataException(string.Format(CultureInfo.InvariantCulture,
                "its counters are inconsistent ({0} epochs done, {1} epoch results, best epoch {2}, {3} bad epochs, step {4}, {5} non-finite steps, {6} in a row)",
                completed, epochs.Count, bestEpoch, badEpochs, step, nonFinite, nonFiniteInARow));
        state.HistoryList.Clear();
        state.HistoryList.AddRange(epochs);
        state.Epoch = completed;
        state.GlobalStep = step;
        state.BestMetric = bestMetric;
        state.BestEpoch = bestEpoch;
        state.EpochsWithoutImprovement = badEpochs;
        state.StopReason = ended < 0 ? null : (StopReason)ended;
        state.StopMessage = stopMessage;
        state.NonFiniteSteps = nonFinite;
        state.NonFiniteInARow = nonFiniteInARow;
        return unfrozen;
    }

    private static int Count(BinaryReader r) => ResumeFileFormat.Count(r);

    private static void WriteGenerator(BinaryWriter w, Generator? generator)
    {
        using var state = generator is null ? torch.get_rng_state() : generator.get_state();
        var bytes = state.data<byte>().ToArray();
        w.Write(bytes.Length);
        w.Write(bytes);
    }

    private static void ReadGenerator(BinaryReader r, Generator? generator)
    {
        int n = Count(r);
        var bytes = r.ReadBytes(n);
        if (bytes.Length != n) throw new EndOfStreamException();
        using var state = torch.tensor(bytes);
        if (generator is null) torch.set_rng_state(state);
        else generator.set_state(state);
    }

    /// <summary>Passes writes through to the file while hashing them.</summary>
    private sealed class HashingStream(Stream inner, IncrementalHash hash) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count)
        {
            hash.AppendData(buffer, offset, count);
            inner.Write(buffer, offset, count);
        }
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            hash.AppendData(buffer);
            inner.Write(buffer);
        }
    }
}
