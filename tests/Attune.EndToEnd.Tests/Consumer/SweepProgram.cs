// A sweep over a plain function (Branin, whose minimum is 0.397887): no model, no TorchSharp. Storage comes from the
// first argument (a SQLite file by default).
using Attune;
using Attune.Search;

string storage = args.Length > 0 ? args[0] : "branin.db";
try
{
    var sweep = BraninSpace.RunSweep(trial =>
    {
        var p = trial.Parameters;
        double a = 1, b = 5.1 / (4 * Math.PI * Math.PI), c = 5 / Math.PI, r = 6, s = 10, t = 1 / (8 * Math.PI);
        return a * Math.Pow(p.X2 - b * p.X1 * p.X1 + c * p.X1 - r, 2) + s * (1 - t) * Math.Cos(p.X1) + s;
    }, BraninSpace.DefaultSweepOptions with { Storage = storage });
    Console.WriteLine(FormattableString.Invariant($"SWEEPCONSUMER best={sweep.Best.Value:F4} trials={sweep.Trials.Count}"));
    Console.WriteLine("SWEEPCONSUMER assemblies=" + string.Join(",", AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetName().Name).Where(n => n!.StartsWith("Attune") || n.StartsWith("Torch") || n.StartsWith("Npgsql")).Order()));
}
catch (Exception e) when (e is InvalidOperationException or ArgumentException or IOException)
{
    Console.WriteLine("SWEEPCONSUMER error=" + e.Message);
    return 2;
}
return 0;

[TuneSpace(Trials = 40, Direction = Direction.Minimize, Seed = 3)]
public partial record BraninSpace
{
    [Uniform(-5, 10)] public double X1 { get; init; }
    [Uniform(0, 15)] public double X2 { get; init; }
}
