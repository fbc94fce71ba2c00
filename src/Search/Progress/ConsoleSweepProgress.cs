using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace Attune.Search;

/// <summary>
/// What a sweep opened, said once at its start: which study, in which storage, created or resumed with how many trials.
/// </summary>
/// <param name="StudyName">The study's name.</param>
/// <param name="Location">The storage as messages show it (a SQLite file's full path; a server without its password).</param>
/// <param name="Created">True when this run created the study; false when it resumed one.</param>
/// <param name="Complete">Trials already complete.</param>
/// <param name="Pruned">Trials already pruned.</param>
/// <param name="Failed">Trials already failed.</param>
/// <param name="Running">Trials running (other workers', or left by a process that stopped).</param>
/// <param name="TargetTrials">The sweep runs until this many trials are complete or pruned.</param>
public sealed record SweepStart(string StudyName, string Location, bool Created, int Complete, int Pruned, int Failed, int Running, int TargetTrials)
{
    /// <summary>This run's sampler, pruner and seed, as text ("sampler Tpe, pruner Asha, seed 42"); null when not known.</summary>
    public string? Settings { get; init; }

    /// <summary>The settings the study was created with, when they differ from <see cref="Settings"/>; null otherwise.</summary>
    public string? EarlierSettings { get; init; }

    /// <summary>The space migration this run recorded (<see cref="SweepOptions.SpaceChange"/>); null when none.</summary>
    public SpaceMigration? Migration { get; init; }

    /// <summary>What this run's warm start copied (<see cref="SweepOptions.WarmStartFrom"/>); null without one.</summary>
    public WarmStartReport? WarmStart { get; init; }

    /// <summary>How many of the study's trials were copied from another study (they do not count toward the target).</summary>
    public int Copied { get; init; }

    /// <summary>How many of <see cref="Copied"/> are Complete or Pruned (included in <see cref="Complete"/> and <see cref="Pruned"/>).</summary>
    public int CopiedFinished { get; init; }

    /// <summary>"Study 'digits' in /work/study.db: resumed with 12 trials (10 complete, 2 pruned); running until 24 are complete or pruned."</summary>
    public override string ToString()
    {
        int held = Complete + Pruned + Failed + Running;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Study '{StudyName}' in {Location}: ");
        if (Created) text.Append("created");
        else
        {
            text.Append(CultureInfo.InvariantCulture, $"resumed with {held} trial{(held == 1 ? "" : "s")}");
            var parts = new[] { (Complete, "complete"), (Pruned, "pruned"), (Failed, "failed"), (Running, "running") };
            string detail = string.Join(", ", Array.FindAll(parts, p => p.Item1 > 0).Select(p => $"{p.Item1} {p.Item2}"));
            if (detail.Length > 0) text.Append(" (").Append(detail).Append(')');
        }
        if (Copied > 0 && !Created) text.Append(CultureInfo.InvariantCulture, $", {Copied} of them copied from another study");
        if (Migration is not null)
            text.Append(" — its search space was migrated (").Append(string.Join("; ", Migration.Changes)).Append("), every earlier trial kept");
        if (WarmStart is not null) text.Append(" — warm start: ").Append(WarmStart);
        if (EarlierSettings is not null)
            text.Append(" — created with ").Append(EarlierSettings).Append(", now run with ").Append(Settings).Append(" (the stored trials are kept and the new settings continue from them)");
        int toGo = Math.Max(0, TargetTrials - (Complete + Pruned - CopiedFinished));
        text.Append(toGo == 0
            ? string.Create(CultureInfo.InvariantCulture, $"; it already has {TargetTrials} complete or pruned trials, so no trial runs (raise Trials or use another StudyName to run more).")
            : string.Create(CultureInfo.InvariantCulture, $"; running until {TargetTrials} are complete or pruned ({toGo} to go)."));
        return text.ToString();
    }
}

/// <summary>Receives the start of a sweep besides its per-trial progress (<see cref="ConsoleSweepProgress"/> does).</summary>
public interface ISweepStartObserver
{
    /// <summary>Called once, after the study is opened and before the first trial.</summary>
    void Started(SweepStart start);
}

/// <summary>
/// Live progress of a sweep for a person watching: the start line (which study, where, created or resumed), then on a
/// terminal one line redrawn in place (trials done of the target, the last trial, the best so far, states, time per trial
/// and time left); when output is redirected, a plain line at most every <c>interval</c> and for the last trial, so logs
/// stay short. <see cref="Sweep.Run{T}(Func{Trial{T}, double}, SweepOptions, IProgress{SweepProgress}?, Microsoft.Extensions.Logging.ILogger?, System.Threading.CancellationToken)"/>
/// uses one when no progress is given and <see cref="SweepOptions.ConsoleProgress"/> is on.
/// </summary>
public sealed class ConsoleSweepProgress : IProgress<SweepProgress>, ISweepStartObserver
{
    private readonly object gate = new();
    private readonly TextWriter writer;
    private readonly bool live;
    private readonly TimeSpan interval;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private TimeSpan lastDraw;
    private bool drawn;
    private int lastWidth, firstCompleted = -1, pruned, failed;

    /// <param name="writer">Where to write; the console's standard output by default.</param>
    /// <param name="live">Redraw one line in place; by default when standard output is a terminal.</param>
    /// <param name="interval">The least time between two lines (live: 0.2 s by default; redirected: 10 s).</param>
    public ConsoleSweepProgress(TextWriter? writer = null, bool? live = null, TimeSpan? interval = null)
    {
        this.writer = writer ?? Console.Out;
        this.live = live ?? (writer is null && !Console.IsOutputRedirected);
        this.interval = interval ?? (this.live ? TimeSpan.FromSeconds(0.2) : TimeSpan.FromSeconds(10));
    }

    public void Started(SweepStart start)
    {
        lock (gate)
        {
            pruned = start.Pruned;
            failed = start.Failed;
            writer.WriteLine(start.ToString());
        }
    }

    public void Report(SweepProgress value)
    {
        lock (gate)
        {
            if (value.LastState == TrialState.Pruned) pruned++;
            if (value.LastState == TrialState.Failed) failed++;
            var now = clock.Elapsed;
            if (firstCompleted < 0) firstCompleted = value.CompletedTrials - (value.LastState is TrialState.Complete or TrialState.Pruned ? 1 : 0);
            bool last = value.CompletedTrials >= value.TargetTrials;
            if (!last && drawn && now - lastDraw < interval) return;
            lastDraw = now;
            drawn = true;

            var line = new StringBuilder();
            int width = value.TargetTrials.ToString(CultureInfo.InvariantCulture).Length;
            line.Append(CultureInfo.InvariantCulture, $"[{value.CompletedTrials.ToString(CultureInfo.InvariantCulture).PadLeft(width)}/{value.TargetTrials}] trial {value.LastTrialNumber} {value.LastState.ToString().ToLowerInvariant()}");
            if (value.LastValue is { } v) line.Append(CultureInfo.InvariantCulture, $" {v:G5}");
            if (value.BestValue is { } b) line.Append(CultureInfo.InvariantCulture, $" | best {b:G5} (#{value.BestTrialNumber})");
            if (pruned > 0 || failed > 0) line.Append(CultureInfo.InvariantCulture, $" | {pruned} pruned, {failed} failed");
            int doneNow = value.CompletedTrials - firstCompleted;
            if (doneNow > 0 && !last)
            {
                double perTrial = now.TotalSeconds / doneNow;
                line.Append(CultureInfo.InvariantCulture, $" | {perTrial:0.0##} s/trial, ~{Eta(TimeSpan.FromSeconds(perTrial * (value.TargetTrials - value.CompletedTrials)))} left");
            }

            if (live)
            {
                string text = line.ToString();
                writer.Write('\r' + text + (text.Length < lastWidth ? new string(' ', lastWidth - text.Length) : ""));
                lastWidth = text.Length;
                if (last) writer.WriteLine();
            }
            else writer.WriteLine(line.ToString());
            writer.Flush();
        }
    }

    private static string Eta(TimeSpan left) => left.TotalHours >= 1
        ? string.Format(CultureInfo.InvariantCulture, "{0}h{1:00}m", (int)left.TotalHours, left.Minutes)
        : left.TotalMinutes >= 1 ? string.Format(CultureInfo.InvariantCulture, "{0}m{1:00}s", (int)left.TotalMinutes, left.Seconds)
        : string.Format(CultureInfo.InvariantCulture, "{0:0}s", Math.Ceiling(left.TotalSeconds));
}
