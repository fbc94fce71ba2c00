using System.Diagnostics;
using Attune.Search;
using Attune.Search.PostgreSql;
using Npgsql;

namespace Attune.SweepBench;

/// <summary>
/// The scale benchmark (issue 14, item 7): one long study per sampler and storage — 10,000 trials by default — of the
/// overhead space's trivial objective, so everything measured is Attune's own cost. For each block of trials it prints
/// the median and 99th-percentile gap between one objective call and the next (sampling, storing the result, reading
/// other workers' changes, creating the next trial), then the storage's size on disk and how long reopening the study
/// and loading every trial takes (what a resumed sweep, `attune show` and the report pay). Prints numbers, asserts
/// nothing: the point is to see whether the per-trial cost stays flat as the study grows.
/// </summary>
internal static class Scale
{
    public static void Run(int trials, int blocks, string[] samplerNames, string[] storageNames, string? postgres)
    {
        Console.WriteLine($"# scale: one study of {trials} trials per sampler and storage, overhead space (5 parameters), trivial objective, 1 worker");
        Console.WriteLine($"# gap = wall ms from one objective call to the next, per block of {trials / blocks} trials: median / p99");
        Console.WriteLine($"{"sampler",-8} {"storage",-9} {"block",13} {"median",8} {"p99",8}");
        var summaries = new List<string>();
        foreach (string samplerName in samplerNames)
        {
            if (!Enum.TryParse<Sampler>(samplerName, ignoreCase: true, out var kind))
            {
                Console.WriteLine($"# sampler '{samplerName}' is not a member of Attune.Sampler in this build; skipped");
                continue;
            }
            foreach (string storageName in storageNames)
            {
                if (storageName == "postgres" && postgres is null)
                {
                    Console.WriteLine("# postgres: no connection string (--postgres or ATTUNE_TEST_POSTGRES); skipped");
                    continue;
                }
                summaries.Add(Once(kind, storageName, trials, blocks, postgres));
            }
        }
        Console.WriteLine();
        Console.WriteLine($"{"sampler",-8} {"storage",-9} {"ms/trial",9} {"cpu/trial",9} {"size",10} {"B/trial",8} {"reopen ms",10}");
        foreach (var line in summaries) Console.WriteLine(line);
        Console.WriteLine("# ms/trial, cpu/trial: wall and process CPU time of Sweep.Run / trials; size: the SQLite file (with its WAL) or the PostgreSQL");
        Console.WriteLine("# database's growth; reopen: a new storage object opening the study and loading every trial (Studies.Load), median of 3.");
    }

    private static string Once(Sampler kind, string storageName, int trials, int blocks, string? postgres)
    {
        string study = $"scale-{kind}-{Guid.NewGuid():N}"[..24];
        string? file = storageName == "sqlite" ? Path.Combine(Path.GetTempPath(), $"attune-scale-{Guid.NewGuid():N}.db") : null;
        Func<IStudyStorage> open = storageName switch
        {
            "memory" => () => throw new InvalidOperationException("an in-memory study cannot be reopened"),
            "sqlite" => () => new SqliteStudyStorage(file!),
            "postgres" => () => new PostgresStudyStorage(postgres!),
            _ => throw new ArgumentException($"Unknown storage '{storageName}'; expected memory, sqlite or postgres."),
        };
        long sizeBefore = storageName == "postgres" ? DatabaseSize(postgres!) : 0;
        var storage = storageName == "memory" ? new InMemoryStudyStorage() : open();
        var (stamps, wallMs, cpuMs) = TimedSweep.Run(Samplers.Create(kind), storage, trials, study);
        double wall = wallMs / trials;
        double cpu = cpuMs / trials;

        int per = trials / blocks;
        for (int b = 0; b < blocks; b++)
        {
            int from = Math.Max(1, b * per), to = (b + 1) * per;
            var gaps = new double[to - from];
            for (int i = from; i < to; i++) gaps[i - from] = Stopwatch.GetElapsedTime(stamps[i - 1], stamps[i]).TotalMilliseconds;
            Console.WriteLine($"{kind.ToString().ToLowerInvariant(),-8} {storageName,-9} {$"{b * per}-{to}",13} {Stats.Quantile(gaps, 0.5),8:F3} {Stats.Quantile(gaps, 0.99),8:F3}");
        }

        string size = "-", perTrial = "-", reopen = "-";
        if (storageName != "memory")
        {
            long bytes = storageName == "sqlite"
                ? new[] { file!, file + "-wal" }.Where(File.Exists).Sum(f => new FileInfo(f).Length)
                : DatabaseSize(postgres!) - sizeBefore;
            size = $"{bytes / 1048576.0:F1} MiB";
            perTrial = $"{bytes / (double)trials:F0}";
            var times = new double[3];
            for (int r = 0; r < times.Length; r++)
            {
                long r0 = Stopwatch.GetTimestamp();
                using (var again = open())
                {
                    var loaded = Studies.Load(again, study) ?? throw new InvalidOperationException($"study {study} not found on reopening");
                    if (loaded.Trials.Count != trials) throw new InvalidOperationException($"reopened {loaded.Trials.Count} trials, expected {trials}");
                }
                times[r] = Stopwatch.GetElapsedTime(r0).TotalMilliseconds;
            }
            reopen = $"{Stats.Quantile(times, 0.5):F0}";
            using (var cleanup = open()) cleanup.DeleteStudy(study);
        }
        if (file is not null)
            foreach (var f in new[] { file, file + "-wal", file + "-shm", file + "-journal" }) if (File.Exists(f)) File.Delete(f);
        return $"{kind.ToString().ToLowerInvariant(),-8} {storageName,-9} {wall,9:F3} {cpu,9:F3} {size,10} {perTrial,8} {reopen,10}";
    }

    private static long DatabaseSize(string connectionString)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand("SELECT pg_database_size(current_database())", connection);
        return (long)command.ExecuteScalar()!;
    }
}
