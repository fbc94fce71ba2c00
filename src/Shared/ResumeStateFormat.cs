using System;
using System.Collections.Generic;
using System.IO;

namespace Attune
{
    /// <summary>One epoch's figures as resume.bin stores them.</summary>
    internal readonly record struct ResumeEpochRecord(int Epoch, double TrainLoss, double ValidationLoss, double Metric, double LearningRate, long Steps, TimeSpan Duration);

    /// <summary>The loop-state section of resume.bin, as stored (no checks beyond list lengths).</summary>
    internal sealed record ResumeStateRecord(
        int Completed, long Step, double BestMetric, int BestEpoch, int BadEpochs, int Ended,
        IReadOnlyList<ResumeEpochRecord> Epochs, IReadOnlyList<string> Unfrozen, long NonFiniteSteps, int NonFiniteInARow, string? StopMessage);

    /// <summary>
    /// Reads the loop-state section of resume.bin (after the header and the plan). Shared source, compiled into
    /// Attune.FineTuning (which writes the section and resumes from it) and into the attune tool (which shows a run
    /// without TorchSharp), so the two cannot read the format differently.
    /// </summary>
    internal static class ResumeStateFormat
    {
        /// <summary>A list's length, refused when it cannot be one (a damaged file).</summary>
        public static int Count(BinaryReader r)
        {
            int n = r.ReadInt32();
            if (n < 0 || n > 10_000_000) throw new InvalidDataException($"it holds a list of {n} entries; expected between 0 and 10,000,000");
            return n;
        }

        /// <param name="r">Positioned at the section.</param>
        /// <param name="version">The file's format version (2 added the non-finite counters, 3 the stop message).</param>
        public static ResumeStateRecord Read(BinaryReader r, int version)
        {
            int completed = r.ReadInt32();
            long step = r.ReadInt64();
            double bestMetric = r.ReadDouble();
            int bestEpoch = r.ReadInt32();
            int badEpochs = r.ReadInt32();
            int ended = r.ReadInt32();
            var epochs = new List<ResumeEpochRecord>();
            for (int i = Count(r); i > 0; i--)
                epochs.Add(new ResumeEpochRecord(r.ReadInt32(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadInt64(), TimeSpan.FromTicks(r.ReadInt64())));
            var unfrozen = new List<string>();
            for (int i = Count(r); i > 0; i--) unfrozen.Add(r.ReadString());
            long nonFinite = version >= 2 ? r.ReadInt64() : 0;
            int nonFiniteInARow = version >= 2 ? r.ReadInt32() : 0;
            string? stopMessage = version >= 3 && r.ReadBoolean() ? r.ReadString() : null;
            return new ResumeStateRecord(completed, step, bestMetric, bestEpoch, badEpochs, ended, epochs, unfrozen, nonFinite, nonFiniteInARow, stopMessage);
        }
    }
}
