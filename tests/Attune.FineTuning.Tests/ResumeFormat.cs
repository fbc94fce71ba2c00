using System;
using System.IO;
using System.Linq;
using Attune;

namespace Attune.FineTuning.Tests;

/// <summary>Turns a resume.bin of the current format into one another Attune wrote: the same bytes without the fields
/// added since (for an earlier version), the version number changed, and the SHA-256 over the rest written again.</summary>
internal static class ResumeFormat
{
    private static readonly int VersionAt = "ATTUNE-RESUME\n".Length;

    /// <param name="dropBeforeTensors">Bytes of loop state the old version did not write: they sit at the end of the
    /// loop state, just before the tensors.</param>
    public static void Rewrite(string path, int version, int dropBeforeTensors)
    {
        long tensorsAt = ResumeCheckpoint.ReadHeader(path, new TrainerState("test", 0, 0)).TensorsAt;
        var current = File.ReadAllBytes(path);
        Assert.Equal(3, BitConverter.ToInt32(current, VersionAt)); // the format these offsets were written for
        var body = current.AsSpan(0, current.Length - 32);
        var bytes = body[..(int)(tensorsAt - dropBeforeTensors)].ToArray().Concat(body[(int)tensorsAt..].ToArray()).ToArray();
        BitConverter.GetBytes(version).CopyTo(bytes, VersionAt);
        File.WriteAllBytes(path, bytes.Concat(System.Security.Cryptography.SHA256.HashData(bytes)).ToArray());
    }

    /// <summary>The loop state saved in the file.</summary>
    public static TrainerState Read(string path)
    {
        var state = new TrainerState("test", 0, 0);
        ResumeCheckpoint.ReadHeader(path, state);
        return state;
    }
}
