using System;
using System.IO;

namespace Attune.FineTuning;

/// <summary>
/// Checks the checkpoint directory before any training: that it is (or can be made) a directory, and that a file can
/// be written in it and deleted. Without this, a read-only directory was only found when the first epoch's checkpoint
/// was written — after a whole epoch of training — and a file given as the directory said only "already exists".
/// </summary>
internal static class CheckpointDirectory
{
    /// <returns>The directory's full path, created if it was missing.</returns>
    /// <exception cref="CheckpointWriteException">A file is in the way, or the directory cannot be created or written.</exception>
    public static string Ensure(string directory, string modelName)
    {
        string full = Path.GetFullPath(directory);
        if (File.Exists(full))
            throw new CheckpointWriteException(
                $"CheckpointDirectory for {modelName} is {full}, which is a file; expected a directory (for best.bin, last.bin and resume.bin). Point CheckpointDirectory at a folder — it is created if missing — or move the file away. Nothing was trained.",
                full, null, previousKept: false);
        for (string? parent = Path.GetDirectoryName(full); parent is not null; parent = Path.GetDirectoryName(parent))
        {
            if (File.Exists(parent))
                throw new CheckpointWriteException(
                    $"CheckpointDirectory for {modelName} is {full}, but {parent} is a file, so the directory cannot be created there. Point CheckpointDirectory at a folder (it is created if missing). Nothing was trained.",
                    full, null, previousKept: false);
            if (Directory.Exists(parent)) break;
        }
        string probe = Path.Combine(full, ".attune-write-probe-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(full);
            using (var stream = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
                stream.WriteByte(0);
                stream.Flush(); // to the system, where a full or read-only file system refuses it; no fsync needed
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(probe); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw new CheckpointWriteException(
                $"Cannot write checkpoints for {modelName} to {full}: a test write there failed ({ex.Message}). Nothing was trained. Make the directory writable (or free space on its disk), or set CheckpointDirectory to a folder you can write.",
                full, null, previousKept: false, ex);
        }
        return full;
    }
}
