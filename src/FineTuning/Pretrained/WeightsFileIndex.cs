using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using static TorchSharp.torch;

namespace Attune.FineTuning;

/// <summary>One tensor of a TorchSharp weights file: its key, dtype, shape and where its bytes are.</summary>
internal sealed record WeightsFileEntry(string Key, ScalarType DType, long[] Shape, long DataOffset, long ByteLength);

/// <summary>
/// Reads the table of contents of a file written by TorchSharp's <c>module.save</c> without loading any tensor, so a
/// loader can compare keys, shapes and dtypes with the model — and report every problem — before touching a weight.
/// The format (TorchSharp's own, not PyTorch's): LEB128 entry count; per entry a .NET <c>BinaryWriter</c> string key,
/// then the tensor: LEB128 dtype code, LEB128 rank, LEB128 per dimension, then the raw little-endian element bytes.
/// </summary>
internal static class WeightsFileIndex
{
    private const long MaxEntries = 10_000_000;
    private const long MaxRank = 64;

    /// <exception cref="PretrainedLoadException">The file is truncated or is not a TorchSharp weights file.</exception>
    public static List<WeightsFileEntry> Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        long length = stream.Length;
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        var entries = new List<WeightsFileEntry>();
        long count = -1;
        string? key = null;
        try
        {
            if (length == 0) throw Corrupt(path, "the file is empty (0 bytes)", entries, -1, length, 0);
            count = Leb128(reader);
            if (count > MaxEntries || count > length)
                throw Corrupt(path, $"its header announces {count} entries, more than a {length}-byte file can hold", entries, count, length, stream.Position);
            for (long i = 0; i < count; i++)
            {
                key = null;
                key = reader.ReadString();
                // Random bytes or another format read as a key: say so, and never put the bytes in a message.
                if (!WeightsFormat.IsReadableName(key))
                    throw Corrupt(path, $"entry {entries.Count + 1}'s name is not readable text", entries, count, length, stream.Position);
                long code = Leb128(reader);
                if (!Enum.IsDefined(typeof(ScalarType), (sbyte)code) || code > sbyte.MaxValue || ElementSize((ScalarType)code) == 0)
                    throw Corrupt(path, $"entry {WeightsFormat.Safe(key)} has dtype code {code}, which is no TorchSharp dtype", entries, count, length, stream.Position);
                var dtype = (ScalarType)code;
                long rank = Leb128(reader);
                if (rank > MaxRank)
                    throw Corrupt(path, $"entry {WeightsFormat.Safe(key)} claims {rank} dimensions", entries, count, length, stream.Position);
                var shape = new long[rank];
                long elements = 1;
                for (int d = 0; d < rank; d++)
                {
                    shape[d] = Leb128(reader);
                    elements = checked(elements * shape[d]);
                }
                long bytes = checked(elements * ElementSize(dtype));
                long offset = stream.Position;
                if (offset + bytes > length)
                    throw Corrupt(path, string.Format(CultureInfo.InvariantCulture,
                        "entry {0} ({1} {2}) needs {3} bytes of data but only {4} remain", WeightsFormat.Safe(key), Shapes.Format(shape), Shapes.Name(dtype), bytes, length - offset),
                        entries, count, length, offset);
                entries.Add(new WeightsFileEntry(key, dtype, shape, offset, bytes));
                stream.Seek(bytes, SeekOrigin.Current);
            }
            if (stream.Position != length)
                throw Corrupt(path, $"{length - stream.Position} unexpected bytes follow the last entry", entries, count, length, stream.Position);
            return entries;
        }
        catch (EndOfStreamException ex)
        {
            throw Corrupt(path, key is null ? "the file ends inside an entry's key" : $"the file ends inside the header of entry {WeightsFormat.Safe(key)}", entries, count, length, length, ex);
        }
        catch (FormatException ex) // BinaryReader.ReadString: a length prefix that is no 7-bit encoded integer
        {
            throw Corrupt(path, $"entry {entries.Count + 1}'s name has no valid length prefix", entries, count, length, stream.Position, ex);
        }
        catch (OverflowException ex)
        {
            throw Corrupt(path, key is null ? "a size in the header overflows" : $"the shape of entry {WeightsFormat.Safe(key)} overflows", entries, count, length, stream.Position, ex);
        }
    }

    public static long ElementSize(ScalarType type) => type switch
    {
        ScalarType.Byte or ScalarType.Int8 or ScalarType.Bool or ScalarType.QInt8 or ScalarType.QUInt8 => 1,
        ScalarType.Int16 or ScalarType.Float16 or ScalarType.BFloat16 => 2,
        ScalarType.Int32 or ScalarType.Float32 or ScalarType.QInt32 => 4,
        ScalarType.Int64 or ScalarType.Float64 or ScalarType.ComplexFloat32 => 8,
        ScalarType.ComplexFloat64 => 16,
        _ => 0,
    };

    private static long Leb128(BinaryReader reader)
    {
        long result = 0;
        for (int shift = 0; ; shift += 7)
        {
            if (shift > 56) throw new OverflowException("LEB128 value longer than 9 bytes.");
            long b = reader.ReadByte();
            result |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) return result;
        }
    }

    private static PretrainedLoadException Corrupt(string path, string what, List<WeightsFileEntry> read, long count, long length, long position, Exception? inner = null)
    {
        // Nothing parsed: most likely not a TorchSharp file at all (random bytes, a PyTorch zip, safetensors), so say
        // what it looks like from its first bytes rather than only how the parse failed.
        if (read.Count == 0)
            return new PretrainedLoadException(string.Format(CultureInfo.InvariantCulture,
                "The file {0} is not a recognised weights format (or was cut short before its first tensor): read as a TorchSharp module.save file, {1} (at byte {2} of {3}). {4}. Expected {5}.",
                path, what, position, length, Capitalize(WeightsFormat.Describe(path)), WeightsFormat.Expected), path, Array.Empty<string>(), Array.Empty<string>(), inner);
        string progress = count < 0
            ? "before the entry count could be read"
            : string.Format(CultureInfo.InvariantCulture, "after reading {0} of {1} entries{2}", read.Count, count,
                $" (last complete: '{read[^1].Key}')");
        return new PretrainedLoadException(string.Format(CultureInfo.InvariantCulture,
            "The weights file {0} is truncated or is not a TorchSharp module.save file: {1}, at byte {2} of {3}, {4}. Expected a complete file written by module.save (or an Attune checkpoint).",
            path, what, position, length, progress), path, Array.Empty<string>(), Array.Empty<string>(), inner);
    }

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
