using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Attune.FineTuning;

namespace Attune.Bench;

/// <summary>
/// LoRA against full fine-tuning on the same wide MLP, in one process: identical initial weights, identical batches,
/// the same AdamW, the same step (forward through <c>call</c>, cross-entropy, backward, step, zero_grad, one dispose scope).
/// Full fine-tuning hands the optimizer every parameter; LoRA attaches rank-r adapters to the body's Linear layers
/// (base weights frozen, as <c>[Lora]</c> does) and hands it the adapters and the head. Rounds alternate the order;
/// round 0 is a discarded warm-up. Optimizer-state memory is measured: the bytes of every tensor AdamW holds in its
/// state after the run (exp_avg, exp_avg_sq), read from the optimizer itself, plus the gradients the step leaves.
/// </summary>
internal static class LoraBench
{
    private const int Inputs = 1024, Classes = 10, Batch = 64, Batches = 4;

    private sealed class WideMlp : nn.Module<Tensor, Tensor>
    {
#pragma warning disable IDE0044, CA1051 // fields are what RegisterComponents reads
        public Sequential body;
        public Linear head;
#pragma warning restore IDE0044, CA1051

        public WideMlp(int hidden, int layers) : base(nameof(WideMlp))
        {
            var modules = new List<(string, nn.Module<Tensor, Tensor>)>();
            for (int i = 0; i < layers; i++)
            {
                modules.Add(($"fc{i}", nn.Linear(i == 0 ? Inputs : hidden, hidden)));
                modules.Add(($"act{i}", nn.ReLU()));
            }
            body = nn.Sequential(modules);
            head = nn.Linear(hidden, Classes);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => head.call(body.call(input));
    }

    private sealed record Arm(string Name, WideMlp Model, AdamW Optimizer, long Trainable, long Total);

    public static int Run(int rounds, int steps, int hidden, int layers, int rank)
    {
        Console.WriteLine($"lora: MLP {Inputs}-{string.Join("-", Enumerable.Repeat(hidden, layers))}-{Classes} (Linear+ReLU x{layers}, Linear head), batch {Batch}, AdamW lr 1e-3, 1 thread;");
        Console.WriteLine($"  full fine-tuning (every parameter) vs LoRA rank {rank}, alpha {2 * rank} on fc0..fc{layers - 1} (base frozen, head trained);");
        Console.WriteLine($"  {steps} steps per arm per round, {rounds - 1} measured rounds + 1 warm-up, order alternating; ms/step = wall / steps.");
        Console.WriteLine();

        torch.manual_seed(7);
        var xs = Enumerable.Range(0, Batches).Select(_ => torch.randn(Batch, Inputs).DetachFromDisposeScope()).ToArray();
        var ys = Enumerable.Range(0, Batches).Select(_ => torch.randint(0, Classes, new long[] { Batch }).DetachFromDisposeScope()).ToArray();

        var full = MakeArm("full", hidden, layers, lora: null);
        var lora = MakeArm("LoRA", hidden, layers, new LoraSpec(rank: rank, alpha: 2 * rank, targets: new[] { "fc*" }));

        Console.WriteLine("  round    order         full ms/step  LoRA ms/step  ratio   full cpu  LoRA cpu");
        var fullWall = new List<double>(); var loraWall = new List<double>();
        var fullCpu = new List<double>(); var loraCpu = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            bool fullFirst = round % 2 == 0;
            (double Wall, double Cpu) f, l;
            if (fullFirst) { f = Steps(full, xs, ys, steps); l = Steps(lora, xs, ys, steps); }
            else { l = Steps(lora, xs, ys, steps); f = Steps(full, xs, ys, steps); }
            string label = round == 0 ? "warm-up" : round.ToString(CultureInfo.InvariantCulture);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {label,-9}{(fullFirst ? "full, LoRA" : "LoRA, full"),-13}{f.Wall,13:F2}{l.Wall,14:F2}{l.Wall / f.Wall,7:F3}{f.Cpu,11:F2}{l.Cpu,10:F2}"));
            if (round == 0) continue;
            fullWall.Add(f.Wall); loraWall.Add(l.Wall); fullCpu.Add(f.Cpu); loraCpu.Add(l.Cpu);
        }

        var (fullState, fullTensors) = OptimizerStateBytes(full.Optimizer);
        var (loraState, loraTensors) = OptimizerStateBytes(lora.Optimizer);
        long fullGrad = GradientBytes(full.Model), loraGrad = GradientBytes(lora.Model);
        double wallRatio = Stats.Median(loraWall) / Stats.Median(fullWall);
        double cpuRatio = Stats.Median(loraCpu) / Stats.Median(fullCpu);

        Console.WriteLine();
        Console.WriteLine("                      trainable / total params   ms/step wall median (min)   cpu median   AdamW state (tensors)   gradients");
        foreach (var (arm, wall, cpu, state, tensors, grad) in new[] { (full, fullWall, fullCpu, fullState, fullTensors, fullGrad), (lora, loraWall, loraCpu, loraState, loraTensors, loraGrad) })
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {arm.Name,-18}{arm.Trainable,12:N0} / {arm.Total,-12:N0}{Stats.Median(wall),10:F2} ({wall.Min():F2}){Stats.Median(cpu),16:F2}{Mib(state),14:F2} MiB ({tensors}){Mib(grad),12:F2} MiB"));
        }
        foreach (var arm in new[] { full, lora })
        {
            var (optimizerTime, counted) = s_optimizerTime[arm.Name];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {arm.Name}: of which AdamW step + zero_grad {optimizerTime.TotalMilliseconds / counted:F2} ms/step (all rounds, warm-up included)"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  LoRA/full: step time {wallRatio:F3} (wall), {cpuRatio:F3} (cpu); optimizer state {(double)loraState / fullState:F4}; trainable share {(double)lora.Trainable / lora.Total:P2}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT lora hidden={hidden} layers={layers} rank={rank} full_ms={Stats.Median(fullWall):F2} lora_ms={Stats.Median(loraWall):F2} time_ratio={wallRatio:F3} full_state_bytes={fullState} lora_state_bytes={loraState} state_ratio={(double)loraState / fullState:F4} full_trainable={full.Trainable} lora_trainable={lora.Trainable}"));

        full.Optimizer.Dispose(); lora.Optimizer.Dispose();
        full.Model.Dispose(); lora.Model.Dispose();
        foreach (var t in xs.Concat(ys)) t.Dispose();
        return 0;
    }

    private static Arm MakeArm(string name, int hidden, int layers, LoraSpec? lora)
    {
        torch.manual_seed(11);   // both arms: the same base weights
        var model = new WideMlp(hidden, layers);
        if (lora is not null) model.body.AttachLora("body", lora);
        model.train();
        var trainable = model.parameters().Where(p => p.requires_grad).ToList();
        long total = model.parameters().Sum(p => p.numel());
        var optimizer = torch.optim.AdamW(trainable, lr: 1e-3);
        return new Arm(name, model, optimizer, trainable.Sum(p => p.numel()), total);
    }

    /// <summary>Optimizer step + zero_grad wall time per arm, summed over measured steps (to split the step time).</summary>
    private static readonly Dictionary<string, (TimeSpan Optimizer, long Steps)> s_optimizerTime = new();

    private static (double WallMs, double CpuMs) Steps(Arm arm, Tensor[] xs, Tensor[] ys, int steps)
    {
        var cpuStart = ThreadClock.Now();
        var clock = Stopwatch.StartNew();
        var optimizerClock = new Stopwatch();
        for (int i = 0; i < steps; i++)
        {
            using var scope = torch.NewDisposeScope();
            var output = arm.Model.call(xs[i % xs.Length]);
            var loss = nn.functional.cross_entropy(output, ys[i % ys.Length]);
            loss.backward();
            optimizerClock.Start();
            arm.Optimizer.step();
            arm.Optimizer.zero_grad();
            optimizerClock.Stop();
        }
        clock.Stop();
        s_optimizerTime.TryGetValue(arm.Name, out var sum);
        s_optimizerTime[arm.Name] = (sum.Optimizer + optimizerClock.Elapsed, sum.Steps + steps);
        var cpu = ThreadClock.Now() - cpuStart;
        return (clock.Elapsed.TotalMilliseconds / steps, cpu.TotalMilliseconds / steps);
    }

    /// <summary>Bytes of every tensor in the optimizer's live state (AdamW: exp_avg, exp_avg_sq, max_exp_avg_sq).</summary>
    private static (long Bytes, int Tensors) OptimizerStateBytes(AdamW optimizer)
    {
        long bytes = 0;
        int tensors = 0;
        foreach (var state in optimizer.state_dict().State)
        {
            if (state is not AdamW.State adam)
                throw new InvalidOperationException($"Expected AdamW state, found {state.GetType().Name}.");
            foreach (var t in new[] { adam.exp_avg, adam.exp_avg_sq, adam.max_exp_avg_sq })
            {
                if (t is null || t.IsInvalid) continue;
                bytes += t.numel() * t.ElementSize;
                tensors++;
            }
        }
        return (bytes, tensors);
    }

    /// <summary>Bytes of the gradients the parameters hold after the run (frozen parameters have none).</summary>
    private static long GradientBytes(nn.Module model)
    {
        long bytes = 0;
        foreach (var p in model.parameters())
        {
            using var grad = p.grad;
            if (grad is not null && !grad.IsInvalid) bytes += grad.numel() * grad.ElementSize;
        }
        return bytes;
    }

    private static double Mib(long bytes) => bytes / (1024.0 * 1024.0);
}
