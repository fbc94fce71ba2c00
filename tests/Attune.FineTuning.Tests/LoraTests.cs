using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Attune.FineTuning.Tests;

/// <summary>A model with an encoder container (two Linear layers and a norm) and a Linear head, LoRA by plan.</summary>
internal sealed class LoraNet : nn.Module<Tensor, Tensor>, IFineTunable
{
#pragma warning disable IDE0044, CA1051 // fields are what RegisterComponents reads
    public Sequential encoder;
    public Linear head;
#pragma warning restore IDE0044, CA1051

    public LoraNet(int inputs = 4, int hidden = 16, int outputs = 3) : base(nameof(LoraNet))
    {
        encoder = nn.Sequential(("fc1", nn.Linear(inputs, hidden)), ("norm", nn.LayerNorm(hidden)), ("act", nn.ReLU()), ("fc2", nn.Linear(hidden, hidden)), ("act2", nn.ReLU()));
        head = nn.Linear(hidden, outputs);
        RegisterComponents();
    }

    public LoraSpec EncoderLora { get; set; } = new(rank: 2, alpha: 4, targets: new[] { "fc*" });
    public LoraSpec? HeadLora { get; set; }
    /// <summary>When true, forward invokes the head with forward() (skipping hooks), which LoRA must refuse.</summary>
    public bool HeadByForward { get; set; }

    public override Tensor forward(Tensor input)
    {
        var h = encoder.call(input);
        return HeadByForward ? head.forward(h) : head.call(h);
    }

    public FineTuneOptions DefaultFineTuneOptions => new() { Epochs = 3, BatchSize = 8, LearningRate = 1e-2, Seed = 5 };

    public FineTunePlan CreateFineTunePlan()
    {
        var headRule = FieldRule.For(nameof(head), head);
        return new("Attune.FineTuning.Tests.LoraNet", new[]
        {
            FieldRule.For(nameof(encoder), encoder).WithLora(EncoderLora),
            HeadLora is null ? headRule : headRule.WithLora(HeadLora),
        });
    }

    public FineTuneReport Fit(IBatchSource train, IBatchSource validation, FineTuneOptions? options = null, Microsoft.Extensions.Logging.ILogger? logger = null)
        => FineTuner.Run(this, CreateFineTunePlan(), train, validation, options ?? DefaultFineTuneOptions, logger: logger);
}

public class LoraTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "attune-lora-" + Guid.NewGuid().ToString("N"));

    public LoraTests()
    {
        Torch.Init();
        Directory.CreateDirectory(_dir);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
        GC.SuppressFinalize(this);
    }

    private static Tensor Output(nn.Module<Tensor, Tensor> model, Tensor x)
    {
        model.eval();
        using var noGrad = torch.no_grad();
        return model.call(x);
    }

    [Fact]
    public void Attaching_leaves_the_output_unchanged_and_adds_the_adapters_to_the_state_dict()
    {
        torch.manual_seed(1);
        var model = new LoraNet();
        var x = torch.randn(5, 4);
        var before = Output(model, x);

        model.CreateFineTunePlan();

        Assert.True(Data.SameBits(before, Output(model, x)));
        var keys = model.state_dict().Keys.ToList();
        Assert.Contains("encoder.fc1.lora_A", keys);
        Assert.Contains("encoder.fc2.lora_B", keys);
        var adapters = model.LoraAdapters();
        Assert.Equal(new[] { "encoder.fc1", "encoder.fc2" }, adapters.Select(a => a.Name));
        var fc1 = adapters[0].Adapter;
        Assert.Equal(new long[] { 2, 4 }, fc1.A.shape);     // rank × in
        Assert.Equal(new long[] { 16, 2 }, fc1.B.shape);    // out × rank
        Assert.True(fc1.B.abs().sum().item<float>() == 0);
        Assert.True(fc1.A.abs().sum().item<float>() > 0);   // Kaiming-uniform, not zeros
        Assert.Equal(2.0, fc1.Scale);
        Assert.False(((Linear)model.encoder[0]).weight.requires_grad);
    }

    [Fact]
    public void Only_the_adapters_and_untouched_fields_train_base_weights_stay_bit_identical()
    {
        torch.manual_seed(2);
        var model = new LoraNet();
        model.CreateFineTunePlan();   // attach first, so the snapshot holds the adapters' initial values too
        Dictionary<string, Tensor> before;
        using (torch.no_grad()) before = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
        var report = model.Fit(Data.Classification(64), Data.Classification(32, seed: 3));

        var after = model.state_dict();
        foreach (var key in new[] { "encoder.fc1.weight", "encoder.fc1.bias", "encoder.fc2.weight", "encoder.fc2.bias", "encoder.norm.weight", "encoder.norm.bias" })
            Assert.True(Data.SameBits(before[key], after[key]), key + " changed");
        Assert.False(Data.SameBits(before["head.weight"], after["head.weight"]));
        Assert.True(after["encoder.fc1.lora_B"].abs().sum().item<float>() > 0);
        Assert.False(Data.SameBits(before["encoder.fc2.lora_A"], after["encoder.fc2.lora_A"]));

        long adapters = (2 * 4 + 16 * 2) + (2 * 16 + 16 * 2);
        long head = 16 * 3 + 3;
        long baseEncoder = (4 * 16 + 16) + (16 + 16) + (16 * 16 + 16);
        Assert.Equal(adapters + head, report.TrainableParameters);
        Assert.Equal(baseEncoder, report.FrozenParameters);
        Assert.NotNull(report.Lora);
        Assert.Equal(adapters, report.Lora!.AdapterParameters);
        Assert.Equal(adapters + head, report.Lora.TrainableParameters);
        Assert.Equal(adapters + head + baseEncoder, report.Lora.TotalParameters);
        Assert.Contains("2 adapter(s) (rank 2) on encoder.fc1, encoder.fc2", report.Lora.ToString());
    }

    [Fact]
    public void Checkpoints_hold_the_adapters_and_the_run_logs_the_trainable_share()
    {
        torch.manual_seed(8);
        var model = new LoraNet();
        var logger = new ListLogger();
        var options = model.DefaultFineTuneOptions with { CheckpointDirectory = Path.Combine(_dir, "checkpoints") };
        var report = model.Fit(Data.Classification(64), Data.Classification(32, seed: 3), options, logger);

        Assert.Contains(logger.Lines, l => l.Message.StartsWith("LoRA: 2 adapter(s) (rank 2) on encoder.fc1, encoder.fc2;", StringComparison.Ordinal)
            && l.Message.Contains($"{report.TrainableParameters:N0} trainable of", StringComparison.Ordinal));
        var restored = new LoraNet();
        restored.CreateFineTunePlan();                  // the same adapters, so the checkpoint's keys match strictly
        restored.load(report.BestCheckpoint!, strict: true);
        var x = torch.randn(4, 4);
        Assert.True(Data.SameBits(Output(model, x), Output(restored, x)));
    }

    [Fact]
    public void Fine_tuning_with_adapters_alone_improves_the_metric()
    {
        torch.manual_seed(3);
        var model = new LoraNet(hidden: 32) { EncoderLora = new LoraSpec(rank: 4, alpha: 8, targets: new[] { "**" }), HeadLora = new LoraSpec(rank: 4, alpha: 8) };
        var train = Data.Classification(256);
        var validation = Data.Classification(128, seed: 3);
        model.CreateFineTunePlan();
        double before = Accuracy(model, validation);

        var report = model.Fit(train, validation, model.DefaultFineTuneOptions with { Epochs = 15, LearningRate = 2e-2 });

        Assert.Equal(report.Lora!.AdapterParameters, report.TrainableParameters);   // nothing but adapters trains
        Assert.True(report.BestMetric > before + 0.2, $"accuracy {before:P1} -> {report.BestMetric:P1}");
        Assert.True(report.BestMetric > 0.8, $"accuracy {report.BestMetric:P1}");
    }

    private static double Accuracy(nn.Module<Tensor, Tensor> model, LabeledTensors data)
    {
        using var scope = torch.NewDisposeScope();
        var (x, y) = data.Batches((int)data.Count, false, null).First();
        return Output(model, x).argmax(1).eq(y).to_type(ScalarType.Float32).mean().item<float>();
    }

    [Fact]
    public void Merge_gives_the_same_outputs_and_unmerge_restores_the_base_weights()
    {
        torch.manual_seed(4);
        var model = new LoraNet();
        model.Fit(Data.Classification(64), Data.Classification(32, seed: 3));
        var x = torch.randn(7, 4);
        var adapted = Output(model, x);
        var baseWeight = ((Linear)model.encoder[0]).weight.detach().clone();

        model.MergeLora();
        Assert.All(model.LoraAdapters(), a => Assert.True(a.Adapter.Merged));
        Assert.True(torch.allclose(adapted, Output(model, x), rtol: 1e-5, atol: 1e-6));
        Assert.False(torch.allclose(baseWeight, ((Linear)model.encoder[0]).weight, atol: 1e-6));
        Assert.Throws<InvalidOperationException>(() => model.MergeLora());
        var merged = Assert.Throws<InvalidOperationException>(() => model.Fit(Data.Classification(16), Data.Classification(8)));
        Assert.Contains("UnmergeLora()", merged.Message);

        model.UnmergeLora();
        Assert.True(torch.allclose(baseWeight, ((Linear)model.encoder[0]).weight, rtol: 0, atol: 1e-6));
        Assert.True(torch.allclose(adapted, Output(model, x), rtol: 1e-5, atol: 1e-6));
        Assert.Throws<InvalidOperationException>(() => model.UnmergeLora());
    }

    [Fact]
    public void Adapter_files_round_trip_into_a_fresh_model_and_are_small()
    {
        torch.manual_seed(5);
        var trained = new LoraNet();
        var baseFile = Path.Combine(_dir, "base.bin");
        trained.save(baseFile);                       // the base weights before any adapter
        trained.Fit(Data.Classification(64), Data.Classification(32, seed: 3));
        var adapterFile = Path.Combine(_dir, "adapters.safetensors");
        trained.SaveLoraAdapters(adapterFile);

        var fresh = new LoraNet();
        fresh.load(baseFile);
        using (torch.no_grad()) fresh.head.weight.copy_(trained.head.weight);  // the head trained outside the adapters
        using (torch.no_grad()) fresh.head.bias!.copy_(trained.head.bias!);
        var load = fresh.LoadLoraAdapters(adapterFile);

        Assert.Equal(4, load.Loaded.Count);
        Assert.Equal(new[] { "encoder.fc1", "encoder.fc2" }, fresh.LoraAdapters().Select(a => a.Name));
        var x = torch.randn(6, 4);
        Assert.True(Data.SameBits(Output(trained, x), Output(fresh, x)));
        Assert.True(new FileInfo(adapterFile).Length < 2_000);
        Assert.Contains(LoraFiles.MetadataKey, SafeTensors.Read(adapterFile).Metadata.Keys);
    }

    [Fact]
    public void Adapter_files_that_do_not_match_the_model_are_refused_naming_the_difference()
    {
        torch.manual_seed(6);
        var source = new LoraNet();
        source.CreateFineTunePlan();
        var file = Path.Combine(_dir, "a.safetensors");
        source.SaveLoraAdapters(file);

        var otherRank = new LoraNet { EncoderLora = new LoraSpec(rank: 3, alpha: 4, targets: new[] { "fc*" }) };
        otherRank.CreateFineTunePlan();
        var rank = Assert.Throws<PretrainedLoadException>(() => otherRank.LoadLoraAdapters(file));
        Assert.Contains("'encoder.fc1': the file has rank 2, alpha 4, dropout 0; the model has rank 3", rank.Message);
        Assert.Contains("nothing was loaded", rank.Message);

        var fewer = new LoraNet { EncoderLora = new LoraSpec(rank: 2, alpha: 4, targets: new[] { "fc1" }) };
        fewer.CreateFineTunePlan();
        var names = Assert.Throws<PretrainedLoadException>(() => fewer.LoadLoraAdapters(file));
        Assert.Contains("the file's adapters encoder.fc2 are not in the model", names.Message);
        Assert.Equal(new[] { "encoder.fc2" }, names.UnexpectedKeys);

        var wider = new LoraNet(hidden: 8);
        var shape = Assert.Throws<PretrainedLoadException>(() => wider.LoadLoraAdapters(file));   // attaches from the file, then shapes differ
        Assert.Contains("'encoder.fc1.lora_B': the file has [16, 2] F32, the model has [8, 2] float32", shape.Message);

        var plain = Path.Combine(_dir, "plain.safetensors");
        source.SaveSafeTensors(plain);
        var notAdapters = Assert.Throws<PretrainedLoadException>(() => new LoraNet().LoadLoraAdapters(plain));
        Assert.Contains("not a LoRA adapter file", notAdapters.Message);
    }

    [Fact]
    public void A_pattern_that_matches_no_Linear_is_an_error_naming_the_pattern_the_field_and_the_layers()
    {
        var model = new LoraNet { EncoderLora = new LoraSpec(targets: new[] { "fc*", "fc3" }) };
        var error = Assert.Throws<ArgumentException>(() => model.CreateFineTunePlan());
        Assert.Contains("pattern 'fc3' of field 'encoder' matches no Linear layer", error.Message);
        Assert.Contains("the Linear layers of 'encoder' are: fc1, fc2", error.Message);
        Assert.Empty(model.LoraAdapters());   // resolved before anything was attached

        var norm = Assert.Throws<ArgumentException>(() => new LoraNet { EncoderLora = new LoraSpec(targets: new[] { "norm" }) }.CreateFineTunePlan());
        Assert.Contains("it matches 'norm' (LayerNorm), which are not Linear", norm.Message);

        var notLinear = Assert.Throws<ArgumentException>(() => new LoraNet { EncoderLora = new LoraSpec() }.CreateFineTunePlan());
        Assert.Contains("it is a Sequential, not a Linear, and no target patterns were given", notLinear.Message);
        Assert.Contains("fc1, fc2", notLinear.Message);
    }

    [Theory]
    [InlineData("fc1", "fc1", true)]
    [InlineData("fc1", "block.fc1", false)]
    [InlineData("*.fc1", "block.fc1", true)]
    [InlineData("*.fc1", "a.b.fc1", false)]
    [InlineData("**.fc1", "fc1", true)]
    [InlineData("**.fc1", "a.b.fc1", true)]
    [InlineData("layers.*.q", "layers.0.q", true)]
    [InlineData("layers.*.q", "layers.0.k", false)]
    [InlineData("fc*", "fc12", true)]
    [InlineData("*proj", "out_proj", true)]
    [InlineData("**", "x.y", true)]
    [InlineData("layers.**", "layers", true)]
    [InlineData("a*b*c", "abxbc", true)]
    public void Patterns_match_whole_dotted_names(string pattern, string name, bool expected)
        => Assert.Equal(expected, LoraTargets.Matches(pattern, name));

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("a..b", "empty segment")]
    [InlineData(".a", "empty segment")]
    [InlineData("a**", "** inside a segment")]
    [InlineData(" ", "is empty")]
    [InlineData("a b", "whitespace")]
    public void Malformed_patterns_and_values_are_refused(string pattern, string why)
    {
        var error = Assert.Throws<ArgumentException>(() => new LoraSpec(targets: new[] { pattern }));
        Assert.Contains(why, error.Message);
        Assert.Contains("Rank is 0; expected at least 1", Assert.Throws<ArgumentException>(() => new LoraSpec(rank: 0)).Message);
        Assert.Contains("Alpha is 0; expected a finite number greater than 0", Assert.Throws<ArgumentException>(() => new LoraSpec(alpha: 0)).Message);
        Assert.Contains("Dropout is 1; expected a number in [0, 1)", Assert.Throws<ArgumentException>(() => new LoraSpec(dropout: 1)).Message);
    }

    [Fact]
    public void Attaching_twice_is_idempotent_and_other_settings_are_an_error()
    {
        var model = new LoraNet();
        model.CreateFineTunePlan();
        var first = model.LoraAdapters().Select(a => a.Adapter).ToList();
        var plan = model.CreateFineTunePlan();
        Assert.Equal(first, model.LoraAdapters().Select(a => a.Adapter));
        Assert.Equal(first, plan.Fields[0].LoraAdapters);

        model.EncoderLora = new LoraSpec(rank: 4, alpha: 4, targets: new[] { "fc*" });
        var error = Assert.Throws<InvalidOperationException>(() => model.CreateFineTunePlan());
        Assert.Contains("already has a LoRA adapter (rank 2, alpha 4, dropout 0", error.Message);
    }

    [Fact]
    public void A_layer_invoked_with_forward_instead_of_call_is_refused_before_training()
    {
        var model = new LoraNet { HeadLora = new LoraSpec(rank: 2, alpha: 2), HeadByForward = true };
        var error = Assert.Throws<InvalidOperationException>(() => model.Fit(Data.Classification(16), Data.Classification(8, seed: 3)));
        Assert.Contains("The LoRA adapters of head", error.Message);
        Assert.Contains("use .call(x) instead", error.Message);
    }

    [Fact]
    public void Frozen_fields_and_parameter_fields_cannot_take_LoRA()
    {
        var model = new LoraNet();
        var frozen = Assert.Throws<InvalidOperationException>(() => FieldRule.For("head", model.head, frozen: true).WithLora(new LoraSpec()));
        Assert.Contains("both frozen and LoRA-adapted", frozen.Message);
        var parameter = Assert.Throws<InvalidOperationException>(() => FieldRule.For("w", model.head.weight).WithLora(new LoraSpec()));
        Assert.Contains("is a Parameter", parameter.Message);
    }

    [Fact]
    public void Converting_the_model_after_attaching_is_refused_with_a_clear_message()
    {
        var model = new LoraNet();
        model.CreateFineTunePlan();
        model.to(ScalarType.Float64);   // TorchSharp's Linear converts its weight and bias, not the adapters
        var error = Assert.Throws<InvalidOperationException>(() => Output(model, torch.randn(new long[] { 2, 4 }, dtype: ScalarType.Float64)));
        Assert.Contains("The LoRA adapter of 'encoder.fc1' is Float32 on cpu but the layer's weight is Float64", error.Message);
        Assert.Contains("Move or convert the model before attaching LoRA", error.Message);
    }

    [Fact]
    public void Dropout_applies_only_while_training_and_adapters_can_be_switched_off()
    {
        torch.manual_seed(7);
        var layer = nn.Linear(8, 8);
        var adapter = layer.AttachLora(new LoraSpec(rank: 4, alpha: 4, dropout: 0.5), "solo");
        using (torch.no_grad()) adapter.B.normal_();
        var x = torch.randn(3, 8);
        layer.eval();
        var a = layer.call(x);
        Assert.True(Data.SameBits(a, layer.call(x)));           // eval: no dropout
        adapter.Enabled = false;
        Assert.True(Data.SameBits(layer.forward(x), layer.call(x)));
        adapter.Enabled = true;
        layer.train();
        Assert.False(Data.SameBits(layer.call(x), layer.call(x)));  // training: dropout draws differ
        Assert.Equal("", layer.LoraAdapters().Single().Name);
    }
}
