using System.Buffers.Binary;
using System.Text;

namespace Attune.FineTuning.Tests;

/// <summary>One scalar read back from a TensorBoard event file.</summary>
internal sealed record ScalarEvent(string Tag, long Step, float Value, double WallTime);

/// <summary>
/// A small reader for TensorBoard event files, written from the formats' specifications so the test does not trust
/// the writer: a TFRecord file is a sequence of records { uint64 length, uint32 masked CRC-32C of the length bytes,
/// data, uint32 masked CRC-32C of the data } (little-endian; mask = rotate right 15 + 0xa282ead8), and each record's
/// data is an <c>Event</c> protobuf: wall_time = 1 (double), step = 2 (int64), file_version = 3 (string),
/// summary = 5 { value = 1 (repeated) { tag = 1 (string), simple_value = 2 (float) } }.
/// </summary>
internal static class TensorBoardEvents
{
    public static (string? FileVersion, List<ScalarEvent> Scalars) Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        string? version = null;
        var scalars = new List<ScalarEvent>();
        int at = 0;
        while (at < bytes.Length)
        {
            if (bytes.Length - at < 12) throw new InvalidDataException($"{path}: truncated record header at byte {at}.");
            var lengthBytes = bytes.AsSpan(at, 8);
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
            uint lengthCrc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 8, 4));
            if (lengthCrc != MaskedCrc(lengthBytes)) throw new InvalidDataException($"{path}: bad length CRC at byte {at}.");
            at += 12;
            if ((ulong)(bytes.Length - at) < length + 4) throw new InvalidDataException($"{path}: truncated record at byte {at}.");
            var data = bytes.AsSpan(at, (int)length);
            uint dataCrc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + (int)length, 4));
            if (dataCrc != MaskedCrc(data)) throw new InvalidDataException($"{path}: bad data CRC at byte {at}.");
            at += (int)length + 4;
            ParseEvent(data, ref version, scalars);
        }
        return (version, scalars);
    }

    private static void ParseEvent(ReadOnlySpan<byte> data, ref string? version, List<ScalarEvent> scalars)
    {
        double wallTime = 0;
        long step = 0;
        var values = new List<(string Tag, float Value)>();
        var reader = new ProtoReader(data);
        while (reader.Next(out int field, out int wire))
        {
            switch (field, wire)
            {
                case (1, 1): wallTime = BitConverter.Int64BitsToDouble((long)reader.Fixed64()); break;
                case (2, 0): step = (long)reader.Varint(); break;
                case (3, 2): version = Encoding.UTF8.GetString(reader.Bytes()); break;
                case (5, 2):
                {
                    var summary = new ProtoReader(reader.Bytes());
                    while (summary.Next(out int f, out int w))
                    {
                        if (f == 1 && w == 2)
                        {
                            var value = new ProtoReader(summary.Bytes());
                            string tag = "";
                            float simple = float.NaN;
                            while (value.Next(out int vf, out int vw))
                            {
                                if (vf == 1 && vw == 2) tag = Encoding.UTF8.GetString(value.Bytes());
                                else if (vf == 2 && vw == 5) simple = BitConverter.Int32BitsToSingle((int)value.Fixed32());
                                else value.Skip(vw);
                            }
                            values.Add((tag, simple));
                        }
                        else summary.Skip(w);
                    }
                    break;
                }
                default: reader.Skip(wire); break;
            }
        }
        foreach (var (tag, value) in values) scalars.Add(new ScalarEvent(tag, step, value, wallTime));
    }

    private ref struct ProtoReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _at;

        public bool Next(out int field, out int wire)
        {
            field = wire = 0;
            if (_at >= _data.Length) return false;
            ulong key = Varint();
            field = (int)(key >> 3);
            wire = (int)(key & 7);
            return true;
        }

        public ulong Varint()
        {
            ulong result = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                byte b = _data[_at++];
                result |= (ulong)(b & 0x7f) << shift;
                if (b < 0x80) return result;
            }
            throw new InvalidDataException("A varint longer than 10 bytes.");
        }

        public ulong Fixed64() { ulong v = BinaryPrimitives.ReadUInt64LittleEndian(_data.Slice(_at, 8)); _at += 8; return v; }
        public uint Fixed32() { uint v = BinaryPrimitives.ReadUInt32LittleEndian(_data.Slice(_at, 4)); _at += 4; return v; }
        public ReadOnlySpan<byte> Bytes() { int n = (int)Varint(); var s = _data.Slice(_at, n); _at += n; return s; }

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0: Varint(); break;
                case 1: _at += 8; break;
                case 2: Bytes(); break;
                case 5: _at += 4; break;
                default: throw new InvalidDataException($"Unknown protobuf wire type {wire}.");
            }
        }
    }

    /// <summary>CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), masked as TFRecord does.</summary>
    private static uint MaskedCrc(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int i = 0; i < 8; i++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
        }
        crc = ~crc;
        return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
    }
}
