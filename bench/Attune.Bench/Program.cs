// Attune benchmarks. Not a test: run it in Release and read the tables.
//   dotnet run -c Release --project bench/Attune.Bench -- overhead [--cases train-mlp,eval-mlp,...] [--rounds N] [--process-rounds N] [--no-processes]   (the figures of record for step, evaluation and batch costs)
//   dotnet run -c Release --project bench/Attune.Bench -- leak [--epochs 100] [--no-control | --control-first]
//   dotnet run -c Release --project bench/Attune.Bench -- lora [--rounds 11] [--steps 20] [--hidden 1024] [--layers 4] [--rank 8]
//   dotnet run -c Release --project bench/Attune.Bench -- accumulation [--rounds 11] [--epochs 3] [--k 2,4,8]
//   dotnet run -c Release --project bench/Attune.Bench -- encoder [all|matmul|steps|padding|lora] [--threads 2] [--rounds N] ...
//   dotnet run -c Release --project bench/Attune.Bench -- digits-table [--out bench/data/digits-mlp-sweep.csv] [--epochs 10]   (the search suite's real sweep)
//   dotnet run -c Release --project bench/Attune.Bench -- encoder export-onnx PATH   (all-MiniLM-L6-v2's model.onnx, for the PyTorch peer)
// Results and how to read them: docs/benchmarks.md.
using System.Globalization;
using Attune;
using Attune.Bench;
using Attune.FineTuning;
using TorchSharp;

// TorchSharp 0.107's native library needs this on pre-GCC-13 libstdc++ (Debian 12); before any TorchSharp use.
TorchSharpNative.EnsureLoadable();
torch.set_num_threads(1);

string command = args.Length > 0 ? args[0] : "help";
// A child process of the overhead benchmark's separate-process rounds: no banner, only its SAMPLE lines.
if (command == Attune.Bench.Overhead.SeparateProcessRounds.ChildCommand)
    return Attune.Bench.Overhead.SeparateProcessRounds.Child(args, name => Attune.Bench.Overhead.OverheadBench.Create(name, args));
if (command == "encoder" && args.Length > 1 && args[1] == "export-onnx") return EncoderBench.Run(args); // no machine banner
if (command is "help" or "-h" or "--help")
{
    Console.WriteLine("usage: Attune.Bench overhead [--cases LIST] [--rounds N] [--process-rounds N] [--no-processes] | leak [--epochs N] [--no-control | --control-first] | lora [--rounds N] [--steps N] [--hidden N] [--layers N] [--rank N] | accumulation [--rounds N] [--epochs N] [--k 2,4,8] | encoder [all|matmul|steps|padding|lora|export-onnx PATH] [--threads N] | digits-table [--out PATH] [--epochs N]");
    return 0;
}
// The encoder benchmark runs with --threads (default 2): set them before the banner, which prints the count.
if (command == "encoder") torch.set_num_threads(Arg("--threads", 2));
Machine.Print();
switch (command)
{
    case "overhead":
        return Attune.Bench.Overhead.OverheadBench.Run(args);
    case "finetune":
        Console.Error.WriteLine("`finetune` is replaced by `overhead --cases train-mlp` (issue 15: interleaved rounds in one process and in separate processes, with intervals); see docs/benchmarks.md.");
        return 2;
    case "leak":
        return LeakBench.Run(epochs: Math.Max(3, Arg("--epochs", 100)), control: !args.Contains("--no-control"), controlFirst: args.Contains("--control-first"));
    case "lora":
        return LoraBench.Run(rounds: Math.Max(2, Arg("--rounds", 11)), steps: Math.Max(1, Arg("--steps", 20)), hidden: Math.Max(1, Arg("--hidden", 1024)),
            layers: Math.Max(1, Arg("--layers", 4)), rank: Math.Max(1, Arg("--rank", 8)));
    case "encoder":
        return EncoderBench.Run(args);
    case "digits-table":
        return DigitsTableBench.Run(Text("--out", "bench/data/digits-mlp-sweep.csv"), epochs: Math.Max(1, Arg("--epochs", 10)));
    case "accumulation":
        return AccumulationBench.Run(rounds: Math.Max(2, Arg("--rounds", 11)), epochs: Math.Max(1, Arg("--epochs", 3)), ks: Ks());
    default:
        Console.Error.WriteLine($"Unknown command '{command}'; expected overhead, leak, lora, accumulation, encoder or digits-table.");
        return 2;
}

int Arg(string name, int fallback)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}

string Text(string name, string fallback)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
}

int[] Ks()
{
    int at = Array.IndexOf(args, "--k");
    if (at < 0 || at + 1 >= args.Length) return new[] { 2, 4, 8 };
    return args[at + 1].Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray();
}
