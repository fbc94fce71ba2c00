using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace Attune.FineTuning;

/// <summary>
/// Says what a file that failed to parse as weights looks like, from its first bytes, without ever echoing binary
/// garbage into a message: a known format's name (a PyTorch zip, a pickle, safetensors, …) with the loader or
/// conversion to use, and the first bytes as hex with a printable-ASCII column (every other byte shown as '.').
/// </summary>
internal static class WeightsFormat
{
    public const int PreviewBytes = 16;

    /// <summary>The formats Attune reads, for "expected …".</summary>
    public const string Expected =
        "a TorchSharp module.save file or Attune checkpoint (LoadPretrained), a safetensors file (LoadSafeTensors), or a Hugging Face folder or ONNX model (Attune.Transformers)";

    /// <summary>"its first bytes are 50 4b 03 04 … |PK..|, a ZIP archive: PyTorch's torch.save format …".</summary>
    public static string Describe(string path)
    {
        byte[] head;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            head = new byte[(int)Math.Min(stream.Length, PreviewBytes)];
            stream.ReadExactly(head);
        }
        catch (IOException) { return "its first bytes could not be read"; }
        catch (UnauthorizedAccessException) { return "its first bytes could not be read"; }
        string bytes = head.Length == 0 ? "it is empty" : "its first bytes are " + Preview(head);
        string? known = Recognise(head);
        return known is null ? bytes : bytes + ", " + known;
    }

    /// <summary>Hex, then the same bytes as printable ASCII: <c>50 4b 03 04 |PK..|</c>.</summary>
    public static string Preview(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder();
        foreach (byte b in bytes) text.Append(b.ToString("x2", CultureInfo.InvariantCulture)).Append(' ');
        text.Append('|');
        foreach (byte b in bytes) text.Append(b is >= 0x20 and < 0x7f ? (char)b : '.');
        return text.Append('|').ToString();
    }

    /// <summary>Whether a name read from a file is text a person can read (no control characters, valid UTF-8).</summary>
    public static bool IsReadableName(string name)
    {
        if (name.Length == 0) return false;
        foreach (char c in name)
            if (char.IsControl(c) || c == '\uFFFD') return false; // U+FFFD: bytes that were not UTF-8
        return true;
    }

    /// <summary>A name for a message: itself when readable, else a note that it is binary.</summary>
    public static string Safe(string name) => IsReadableName(name) ? $"'{name}'" : $"(an unreadable {name.Length}-character name)";

    /// <summary>
    /// The full path of the weights file <paramref name="path"/> names, or a FileNotFoundException whose message names
    /// the full path: "<paramref name="kind"/> file not found: …", or, for a directory, the weights files inside it
    /// (<see cref="DirectoryGiven"/>). Every loader starts with this, so they all answer a wrong path alike.
    /// </summary>
    /// <param name="path">The path the user gave.</param>
    /// <param name="expected">What belongs there, for the directory message ("a .safetensors file").</param>
    /// <param name="kind">The file's kind at the start of the not-found message ("Safetensors").</param>
    public static string RequireFile(string path, string expected, string kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string fullPath = Path.GetFullPath(path);
        if (Directory.Exists(fullPath))
            throw DirectoryGiven(fullPath, expected);
        if (!File.Exists(fullPath))
            throw new FileNotFoundException($"{kind} file not found: {fullPath}", fullPath);
        return fullPath;
    }

    /// <summary>
    /// A directory given where a weights file was expected: a FileNotFoundException (no file there) whose message says
    /// it is a directory and names the weights files in it, so the next try is obvious.
    /// </summary>
    public static FileNotFoundException DirectoryGiven(string fullPath, string expected)
    {
        string[] inside;
        try
        {
            inside = Directory.GetFiles(fullPath)
                .Where(f => f.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".bin", StringComparison.OrdinalIgnoreCase)
                    || f.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".pt", StringComparison.OrdinalIgnoreCase))
                .Select(Path.GetFileName).Order(StringComparer.Ordinal).Take(8).ToArray()!;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { inside = Array.Empty<string>(); }
        string holds = inside.Length == 0 ? "it holds no .safetensors, .bin, .pt or .onnx file" : "it holds " + string.Join(", ", inside);
        bool huggingFace = File.Exists(Path.Combine(fullPath, "config.json"));
        return new FileNotFoundException(
            $"{fullPath} is a directory; expected {expected}. {char.ToUpperInvariant(holds[0])}{holds[1..]}: pass the file's path"
            + (huggingFace ? " (it has a config.json: a Hugging Face model folder loads whole with Attune.Transformers' FromPretrained(folder))." : "."),
            fullPath);
    }

    private static string? Recognise(byte[] b)
    {
        if (Starts(b, 0x50, 0x4b, 0x03, 0x04))
            return "a ZIP archive: PyTorch's torch.save format (.pt/.pth/.bin). Convert it to safetensors in Python (safetensors.torch.save_file(model.state_dict(), 'model.safetensors')) and load that with LoadSafeTensors";
        if (Starts(b, 0x80) && b.Length > 1 && b[1] is >= 2 and <= 5)
            return "a Python pickle (an old torch.save file). Convert it to safetensors in Python and load that with LoadSafeTensors";
        if (Starts(b, 0x89, (byte)'H', (byte)'D', (byte)'F'))
            return "an HDF5 file (Keras .h5), which Attune does not read";
        if (Starts(b, 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'))
            return "a NumPy .npy array, which Attune does not read as a model";
        if (Starts(b, (byte)'G', (byte)'G', (byte)'U', (byte)'F'))
            return "a GGUF file (llama.cpp), which Attune does not read";
        if (b.Length >= 9 && b[8] == (byte)'{' && b[3] == 0 && b[4] == 0 && b[5] == 0 && b[6] == 0 && b[7] == 0)
            return "a safetensors file: load it with LoadSafeTensors";
        if (LooksLikeTorchSharp(b))
            return "which looks like a TorchSharp module.save file (an entry count, then a tensor name): load it with LoadPretrained";
        if (Starts(b, (byte)'<') || Starts(b, (byte)'{') || Starts(b, 0xef, 0xbb, 0xbf))
            return "a text file (HTML, JSON or XML — a download that returned a web page?), not weights";
        return null;
    }

    /// <summary>module.save: a one-byte entry count, a one-byte name length, then that many bytes of readable ASCII (as far as we read).</summary>
    private static bool LooksLikeTorchSharp(byte[] b)
    {
        if (b.Length < 6 || b[0] is 0 or >= 0x80 || b[1] is 0 or >= 0x80) return false;
        int end = Math.Min(b.Length, 2 + b[1]);
        for (int i = 2; i < end; i++) if (b[i] is < 0x21 or >= 0x7f) return false;
        return true;
    }

    private static bool Starts(byte[] b, params byte[] magic)
    {
        if (b.Length < magic.Length) return false;
        for (int i = 0; i < magic.Length; i++) if (b[i] != magic[i]) return false;
        return true;
    }
}
