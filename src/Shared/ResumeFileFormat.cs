using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace Attune
{
    /// <summary>One epoch's figures as resume.bin stores them.</summary>
    internal readonly record struct ResumeEpochRecord(int Epoch, double TrainLoss, double ValidationLoss, double Metric, double LearningRate, long Steps, TimeSpan Duration);

    /// <summary>The loop-state section of resume.bin, as stored (no checks beyond list lengths).</summary>
    internal sealed record ResumeStateRecord(
        int Completed, long Step, double BestMetric, int BestEpoch, int BadEpochs, int Ended,
        IReadOnlyList<ResumeEpochRecord> Epochs, IReadOnlyList<string> Unfrozen, long NonFiniteSteps, int NonFiniteInARow, string? StopMessage);

    /// <summary>
    /// The resume.bin format's framing (magic, end marker, SHA-256 trailer) and its loop-state section (after the header
    /// and the plan). Shared source, compiled into Attune.FineTuning (which writes the file and resumes from it) and into
    /// the attune tool (which shows a run without TorchSharp), so the two cannot read the format differently.
    /// </summary>
    internal static class ResumeFileFormat
    {
        /// <summary>The file's first bytes.</summary>
        public static readonly byte[] Magic = Encoding.ASCII.GetBytes("ATTUNE-RESUME\n");

        /// <summary>The marker before the hash, at the end of the content.</summary>
        public static readonly byte[] End = Encoding.ASCII.GetBytes("END");

        /// <summary>The SHA-256 of everything before it, at the end of the file.</summary>
        public const int HashLength = 32;

        /// <summary>The smallest length a resume file can have.</summary>
        public static int MinimumLength => Magic.Length + sizeof(int) + End.Length + HashLength;

        /// <summary>Why <paramref name="stream"/> is not an intact resume file (too short, hash or end marker wrong), or
        /// null when it is. Reads the whole stream; the position afterwards is unspecified.</summary>
        public static string? Damage(Stream stream)
        {
            long length = stream.Length;
            if (length < MinimumLength)
                return $"it is {length} bytes long, shorter than the smallest resume file ({MinimumLength} bytes): it was cut short";
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[1 << 16];
            stream.Position = 0;
            long left = length - HashLength;
            while (left > 0)
            {
                int n = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                if (n <= 0) throw new EndOfStreamException();
                hash.AppendData(buffer, 0, n);
                left -= n;
            }
            var expected = new byte[HashLength];
            stream.ReadExactly(expected);
            if (!hash.GetHashAndReset().AsSpan().SequenceEqual(expected))
                return "its SHA-256 does not match the one written with it: the file was cut short or changed after it was written";
            stream.Position = length - HashLength - End.Length;
            var end = new byte[End.Length];
            stream.ReadExactly(end);
            return end.AsSpan().SequenceEqual(End) ? null : "it does not end with the resume file's end marker";
        }

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
