using System;

namespace Attune.FineTuning;

/// <summary>
/// A safetensors file that breaks the format (truncated, oversized or hostile header, bad offsets, unknown dtype, …).
/// The message names the file, the tensor or field at fault, and what was expected against what was found.
/// </summary>
public sealed class SafeTensorsFormatException : Exception
{
    public SafeTensorsFormatException(string message, string path, string? tensor = null, Exception? inner = null)
        : base(message, inner)
    {
        Path = path;
        Tensor = tensor;
    }

    /// <summary>The full path of the file.</summary>
    public string Path { get; }

    /// <summary>The tensor entry at fault, when the problem belongs to one.</summary>
    public string? Tensor { get; }
}
