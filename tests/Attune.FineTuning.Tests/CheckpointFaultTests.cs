using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Attune.FineTuning.Tests;

/// <summary>
/// Checkpoint writes that fail (issue 11): a full disk mid-run, a read-only directory, a file where the directory should
/// be. The disk is real where tmpfs can be mounted (root here); elsewhere the write failure is simulated through
/// <see cref="Checkpoints.TempStreamWrapper"/>, and the test output says which ran.
/// </summary>
[Trait("Category", "Fault")]
public class CheckpointFaultTests(ITestOutputHelper output)
{
    private static FineTuneOptions Options(string directory) => new() { Epochs = 3, BatchSize = 8, LearningRate = 1e-2, CheckpointDirectory = directory };

    private static TinyNet Model() { torch.manual_seed(7); return new TinyNet { FreezeBackbone = false }; }

    [Fact]
    public void A_file_given_as_the_checkpoint_directory_says_it_is_a_file()
    {
        using var dir = new TempDir();
        string file = dir.File("checkpoints");
        File.WriteAllText(file, "not a folder");
        var ex = Assert.Throws<CheckpointWriteException>(() => Model().Fit(Data.Classification(16), Data.Classification(16, seed: 3), Options(file)));
        Assert.Equal($"CheckpointDirectory for Attune.FineTuning.Tests.TinyNet is {file}, which is a file; expected a directory (for best.bin, last.bin and resume.bin). Point CheckpointDirectory at a folder — it is created if missing — or move the file away. Nothing was trained.", ex.Message);
        Assert.Equal("not a folder", File.ReadAllText(file));
    }

    [Fact]
    public void A_checkpoint_directory_below_a_file_names_the_file()
    {
        using var dir = new TempDir();
        string file = dir.File("runs");
        File.WriteAllText(file, "");
        string directory = Path.Combine(file, "digits", "run1");
        var ex = Assert.Throws<CheckpointWriteException>(() => Model().Fit(Data.Classification(16), Data.Classification(16, seed: 3), Options(directory)));
        Assert.Equal($"CheckpointDirectory for Attune.FineTuning.Tests.TinyNet is {directory}, but {file} is a file, so the directory cannot be created there. Point CheckpointDirectory at a folder (it is created if missing). Nothing was trained.", ex.Message);
    }

    [Fact]
    public void A_read_only_checkpoint_directory_fails_before_any_training_step()
    {
        // A read-only tmpfs (chmod does not stop root); else a directory under /proc, which nobody can create.
        using var mount = Tmpfs.TryMount("ro,size=64k", out string why);
        string directory = mount is not null ? Path.Combine(mount.Path, "run") : "/proc/attune-checkpoints-" + Guid.NewGuid().ToString("N");
        output.WriteLine(mount is not null ? "ran: read-only tmpfs" : $"ran: unwritable /proc path ({why})");
        int reports = 0;
        var model = Model();
        var before = model.Snapshot();
        var ex = Assert.Throws<CheckpointWriteException>(() => model.Fit(Data.Classification(16), Data.Classification(16, seed: 3), Options(directory),
            progress: new InlineProgress(_ => reports++)));
        Assert.StartsWith($"Cannot write checkpoints for Attune.FineTuning.Tests.TinyNet to {directory}: a test write there failed (", ex.Message);
        Assert.Contains("Nothing was trained. Make the directory writable (or free space on its disk), or set CheckpointDirectory to a folder you can write.", ex.Message);
        Assert.Equal(directory, ex.Directory);
        Assert.NotNull(ex.InnerException);
        Assert.Equal(0, reports);
        foreach (var (key, value) in model.state_dict()) Assert.True(Data.SameBits(before[key], value), "trained: " + key);
    }

    [Fact]
    public void A_full_disk_mid_run_keeps_the_last_good_checkpoints_removes_the_temp_file_says_so_and_the_run_resumes()
    {
        using var mount = Tmpfs.TryMount("size=1m", out string why);
        using var fallback = new TempDir();
        string directory = mount?.Path ?? fallback.Path;
        output.WriteLine(mount is not null ? "ran: real full disk (a 1 MiB tmpfs filled at the start of epoch 2)" : $"ran: simulated write failure through Checkpoints.TempStreamWrapper ({why})");

        var model = Model();
        Dictionary<string, Tensor>? epoch1 = null;
        bool filled = false;
        string filler = Path.Combine(directory, "filler");
        var progress = new InlineProgress(p =>
        {
            if (filled || p.Phase != FineTunePhase.Training || p.Epoch != 2) return;
            filled = true; // epoch 1's best.bin, last.bin and resume.bin are on disk: now nothing more fits
            if (mount is not null) Fill(filler);
            else Checkpoints.TempStreamWrapper = stream => new FullDiskStream(stream);
        });
        var observer = new Observer(e => { if (e.Epoch == 1) epoch1 = model.Snapshot(); return false; });
        CheckpointWriteException ex;
        try
        {
            ex = Assert.Throws<CheckpointWriteException>(() => model.Fit(Data.Classification(40), Data.Classification(16, seed: 3), Options(directory), progress, observer: observer));
        }
        finally { Checkpoints.TempStreamWrapper = null; }
        output.WriteLine(ex.Message);

        // Which file failed depends on whether epoch 2 improved (best.bin first) or not (last.bin); both name epoch 1's.
        string kind = Path.GetFileNameWithoutExtension(ex.CheckpointPath)!;
        Assert.Contains(kind, new[] { "best", "last" });
        Assert.StartsWith($"Could not write the {kind} checkpoint of Attune.FineTuning.Tests.TinyNet after epoch 2 to {ex.CheckpointPath} (directory {directory}); the system said: ", ex.Message);
        Assert.Contains("No space left on device", ex.Message);
        Assert.Contains($"The previous file at {ex.CheckpointPath} (the {kind} checkpoint of epoch 1) was kept intact; the partial temporary file was removed.", ex.Message);
        Assert.Contains("then run again with Resume = true", ex.Message);
        Assert.True(ex.PreviousKept);
        Assert.IsAssignableFrom<IOException>(ex.InnerException);
        Assert.Empty(Directory.GetFiles(directory, "*.tmp"));

        // Free the space, then: both checkpoints hold epoch 1's weights, bit for bit, and load.
        if (File.Exists(filler)) File.Delete(filler);
        foreach (var file in new[] { "best.bin", "last.bin" })
        {
            var loaded = new TinyNet();
            loaded.LoadPretrained(Path.Combine(directory, file));
            foreach (var (key, value) in loaded.state_dict()) Assert.True(Data.SameBits(epoch1![key], value), $"{file} differs from epoch 1: {key}");
        }

        // Nothing was lost: resumed, the run ends exactly where an uninterrupted one does.
        using var whole = new TempDir();
        var reference = Model();
        var referenceReport = reference.Fit(Data.Classification(40), Data.Classification(16, seed: 3), Options(whole.Path));
        var resumed = Model();
        var report = resumed.Fit(Data.Classification(40), Data.Classification(16, seed: 3), Options(directory) with { Resume = true });
        Assert.Equal(1, report.ResumedFromEpoch);
        Assert.Equal(referenceReport.Epochs.Select(e => (e.TrainLoss, e.ValidationLoss)), report.Epochs.Select(e => (e.TrainLoss, e.ValidationLoss)));
        foreach (var (key, value) in reference.state_dict()) Assert.True(Data.SameBits(value, resumed.state_dict()[key]), "resumed differs: " + key);
    }

    /// <summary>Writes until the file system refuses: ENOSPC, as on a disk that filled up.</summary>
    private static void Fill(string path)
    {
        var chunk = new byte[64 * 1024];
        try
        {
            using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
            for (int i = 0; i < 10_000; i++) stream.Write(chunk);
        }
        catch (IOException) { } // full (also from the close that flushes)
    }

    /// <summary>The simulated full disk: every write fails as the system's does.</summary>
    private sealed class FullDiskStream(Stream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("No space left on device (simulated)");
        public override void Write(ReadOnlySpan<byte> buffer) => throw new IOException("No space left on device (simulated)");
    }
}
