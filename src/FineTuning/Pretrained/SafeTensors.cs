using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Attune.FineTuning;

/// <summary>One tensor of a safetensors file: its name, dtype, shape and where its bytes lie.</summary>
/// <param name="Name">The key in the file's header.</param>
/// <param name="DType">The dtype as the file spells it ("F32", "BF16", "I64", …).</param>
/// <param name="ScalarType">The TorchSharp dtype it reads as.</param>
/// <param name="Shape">The shape (row-major); empty for a scalar.</param>
/// <param name="Begin">First byte, relative to the start of the data section.</param>
/// <param name="End">One past the last byte, relative to the start of the data section.</param>
public sealed record SafeTensorEntry(string Name, string DType, ScalarType ScalarType, long[] Shape, long Begin, long End)
{
    /// <summary>Bytes of data: <c>End - Begin</c>.</summary>
    public long ByteLength => End - Begin;
}

/// <summary>
/// The validated header of a safetensors file. Tensors are read on demand (a seek and a read each), so a large file
/// is never loaded whole; the file is opened for each read and not held.
/// </summary>
public sealed class SafeTensorsFile
{
    private readonly Dictionary<string, SafeTensorEntry> _byName;

    internal SafeTensorsFile(string path, long headerLength, IReadOnlyDictionary<string, string> metadata, List<SafeTensorEntry> entries)
    {
        Path = path;
        HeaderLength = headerLength;
        Metadata = metadata;
        Entries = entries;
        _byName = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
    }

    /// <summary>The full path of the file.</summary>
    public string Path { get; }

    /// <summary>N, the length of the JSON header (the data section starts at byte 8 + N).</summary>
    public long HeaderLength { get; }

    /// <summary>The <c>__metadata__</c> strings (empty when the file has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Every tensor, sorted by name (ordinal).</summary>
    public IReadOnlyList<SafeTensorEntry> Entries { get; }

    /// <summary>The entry called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The file has no such tensor (the message names the file).</exception>
    public SafeTensorEntry this[string name] => _byName.TryGetValue(name, out var e) ? e
        : throw new KeyNotFoundException($"The safetensors file {Path} has no tensor '{name}'.");

    public bool TryGetEntry(string name, out SafeTensorEntry entry) => _byName.TryGetValue(name, out entry!);

    /// <summary>Reads one tensor into a new CPU tensor of the file's dtype and shape (the caller disposes it).</summary>
    /// <exception cref="SafeTensorsFormatException">The file became shorter since its header was read.</exception>
    public Tensor ReadTensor(string name) => ReadTensor(this[name]);

    /// <inheritdoc cref="ReadTensor(string)"/>
    public Tensor ReadTensor(SafeTensorEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return ReadTensor(stream, entry);
    }

    /// <summary>Reads every tensor (the caller disposes them).</summary>
    public Dictionary<string, Tensor> ReadAll()
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            foreach (var entry in Entries) result.Add(entry.Name, ReadTensor(stream, entry));
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        return result;
    }

    /// <summary>Copies each entry into its target tensor (converting dtype and device as <c>copy_</c> does), without
    /// recording gradients, through one open stream: the loaders' last step once every name and shape has been checked.</summary>
    /// <exception cref="SafeTensorsFormatException">The file became shorter since its header was read; the targets before
    /// the failing one already hold their new values.</exception>
    internal void CopyInto(IEnumerable<(SafeTensorEntry Entry, Tensor Target)> items)
    {
        using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read);
        using var noGrad = torch.no_grad();
        foreach (var (entry, target) in items)
        {
            using var staging = ReadTensor(stream, entry);
            target.copy_(staging);
        }
    }

    internal Tensor ReadTensor(Stream stream, SafeTensorEntry entry)
    {
        var tensor = torch.empty(entry.Shape, entry.ScalarType, torch.CPU);
        try
        {
            if (entry.ByteLength > 0)
            {
                stream.Seek(8 + HeaderLength + entry.Begin, SeekOrigin.Begin);
                tensor.ReadBytesFromStream(stream, 1 << 16);
            }
            return tensor;
        }
        catch (EndOfStreamException ex)
        {
            tensor.Dispose();
            throw new SafeTensorsFormatException(string.Format(CultureInfo.InvariantCulture,
                "The safetensors file {0} ended inside tensor '{1}' (expected {2} bytes at data offset {3}); the file changed since its header was read.",
                Path, entry.Name, entry.ByteLength, entry.Begin), Path, entry.Name, ex);
        }
    }
}

/// <summary>
/// Reads and writes the safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
/// header length N, N bytes of UTF-8 JSON mapping each tensor name to its dtype, shape and data offsets (plus an
/// optional <c>__metadata__</c> object of strings), then the raw little-endian row-major data.
/// Every header is validated before anything is allocated from it.
/// </summary>
public static partial class SafeTensors
{
    /// <summary>Headers longer than this are refused before any allocation (the reference implementation uses the same cap).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private const string MetadataKey = "__metadata__";

    private static readonly (string Name, ScalarType Type, int Size)[] s_dtypes =
    {
        ("F64", ScalarType.Float64, 8), ("F32", ScalarType.Float32, 4), ("F16", ScalarType.Float16, 2), ("BF16", ScalarType.BFloat16, 2),
        ("I64", ScalarType.Int64, 8), ("I32", ScalarType.Int32, 4), ("I16", ScalarType.Int16, 2), ("I8", ScalarType.Int8, 1),
        ("U8", ScalarType.Byte, 1), ("BOOL", ScalarType.Bool, 1),
    };

    private static string Supported => string.Join(", ", s_dtypes.Select(d => d.Name));

    /// <summary>The safetensors spelling of a TorchSharp dtype, or null when the format has none TorchSharp can read.</summary>
    public static string? DTypeName(ScalarType type)
    {
        foreach (var d in s_dtypes) if (d.Type == type) return d.Name;
        return null;
    }

    /// <summary>Reads and validates the header of <paramref name="path"/>; tensors are read later, on demand.</summary>
    /// <exception cref="FileNotFoundException">No file at the path (the message names the full path).</exception>
    /// <exception cref="SafeTensorsFormatException">The file breaks the format; the message says where and how.</exception>
    public static SafeTensorsFile Read(string path)
    {
        string fullPath = WeightsFormat.RequireFile(path, "a .safetensors file", "Safetensors");
        RequireLittleEndian();

        byte[] header;
        long fileLength;
        ulong announced;
        using (var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            fileLength = stream.Length;
            if (fileLength < 8)
                throw Bad(fullPath, null, $"the file is {fileLength} bytes, shorter than the 8-byte header length that starts every safetensors file");
            Span<byte> prefix = stackalloc byte[8];
            stream.ReadExactly(prefix);
            announced = BitConverter.ToUInt64(prefix);
            if (announced > (ulong)(fileLength - 8))
                throw Bad(fullPath, null, string.Format(CultureInfo.InvariantCulture,
                    "the header length is {0} bytes but only {1} bytes follow the 8-byte length; the file is truncated or not a safetensors file ({2}; expected {3})",
                    announced, fileLength - 8, WeightsFormat.Describe(fullPath), WeightsFormat.Expected));
            if (announced > MaxHeaderBytes)
                throw Bad(fullPath, null, string.Format(CultureInfo.InvariantCulture,
                    "the header length is {0} bytes, more than the {1}-byte limit for a header", announced, MaxHeaderBytes));
            if (announced < 2)
                throw Bad(fullPath, null, $"the header length is {announced} bytes, too short for a JSON object");
            header = new byte[(int)announced];
            stream.ReadExactly(header);
        }

        long headerLength = (long)announced;
        long dataLength = fileLength - 8 - headerLength;
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            throw Bad(fullPath, null, $"the header is not valid JSON ({ex.Message}); {WeightsFormat.Describe(fullPath)}", inner: ex);
        }
        catch (ArgumentException ex) // invalid UTF-8
        {
            throw Bad(fullPath, null, $"the header is not valid UTF-8 JSON ({ex.Message}); {WeightsFormat.Describe(fullPath)}", inner: ex);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw Bad(fullPath, null, $"the header is a JSON {Kind(root)}, expected a JSON object mapping tensor names to their dtype, shape and data_offsets");

            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<SafeTensorEntry>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            bool metadataSeen = false;
            try
            {
                foreach (var property in root.EnumerateObject())
                {
                    string name = property.Name;
                    if (name == MetadataKey)
                    {
                        if (metadataSeen) throw Bad(fullPath, null, $"the header has '{MetadataKey}' twice");
                        metadataSeen = true;
                        ReadMetadata(fullPath, property.Value, metadata);
                        continue;
                    }
                    if (name.Length == 0) throw Bad(fullPath, "", "a tensor has an empty name; expected a non-empty name");
                    if (!seen.Add(name)) throw Bad(fullPath, name, $"tensor '{name}' appears twice in the header; expected unique names");
                    entries.Add(ReadEntry(fullPath, name, property.Value, dataLength));
                }
            }
            catch (InvalidOperationException ex) // a string that is not valid UTF-8
            {
                throw Bad(fullPath, null, $"the header holds a string that is not valid UTF-8 ({ex.Message})", inner: ex);
            }

            CheckCoverage(fullPath, entries, dataLength);
            entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            return new SafeTensorsFile(fullPath, headerLength, metadata, entries);
        }
    }

    private static void ReadMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw Bad(path, null, $"'{MetadataKey}' is a JSON {Kind(value)}, expected an object of string values");
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw Bad(path, null, $"'{MetadataKey}.{item.Name}' is a JSON {Kind(item.Value)}, expected a string");
            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
                throw Bad(path, null, $"'{MetadataKey}' has the key '{item.Name}' twice");
        }
    }

    private static SafeTensorEntry ReadEntry(string path, string name, JsonElement value, long dataLength)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw Bad(path, name, $"tensor '{name}' is a JSON {Kind(value)}, expected an object with dtype, shape and data_offsets");
        JsonElement? dtypeValue = null, shapeValue = null, offsetsValue = null;
        foreach (var field in value.EnumerateObject())
        {
            ref JsonElement? slot = ref dtypeValue;
            switch (field.Name)
            {
                case "dtype": slot = ref dtypeValue; break;
                case "shape": slot = ref shapeValue; break;
                case "data_offsets": slot = ref offsetsValue; break;
                default: continue; // unknown fields are ignored, as the reference implementation does
            }
            if (slot is not null) throw Bad(path, name, $"tensor '{name}' has the field '{field.Name}' twice");
            slot = field.Value;
        }
        if (dtypeValue is not { } dtypeElement) throw Bad(path, name, $"tensor '{name}' has no 'dtype' field");
        if (shapeValue is not { } shapeElement) throw Bad(path, name, $"tensor '{name}' has no 'shape' field");
        if (offsetsValue is not { } offsetsElement) throw Bad(path, name, $"tensor '{name}' has no 'data_offsets' field");

        if (dtypeElement.ValueKind != JsonValueKind.String)
            throw Bad(path, name, $"tensor '{name}' has a dtype that is a JSON {Kind(dtypeElement)}, expected a string (one of {Supported})");
        string dtype = dtypeElement.GetString()!;
        int index = Array.FindIndex(s_dtypes, d => d.Name == dtype);
        if (index < 0)
            throw Bad(path, name, $"tensor '{name}' has dtype '{Truncate(dtype)}', expected one of {Supported}");
        var (_, scalarType, size) = s_dtypes[index];

        if (shapeElement.ValueKind != JsonValueKind.Array)
            throw Bad(path, name, $"tensor '{name}' has a shape that is a JSON {Kind(shapeElement)}, expected an array of non-negative integers");
        var shape = new long[shapeElement.GetArrayLength()];
        int d = 0;
        foreach (var dim in shapeElement.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out long n) || n < 0)
                throw Bad(path, name, $"tensor '{name}' has shape[{d}] = {Truncate(dim.GetRawText())}, expected a non-negative integer");
            shape[d++] = n;
        }

        if (offsetsElement.ValueKind != JsonValueKind.Array || offsetsElement.GetArrayLength() != 2)
            throw Bad(path, name, $"tensor '{name}' has data_offsets {Truncate(offsetsElement.GetRawText())}, expected [begin, end]");
        var offsets = new long[2];
        int o = 0;
        foreach (var item in offsetsElement.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long n) || n < 0)
                throw Bad(path, name, $"tensor '{name}' has data_offsets[{o}] = {Truncate(item.GetRawText())}, expected a non-negative integer");
            offsets[o++] = n;
        }
        long begin = offsets[0], end = offsets[1];
        if (end < begin)
            throw Bad(path, name, string.Format(CultureInfo.InvariantCulture, "tensor '{0}' has data_offsets [{1}, {2}], expected begin <= end", name, begin, end));
        if (end > dataLength)
            throw Bad(path, name, string.Format(CultureInfo.InvariantCulture,
                "tensor '{0}' has data_offsets [{1}, {2}], beyond the {3}-byte data section; the file is truncated or the offsets are wrong", name, begin, end, dataLength));

        long expected;
        try
        {
            expected = size;
            foreach (long n in shape) expected = checked(expected * n);
        }
        catch (OverflowException ex)
        {
            throw Bad(path, name, $"tensor '{name}' has shape {Shapes.Format(shape)}, whose size in bytes overflows a 64-bit integer", inner: ex);
        }
        if (expected != end - begin)
            throw Bad(path, name, string.Format(CultureInfo.InvariantCulture,
                "tensor '{0}' ({1} {2}) needs {3} bytes, but its data_offsets [{4}, {5}] span {6}", name, Shapes.Format(shape), dtype, expected, begin, end, end - begin));
        return new SafeTensorEntry(name, dtype, scalarType, shape, begin, end);
    }

    /// <summary>The tensors must tile the data section exactly: no gap, no overlap, nothing left over.</summary>
    private static void CheckCoverage(string path, List<SafeTensorEntry> entries, long dataLength)
    {
        var byOffset = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
        long position = 0;
        SafeTensorEntry? previous = null;
        foreach (var e in byOffset)
        {
            if (e.Begin < position)
                throw Bad(path, e.Name, string.Format(CultureInfo.InvariantCulture,
                    "tensor '{0}' (data_offsets [{1}, {2}]) overlaps tensor '{3}' (data_offsets [{4}, {5}])", e.Name, e.Begin, e.End, previous!.Name, previous.Begin, previous.End));
            if (e.Begin > position)
                throw Bad(path, e.Name, string.Format(CultureInfo.InvariantCulture,
                    "tensor '{0}' starts at data offset {1}, expected {2} (the end of {3}); the data section has a gap", e.Name, e.Begin, position,
                    previous is null ? "the header" : $"tensor '{previous.Name}'"));
            position = e.End;
            previous = e;
        }
        if (position != dataLength)
            throw Bad(path, previous?.Name, string.Format(CultureInfo.InvariantCulture,
                "the tensors cover {0} bytes of the data section but it holds {1}; expected the offsets to cover the data section exactly", position, dataLength));
    }

    /// <summary>
    /// Writes <paramref name="tensors"/> as a safetensors file: names sorted (ordinal) in the header and the data alike,
    /// the header padded with spaces to a multiple of 8 bytes. The file is written to a temporary name beside
    /// <paramref name="path"/> and renamed over it, so readers never see half a file.
    /// </summary>
    /// <exception cref="ArgumentException">A name is empty, repeated or "__metadata__", or a tensor's dtype has no safetensors spelling.</exception>
    public static void Write(string path, IEnumerable<(string Name, Tensor Tensor)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        RequireLittleEndian();
        string fullPath = System.IO.Path.GetFullPath(path);

        var list = tensors.ToList();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, tensor) in list)
        {
            if (string.IsNullOrEmpty(name)) throw new ArgumentException($"Cannot write {fullPath}: a tensor has an empty name.", nameof(tensors));
            if (name == MetadataKey) throw new ArgumentException($"Cannot write {fullPath}: '{MetadataKey}' is reserved and cannot name a tensor.", nameof(tensors));
            if (!names.Add(name)) throw new ArgumentException($"Cannot write {fullPath}: the tensor name '{name}' appears twice.", nameof(tensors));
            ArgumentNullException.ThrowIfNull(tensor, nameof(tensors));
            if (DTypeName(tensor.dtype) is null)
                throw new ArgumentException($"Cannot write {fullPath}: tensor '{name}' is {Shapes.Name(tensor.dtype)}, which safetensors cannot hold here; expected one of {Supported}.", nameof(tensors));
        }
        list.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));

        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach (var (key, value) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal)) json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, tensor) in list)
            {
                long bytes = checked(tensor.numel() * tensor.ElementSize);
                json.WriteStartObject(name);
                json.WriteString("dtype", DTypeName(tensor.dtype));
                json.WriteStartArray("shape");
                foreach (long n in tensor.shape) json.WriteNumberValue(n);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(checked(offset + bytes));
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }
            json.WriteEndObject();
        }
        int padding = (8 - buffer.WrittenCount % 8) % 8;

        string directory = System.IO.Path.GetDirectoryName(fullPath)!;
        string temp = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                Span<byte> prefix = stackalloc byte[8];
                BitConverter.TryWriteBytes(prefix, (ulong)(buffer.WrittenCount + padding));
                stream.Write(prefix);
                stream.Write(buffer.WrittenSpan);
                for (int i = 0; i < padding; i++) stream.WriteByte((byte)' ');
                foreach (var (_, tensor) in list)
                {
                    if (tensor.numel() == 0) continue;
                    using var scope = torch.NewDisposeScope();
                    var cpu = tensor.detach().cpu().contiguous();
                    cpu.WriteBytesToStream(stream, 1 << 16);
                }
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, fullPath, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    private static void RequireLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("safetensors data is little-endian; this big-endian platform is not supported.");
    }

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => e.ValueKind.ToString(),
    };

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static SafeTensorsFormatException Bad(string path, string? tensor, string what, Exception? inner = null)
        => new($"The safetensors file {path} is invalid: {what}.", path, tensor, inner);
}
