using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Attune.FineTuning.Tests;

public class SafeTensorsTests
{
    public SafeTensorsTests() => Torch.Init();

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    private static readonly string[] s_pytorchKeys = { "layers.0.bias", "layers.0.weight", "layers.2.bias", "layers.2.weight" };

    /// <summary>PyTorch's Sequential names (layers.0 = Linear, layers.2 = Linear) onto TinyNet's (backbone.fc, head).</summary>
    private static string? ToTinyNet(string key)
        => key.StartsWith("layers.0.", StringComparison.Ordinal) ? "backbone.fc." + key["layers.0.".Length..]
         : key.StartsWith("layers.2.", StringComparison.Ordinal) ? "head." + key["layers.2.".Length..]
         : key;

    /// <summary>The script's formula for tiny_pytorch_f32: tensor number t (in PyTorch's order) holds t + i / 64.</summary>
    private static float[] TinyValues(int t, int count) => Enumerable.Range(0, count).Select(i => t + i / 64f).ToArray();

    private static float Bf16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000u; // round to nearest even, as PyTorch does
        return BitConverter.UInt32BitsToSingle(bits);
    }

    [Fact]
    public void Reads_the_pytorch_fixture_exactly()
    {
        var file = SafeTensors.Read(Fixture("tiny_pytorch_f32.safetensors"));
        Assert.Equal(s_pytorchKeys, file.Entries.Select(e => e.Name));
        Assert.Empty(file.Metadata);
        Assert.Equal(0, (8 + file.HeaderLength) % 8);
        var order = new[] { ("layers.0.weight", new long[] { 8, 4 }), ("layers.0.bias", new long[] { 8 }), ("layers.2.weight", new long[] { 3, 8 }), ("layers.2.bias", new long[] { 3 }) };
        for (int t = 0; t < order.Length; t++)
        {
            var (name, shape) = order[t];
            var entry = file[name];
            Assert.Equal("F32", entry.DType);
            Assert.Equal(ScalarType.Float32, entry.ScalarType);
            Assert.Equal(shape, entry.Shape);
            using var tensor = file.ReadTensor(name);
            Assert.Equal(shape, tensor.shape);
            Assert.Equal(TinyValues(t, (int)tensor.numel()), tensor.data<float>().ToArray());
        }
    }

    [Fact]
    public void Reads_every_dtype_of_the_pytorch_fixture_exactly()
    {
        var file = SafeTensors.Read(Fixture("dtypes.safetensors"));
        Assert.Equal(new Dictionary<string, string> { ["format"] = "pt", ["source"] = "write_safetensors_fixture.py" }, file.Metadata);
        Assert.Equal(new[] { "bf16", "bool", "empty", "f16", "f32", "f64", "i16", "i32", "i64", "i8", "scalar", "u8" }, file.Entries.Select(e => e.Name));
        var all = file.ReadAll();
        try
        {
            var thirds = Enumerable.Range(-3, 7).Select(i => i / 3f).ToArray();
            Assert.Equal(ScalarType.Float16, all["f16"].dtype);
            Assert.Equal(thirds.Select(v => (float)(Half)v), all["f16"].to(ScalarType.Float32).data<float>().ToArray());
            Assert.Equal(ScalarType.BFloat16, all["bf16"].dtype);
            Assert.Equal(thirds.Select(Bf16), all["bf16"].to(ScalarType.Float32).data<float>().ToArray());
            Assert.Equal(new long[] { 2, 3 }, all["f32"].shape);
            Assert.Equal(Enumerable.Range(0, 6).Select(i => i / 8f - 0.25f), all["f32"].data<float>().ToArray());
            Assert.Equal(Enumerable.Range(0, 4).Select(i => i / 3.0), all["f64"].data<double>().ToArray());
            Assert.Equal(new long[] { 3, 2 }, all["i64"].shape);
            Assert.Equal(new[] { -(1L << 62) - 1, -1, 0, 1, 1L << 40, long.MaxValue }, all["i64"].data<long>().ToArray());
            Assert.Equal(new[] { int.MinValue, -7, 0, 7, int.MaxValue }, all["i32"].data<int>().ToArray());
            Assert.Equal(new short[] { -32768, -300, 0, 300, 32767 }, all["i16"].data<short>().ToArray());
            Assert.Equal(new sbyte[] { -128, -1, 0, 1, 127 }, all["i8"].data<sbyte>().ToArray());
            Assert.Equal(new byte[] { 0, 1, 128, 255 }, all["u8"].data<byte>().ToArray());
            Assert.Equal(new[] { true, false, false, true }, all["bool"].data<bool>().ToArray());
            Assert.Equal(new long[] { 2, 2 }, all["bool"].shape);
            Assert.Empty(all["scalar"].shape);
            Assert.Equal(2.5f, all["scalar"].item<float>());
            Assert.Equal(new long[] { 0, 3 }, all["empty"].shape);
        }
        finally
        {
            foreach (var t in all.Values) t.Dispose();
        }
    }

    private static List<(string, Tensor)> EveryDType() => new()
    {
        ("f32", torch.randn(3, 4)),
        ("f16", torch.randn(5).to(ScalarType.Float16)),
        ("bf16", torch.randn(2, 2).to(ScalarType.BFloat16)),
        ("f64", torch.randn(3, dtype: ScalarType.Float64)),
        ("i64", torch.tensor(new[] { long.MinValue, -1, 0, long.MaxValue })),
        ("i32", torch.tensor(new[] { int.MinValue, 0, int.MaxValue })),
        ("i16", torch.tensor(new short[] { short.MinValue, 0, short.MaxValue })),
        ("i8", torch.tensor(new sbyte[] { sbyte.MinValue, 0, sbyte.MaxValue })),
        ("u8", torch.tensor(new byte[] { 0, 7, 255 })),
        ("bool", torch.tensor(new[] { true, false, true })),
        ("a.scalar", torch.tensor(1.25f)),
        ("empty", torch.zeros(0, 2)),
        ("transposed", torch.arange(6, dtype: ScalarType.Float32).reshape(2, 3).t()), // not contiguous
    };

    [Fact]
    public void Round_trips_every_dtype_and_writes_deterministic_padded_sorted_files()
    {
        using var dir = new TempDir();
        var tensors = EveryDType();
        SafeTensors.Write(dir.File("a.safetensors"), tensors, new Dictionary<string, string> { ["z"] = "last", ["a"] = "first" });
        tensors.Reverse();
        SafeTensors.Write(dir.File("b.safetensors"), tensors, new Dictionary<string, string> { ["a"] = "first", ["z"] = "last" });
        Assert.Equal(File.ReadAllBytes(dir.File("a.safetensors")), File.ReadAllBytes(dir.File("b.safetensors")));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));

        var file = SafeTensors.Read(dir.File("a.safetensors"));
        Assert.Equal(0, (8 + file.HeaderLength) % 8);
        Assert.Equal(tensors.Select(t => t.Item1).Order(StringComparer.Ordinal), file.Entries.Select(e => e.Name));
        Assert.Equal(file.Entries.OrderBy(e => e.Begin).Select(e => e.Name), file.Entries.Select(e => e.Name)); // data sorted too
        Assert.Equal("last", file.Metadata["z"]);
        foreach (var (name, tensor) in tensors)
        {
            using var back = file.ReadTensor(name);
            Assert.True(Data.SameBits(tensor, back), name);
        }
    }

    [Fact]
    public void Write_refuses_bad_names_and_leaves_no_temp_file()
    {
        using var dir = new TempDir();
        using var t = torch.ones(2);
        Assert.Contains("appears twice", Assert.Throws<ArgumentException>(() => SafeTensors.Write(dir.File("x"), new[] { ("a", t), ("a", t) })).Message);
        Assert.Contains("empty name", Assert.Throws<ArgumentException>(() => SafeTensors.Write(dir.File("x"), new[] { ("", t) })).Message);
        Assert.Contains("reserved", Assert.Throws<ArgumentException>(() => SafeTensors.Write(dir.File("x"), new[] { ("__metadata__", t) })).Message);
        using var complex = torch.ones(2, dtype: ScalarType.ComplexFloat32);
        Assert.Contains("complexfloat32", Assert.Throws<ArgumentException>(() => SafeTensors.Write(dir.File("x"), new[] { ("c", complex) })).Message);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Loads_the_pytorch_fixture_into_TinyNet_through_a_key_map()
    {
        var target = new TinyNet();
        var report = target.LoadSafeTensors(Fixture("tiny_pytorch_f32.safetensors"), mapKey: ToTinyNet);
        Assert.Equal(new[] { "backbone.fc.bias", "backbone.fc.weight", "head.bias", "head.weight" }, report.Loaded.Order());
        Assert.Empty(report.Skipped);
        Assert.Empty(report.Missing);
        Assert.Empty(report.Unexpected);
        Assert.Equal(Fixture("tiny_pytorch_f32.safetensors"), report.Path);
        Assert.Equal(TinyValues(0, 32), target.backbone.state_dict()["fc.weight"].data<float>().ToArray());
        Assert.Equal(TinyValues(3, 3), target.head.bias!.data<float>().ToArray());
        Assert.True(target.head.weight!.requires_grad);
    }

    [Fact]
    public void Strict_load_without_a_map_lists_missing_and_unexpected_keys_and_changes_nothing()
    {
        var target = new TinyNet();
        var before = target.Snapshot();
        var ex = Assert.Throws<PretrainedLoadException>(() => target.LoadSafeTensors(Fixture("tiny_pytorch_f32.safetensors")));
        Assert.Equal(new[] { "backbone.fc.bias", "backbone.fc.weight", "head.bias", "head.weight" }, ex.MissingKeys.Order());
        Assert.Equal(s_pytorchKeys, ex.UnexpectedKeys.Order());
        Assert.Contains("missing from the file: backbone.fc.weight", ex.Message);
        Assert.Contains("in the file but not in the model: 'layers.0.bias'", ex.Message);
        Assert.Contains(Fixture("tiny_pytorch_f32.safetensors"), ex.Message);
        foreach (var (key, value) in target.state_dict()) Assert.True(Data.SameBits(before[key], value), key);
    }

    [Fact]
    public void A_map_that_drops_keys_gives_a_partial_load_when_not_strict()
    {
        static string? BackboneOnly(string key) => key.StartsWith("layers.2.", StringComparison.Ordinal) ? null : ToTinyNet(key);
        var strict = Assert.Throws<PretrainedLoadException>(() => new TinyNet().LoadSafeTensors(Fixture("tiny_pytorch_f32.safetensors"), mapKey: BackboneOnly));
        Assert.Equal(new[] { "head.bias", "head.weight" }, strict.MissingKeys.Order());
        Assert.Contains("(after mapKey)", strict.Message);

        var target = new TinyNet();
        var headBefore = target.head.weight!.detach().clone();
        var report = target.LoadSafeTensors(Fixture("tiny_pytorch_f32.safetensors"), strict: false, mapKey: BackboneOnly);
        Assert.Equal(new[] { "backbone.fc.bias", "backbone.fc.weight" }, report.Loaded.Order());
        Assert.Equal(new[] { "layers.2.bias", "layers.2.weight" }, report.Skipped.Order()); // dropped keys, by file name
        Assert.Equal(new[] { "head.bias", "head.weight" }, report.Missing.Order());
        Assert.True(Data.SameBits(headBefore, target.head.weight!));
    }

    [Fact]
    public void Shape_mismatch_is_named_and_skip_leaves_a_new_head_alone()
    {
        var target = new TinyNet(outputs: 5);
        var headBefore = target.head.weight!.detach().clone();
        var ex = Assert.Throws<PretrainedLoadException>(() => target.LoadSafeTensors(Fixture("tiny_pytorch_f32.safetensors"), mapKey: ToTinyNet));
        Assert.Contains("'head.weight' (file key 'layers.2.weight'): the file has [3, 8] F32, the model has [5, 8] float32", ex.Message);
        Assert.Contains("'head.bias' (file key 'layers.2.bias'): the file has [3] F32, the model has [5] float32", ex.Message);
        Assert.True(Data.SameBits(headBefore, target.head.weight!));

        var report = target.LoadSafeTensors(Fixture("tiny_pytorch_f32.safetensors"), skip: new[] { "head" }, mapKey: ToTinyNet);
        Assert.Equal(new[] { "backbone.fc.bias", "backbone.fc.weight" }, report.Loaded.Order());
        Assert.Equal(new[] { "head.bias", "head.weight" }, report.Skipped.Order()); // each key once
        Assert.True(Data.SameBits(headBefore, target.head.weight!));
    }

    [Fact]
    public void Two_file_keys_mapping_to_one_module_key_is_an_error()
    {
        var ex = Assert.Throws<PretrainedLoadException>(() => new TinyNet().LoadSafeTensors(Fixture("tiny_pytorch_f32.safetensors"),
            mapKey: k => k.EndsWith(".bias", StringComparison.Ordinal) ? "head.bias" : ToTinyNet(k)));
        Assert.Contains("file keys 'layers.0.bias' and 'layers.2.bias' both map to 'head.bias'", ex.Message);
    }

    [Fact]
    public void Float_dtypes_convert_only_when_asked_and_integers_never()
    {
        using var dir = new TempDir();
        var source = new TinyNet();
        SafeTensors.Write(dir.File("half.safetensors"), source.state_dict().Select(kv => (kv.Key, kv.Value.detach().to(ScalarType.Float16))));

        var target = new TinyNet();
        var ex = Assert.Throws<PretrainedLoadException>(() => target.LoadSafeTensors(dir.File("half.safetensors")));
        Assert.Contains("'head.weight': the file has [3, 8] F16, the model has [3, 8] float32 (pass convertDTypes: true", ex.Message);

        var report = target.LoadSafeTensors(dir.File("half.safetensors"), convertDTypes: true);
        Assert.Equal(4, report.Loaded.Count);
        Assert.Equal(ScalarType.Float32, target.head.weight!.dtype);
        Assert.True(Data.SameBits(source.head.weight!.detach().to(ScalarType.Float16).to(ScalarType.Float32), target.head.weight!));

        SafeTensors.Write(dir.File("int.safetensors"), source.state_dict().Select(kv => (kv.Key, kv.Value.detach().to(ScalarType.Int32))));
        var ints = Assert.Throws<PretrainedLoadException>(() => target.LoadSafeTensors(dir.File("int.safetensors"), convertDTypes: true));
        Assert.Contains("I32, the model has [3, 8] float32 (integer and bool tensors are never converted)", ints.Message);
    }

    [Fact]
    public void SaveSafeTensors_round_trips_through_LoadSafeTensors()
    {
        using var dir = new TempDir();
        var source = new TinyNet();
        source.SaveSafeTensors(dir.File("w.safetensors"), new Dictionary<string, string> { ["format"] = "pt" });
        Assert.Equal("pt", SafeTensors.Read(dir.File("w.safetensors")).Metadata["format"]);
        var target = new TinyNet();
        var report = target.LoadSafeTensors(dir.File("w.safetensors"));
        Assert.Equal(4, report.Loaded.Count);
        foreach (var (key, value) in source.state_dict()) Assert.True(Data.SameBits(value, target.state_dict()[key]), key);
    }

    [Fact]
    public void A_corrupt_file_fails_LoadSafeTensors_with_the_format_error_inside()
    {
        using var dir = new TempDir();
        var path = Hostile(dir, "[]", 0);
        var ex = Assert.Throws<PretrainedLoadException>(() => new TinyNet().LoadSafeTensors(path));
        Assert.IsType<SafeTensorsFormatException>(ex.InnerException);
        Assert.Contains("is a JSON array", ex.Message);
        Assert.Equal(path, ex.Path);
        var missing = Assert.Throws<FileNotFoundException>(() => new TinyNet().LoadSafeTensors(dir.File("nope.safetensors")));
        Assert.Contains(dir.File("nope.safetensors"), missing.Message);
    }

    // ---- hostile inputs ----

    private static int s_count;

    /// <summary>Writes a file: the 8-byte length (the header's own unless overridden), the header, then data bytes.</summary>
    private static string Hostile(TempDir dir, string header, int dataBytes, ulong? length = null)
    {
        var bytes = Encoding.UTF8.GetBytes(header);
        var path = dir.File($"hostile{Interlocked.Increment(ref s_count)}.safetensors");
        using var stream = File.Create(path);
        stream.Write(BitConverter.GetBytes(length ?? (ulong)bytes.Length));
        stream.Write(bytes);
        stream.Write(new byte[dataBytes]);
        return path;
    }

    private static SafeTensorsFormatException Refused(string path, params string[] fragments)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Read(path));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4 << 20, "no big allocation");
        Assert.Equal(path, ex.Path);
        Assert.Contains(path, ex.Message);
        foreach (var fragment in fragments) Assert.Contains(fragment, ex.Message);
        return ex;
    }

    private const string A = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";

    [Fact]
    public void Header_length_beyond_the_file_or_the_cap_is_refused_before_allocating()
    {
        using var dir = new TempDir();
        Refused(Hostile(dir, "{" + A + "}", 8, length: 1000), "header length is 1000 bytes but only");
        Refused(Hostile(dir, "{" + A + "}", 8, length: 1UL << 63), "header length is 9223372036854775808 bytes");
        Refused(Hostile(dir, "{" + A + "}", 8, length: ulong.MaxValue), "18446744073709551615");

        var sparse = dir.File("sparse.safetensors");
        using (var stream = File.Create(sparse))
        {
            stream.Write(BitConverter.GetBytes((ulong)SafeTensors.MaxHeaderBytes + 1));
            stream.SetLength(SafeTensors.MaxHeaderBytes + 64); // sparse: no real disk use
        }
        Refused(sparse, "100000001 bytes, more than the 100000000-byte limit");

        var tiny = dir.File("tiny.safetensors");
        File.WriteAllBytes(tiny, new byte[] { 1, 2, 3 });
        Refused(tiny, "the file is 3 bytes");
    }

    [Fact]
    public void Data_shorter_than_the_offsets_is_refused()
    {
        using var dir = new TempDir();
        var ex = Refused(Hostile(dir, "{" + A + "}", 4), "tensor 'a' has data_offsets [0, 8], beyond the 4-byte data section");
        Assert.Equal("a", ex.Tensor);
        Refused(Hostile(dir, "{\"a\":{\"dtype\":\"F32\",\"shape\":[274877906944],\"data_offsets\":[0,1099511627776]}}", 8), "beyond the 8-byte data section");
    }

    [Fact]
    public void Overlaps_gaps_and_leftover_bytes_are_refused()
    {
        using var dir = new TempDir();
        var ex = Refused(Hostile(dir, "{" + A + ",\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12),
            "tensor 'b' (data_offsets [4, 12]) overlaps tensor 'a' (data_offsets [0, 8])");
        Assert.Equal("b", ex.Tensor);
        Refused(Hostile(dir, "{" + A + ",\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}", 20),
            "tensor 'b' starts at data offset 12, expected 8 (the end of tensor 'a')");
        Refused(Hostile(dir, "{" + A + "}", 16), "the tensors cover 8 bytes of the data section but it holds 16");
        Refused(Hostile(dir, "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", 8), "expected begin <= end");
    }

    [Fact]
    public void Bad_dtypes_shapes_and_fields_are_refused()
    {
        using var dir = new TempDir();
        var ex = Refused(Hostile(dir, "{\"a\":{\"dtype\":\"Q4\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "tensor 'a' has dtype 'Q4', expected one of F64, F32, F16, BF16");
        Assert.Equal("a", ex.Tensor);
        Refused(Hostile(dir, "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8), "tensor 'a' ([3] F32) needs 12 bytes, but its data_offsets [0, 8] span 8");
        Refused(Hostile(dir, "{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,8]}}", 8), "overflows a 64-bit integer");
        Refused(Hostile(dir, "{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8), "shape[0] = -2, expected a non-negative integer");
        Refused(Hostile(dir, "{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,8]}}", 8), "shape[0] = 1.5");
        Refused(Hostile(dir, "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", 8), "expected [begin, end]");
        Refused(Hostile(dir, "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,18446744073709551616]}}", 8), "data_offsets[1] = 18446744073709551616");
        Refused(Hostile(dir, "{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "tensor 'a' has no 'dtype' field");
        Refused(Hostile(dir, "{\"a\":{\"dtype\":7,\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "dtype that is a JSON number");
        Refused(Hostile(dir, "{\"a\":[1,2]}", 0), "tensor 'a' is a JSON array");
    }

    [Fact]
    public void Bad_json_names_and_metadata_are_refused()
    {
        using var dir = new TempDir();
        Refused(Hostile(dir, "[1,2]", 0), "the header is a JSON array, expected a JSON object");
        Refused(Hostile(dir, "\"just a string\"", 0), "is a JSON string");
        Refused(Hostile(dir, "{not json", 0), "not valid JSON");
        Refused(Hostile(dir, "{}  trailing", 0), "not valid JSON");
        Refused(Hostile(dir, new string('[', 10_000) + new string(']', 10_000), 0), "not valid JSON");
        Refused(Hostile(dir, "{}", 0, length: 1), "too short");
        var dup = Refused(Hostile(dir, "{" + A + "," + A + "}", 8), "tensor 'a' appears twice in the header");
        Assert.Equal("a", dup.Tensor);
        Refused(Hostile(dir, "{\"\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "empty name");
        Refused(Hostile(dir, "{\"__metadata__\":{\"k\":1}," + A + "}", 8), "'__metadata__.k' is a JSON number, expected a string");
        Refused(Hostile(dir, "{\"__metadata__\":[]," + A + "}", 8), "'__metadata__' is a JSON array");

        var badUtf8 = dir.File("utf8.safetensors");
        var header = new byte[] { (byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}' };
        File.WriteAllBytes(badUtf8, BitConverter.GetBytes((ulong)header.Length).Concat(header).ToArray());
        Refused(badUtf8, "UTF-8");
    }

    [Fact]
    public void Empty_file_with_padding_and_metadata_only_is_valid()
    {
        using var dir = new TempDir();
        var file = SafeTensors.Read(Hostile(dir, "{\"__metadata__\":{\"k\":\"v\"}}     ", 0));
        Assert.Empty(file.Entries);
        Assert.Equal("v", file.Metadata["k"]);
    }
}
