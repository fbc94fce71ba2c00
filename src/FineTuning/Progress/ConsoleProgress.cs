using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;

namespace Attune.FineTuning;

/// <summary>
/// Live progress of a fine-tune for a person watching: on a terminal, one line redrawn in place (epoch, step, a bar,
/// the last loss, steps per second, time left); when output is redirected (a log file, CI), a plain line at most every
/// <c>interval</c> and after each evaluation, so logs stay short. Reports arrive synchronously on the training thread
/// (unlike <see cref="Progress{T}"/>, which posts them to the thread pool out of order), and drawing costs a string
/// format per report at most a few times a second.
/// </summary>
public sealed class ConsoleProgress : IProgress<FineTuneProgress>
{
    private readonly string _label;
    private readonly TextWriter _writer;
    private readonly bool _live;
    private readonly TimeSpan _interval;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _lastDraw;
    private bool _drawn;
    private long _firstStep = -1;
    private TimeSpan _firstTime;
    private int _lastWidth;

    /// <param name="label">What is being trained, shown at the start of each line.</param>
    /// <param name="writer">Where to write; the console's standard output by default.</param>
    /// <param name="live">Redraw one line in place; by default when standard output is a terminal.</param>
    /// <param name="interval">The least time between two lines (live: 0.2 s by default; redirected: 10 s).</param>
    public ConsoleProgress(string label, TextWriter? writer = null, bool? live = null, TimeSpan? interval = null)
    {
        _label = label ?? "";
        _writer = writer ?? Console.Out;
        _live = live ?? (writer is null && !Console.IsOutputRedirected);
        _interval = interval ?? (_live ? TimeSpan.FromSeconds(0.2) : TimeSpan.FromSeconds(10));
    }

    public void Report(FineTuneProgress value)
    {
        var now = _clock.Elapsed;
        if (_firstStep < 0) { _firstStep = value.Step; _firstTime = now; }
        bool evaluated = value.Phase == FineTunePhase.Evaluated;
        bool last = value.Step >= value.TotalSteps && evaluated && value.Epoch >= value.Epochs;
        if (!evaluated && _drawn && now - _lastDraw < _interval) return;
        _lastDraw = now;
        _drawn = true;

        double rate = value.Step > _firstStep ? (value.Step - _firstStep) / (now - _firstTime).TotalSeconds : double.NaN;
        var line = new StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"{_label} epoch {value.Epoch}/{value.Epochs} step {value.Step}/{value.TotalSteps} ");
        if (_live) line.Append(Bar(value.TotalSteps > 0 ? (double)value.Step / value.TotalSteps : 0)).Append(' ');
        line.Append(evaluated
            ? string.Format(CultureInfo.InvariantCulture, "validation loss {0:0.0000}{1}", value.Loss, value.Metric is double m ? string.Format(CultureInfo.InvariantCulture, " metric {0:0.0000}", m) : "")
            : string.Format(CultureInfo.InvariantCulture, "loss {0:0.0000}", value.Loss));
        if (double.IsFinite(rate) && rate > 0)
        {
            line.Append(CultureInfo.InvariantCulture, $"  {rate:0.00} steps/s");
            if (value.Step < value.TotalSteps)
                line.Append("  ").Append(Eta(TimeSpan.FromSeconds((value.TotalSteps - value.Step) / rate))).Append(" left");
        }
        if (value.NonFiniteSteps > 0) line.Append(CultureInfo.InvariantCulture, $"  skipped {value.NonFiniteSteps}");

        if (_live)
        {
            string text = line.ToString();
            _writer.Write('\r' + text + (text.Length < _lastWidth ? new string(' ', _lastWidth - text.Length) : ""));
            _lastWidth = text.Length;
            // After an evaluation the line stays (the epoch's result); training redraws the next one.
            if (evaluated) { _writer.WriteLine(); _lastWidth = 0; }
        }
        else _writer.WriteLine(line.ToString());
        if (last) _writer.Flush();
    }

    private static string Bar(double fraction)
    {
        const int width = 20;
        int filled = (int)Math.Round(Math.Clamp(fraction, 0, 1) * width);
        return "[" + new string('#', filled) + new string('.', width - filled) + "]";
    }

    private static string Eta(TimeSpan left) => left.TotalHours >= 1
        ? left.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
        : left.ToString(@"m\:ss", CultureInfo.InvariantCulture);
}
