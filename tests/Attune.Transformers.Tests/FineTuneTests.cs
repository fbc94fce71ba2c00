using Attune.Transformers.Tests.Text;
using Attune.FineTuning;
using Attune.Search;
using TorchSharp;
using static TorchSharp.torch;

namespace Attune.Transformers.Tests;

/// <summary>
/// [FineTune] models built around the encoder, trained on real reviews through the generated RunFineTune: the real
/// weights learn, layer-wise rules and LoRA act on the encoder's layers, a run resumes bit-identically, and a sweep binds.
/// </summary>
public sealed class FineTuneTests
{
    private static readonly Lazy<(TextClassificationData Train, TextClassificationData Validation)> s_reviews = new(() =>
    {
        var all = TextFixtures.Reviews("fine_foods_train.csv", maxLength: 32);
        var (pool, validation) = all.Split(32, seed: 1);
        return (pool.Split(64, seed: 2).Validation, validation);
    });

    private static TextClassificationData Train => s_reviews.Value.Train;
    private static TextClassificationData Validation => s_reviews.Value.Validation;

    private static BertModel Small(int seed)
    {
        torch.manual_seed(seed);
        return new BertModel(SmallBert.Config);
    }

    [Fact]
    public void Text_data_with_more_labels_than_the_model_has_outputs_fails_before_the_first_step_naming_the_row_and_label()
    {
        // Labels 'a' and 'b' in the first rows (the dry batch sees only those), a third label 'c' from row 20 on.
        var rows = Enumerable.Range(0, 24).Select(i => ($"review number {i} was {(i % 2 == 0 ? "good" : "fine")}", i >= 20 ? "c" : i % 2 == 0 ? "a" : "b"));
        var data = TextClassificationData.FromRows(rows, TextFixtures.Tokenizer, new TextDataOptions { MaxLength = 16 });
        using var model = new DecayClassifier(Small(3), classes: 2);

        var e = Assert.Throws<FineTuneDataException>(() => model.RunFineTune(data, data));

        Assert.Equal("The training data of Attune.Transformers.Tests.DecayClassifier (24 examples) holds class labels from 0 to 2, but CrossEntropy takes labels in [0, 2) for a " +
            "model with 2 output classes: row 20 of the training data has 2 ('c'). Give the model's last layer as many outputs as the data has labels " +
            "(e.g. train.Labels.Count), or drop those rows. Nothing was trained.", e.Message);
    }

    [Fact]
    public void A_few_full_fine_tune_steps_on_real_reviews_lower_the_real_encoders_loss()
    {
        using var model = new DecayClassifier(MiniLM.LoadEncoder());
        var before = FineTuner.Evaluate(model, Train, batchSize: 32);
        var report = model.RunFineTune(Train, Validation, DecayClassifier.FineTuneDefaults with { Epochs = 1, LearningRate = 1e-4 });
        var after = FineTuner.Evaluate(model, Train, batchSize: 32);

        Assert.Equal(8, report.TotalSteps);                              // 64 reviews in batches of 8
        Assert.True(after.Loss < before.Loss, $"training-set loss {before.Loss:F4} -> {after.Loss:F4}");
    }

    [Fact]
    public void Layerwise_decay_gives_the_embeddings_and_each_encoder_layer_their_own_rate()
    {
        using var model = new DecayClassifier(Small(1));
        var plan = ((IFineTunable)model).CreateFineTunePlan();
        Assert.Equal(new[] { "bert.encoder.layer.1", "bert.encoder.layer.0", "bert.embeddings", "classifier" }, plan.Fields.Select(f => f.FieldName));
        Assert.Equal(new double?[] { 1, 0.5, 0.25, null }, plan.Fields.Select(f => f.LearningRateScale));
        // The pooler sits on the top layer's output and trains with it.
        Assert.Contains(plan.Fields[0].Parameters, p => p.Parameter.Handle == model.Bert.Pooler!.parameters().First().Handle);
        var report = model.RunFineTune(Train, Validation, DecayClassifier.FineTuneDefaults with { Epochs = 1 });
        Assert.Equal(StopReason.Completed, report.StopReason);
    }

    [Fact]
    public void Gradual_unfreezing_goes_from_the_top_layer_down_one_layer_per_epoch()
    {
        using var model = new GradualClassifier(Small(2));
        var embeddings = model.Bert.Embeddings.WordEmbeddings.weight!.clone();
        var changedAfterEpoch = new List<bool>();
        // Read at each epoch's end, before the run restores its best epoch's weights.
        var watch = new Progress(p =>
        {
            if (p.Phase == FineTunePhase.Evaluated) changedAfterEpoch.Add(!Data.SameBits(embeddings, model.Bert.Embeddings.WordEmbeddings.weight!));
        });
        var report = model.RunFineTune(Train, Validation, GradualClassifier.FineTuneDefaults with { CheckpointDirectory = null }, watch);
        Assert.Equal(new[] { ("bert.encoder.layer.1", 2), ("bert.encoder.layer.0", 3), ("bert.embeddings", 4) },
            report.Unfrozen.Select(u => (u.Field, u.Epoch)));
        Assert.Equal(new[] { false, false, false, true }, changedAfterEpoch); // the embeddings train from epoch 4 only
    }

    [Fact]
    public void Lora_on_the_encoder_trains_only_adapters_and_its_merged_weights_save_as_a_plain_hugging_face_checkpoint()
    {
        using var model = new LoraReviewClassifier(Small(3));
        var query = model.Bert.Layer(0).Attention.Self.Query.weight!.clone();
        var report = model.RunFineTune(Train, Validation);
        Assert.True(Data.SameBits(query, model.Bert.Layer(0).Attention.Self.Query.weight!), "the base weight stays frozen");
        Assert.Equal(2 * 2 * (4 * 32 + 32 * 4) + (32 * 2 + 2), report.TrainableParameters); // 2 layers × (q, v) adapters + head

        var batch = Validation.Batches(8, false, null).First().Features;
        model.eval();
        using var noGrad = torch.no_grad();
        var unmerged = model.Bert.call(batch);
        model.MergeLora();
        var merged = model.Bert.call(batch);
        Assert.True(unmerged.allclose(merged, rtol: 1e-5, atol: 1e-5), $"max |Δ| {(unmerged - merged).abs().max().item<float>()}");

        var folder = Path.Combine(Path.GetTempPath(), "attune-lora-merged-" + Environment.ProcessId);
        try
        {
            model.Bert.SavePretrained(folder, Train.Labels);
            Assert.Equal(Train.Labels.Names, LabelMap.FromId2Label(BertConfig.Load(Path.Combine(folder, "config.json")).Id2Label).Names);
            var keys = SafeTensors.Read(Path.Combine(folder, "model.safetensors")).Entries.Select(e => e.Name).ToList();
            Assert.DoesNotContain(keys, k => k.Contains("lora", StringComparison.Ordinal));
            using var plain = BertModel.FromPretrained(folder);
            plain.eval();
            Assert.True(merged.allclose(plain.call(batch), rtol: 1e-6, atol: 1e-6), "a plain BertModel with the merged weights gives the same output");
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Unmerged_adapters_are_not_saved_silently()
    {
        using var model = new LoraReviewClassifier(Small(4));
        _ = ((IFineTunable)model).CreateFineTunePlan(); // attaches the adapters
        var ex = Assert.Throws<InvalidOperationException>(() => model.Bert.SavePretrained(Path.Combine(Path.GetTempPath(), "attune-unmerged")));
        Assert.Contains("4 LoRA adapters that are not merged", ex.Message);
        Assert.Contains("MergeLora()", ex.Message);
    }

    [Fact]
    public void An_interrupted_text_fine_tune_resumes_bit_identical_to_an_uninterrupted_one()
    {
        var root = Path.Combine(Path.GetTempPath(), "attune-text-resume-" + Environment.ProcessId);
        try
        {
            var options = DecayClassifier.FineTuneDefaults with { Epochs = 3, Schedule = LrSchedule.Cosine };
            using var reference = new DecayClassifier(Small(5));
            reference.RunFineTune(Train, Validation, options with { CheckpointDirectory = Path.Combine(root, "a") });

            using var first = new DecayClassifier(Small(5));
            using var cts = new CancellationTokenSource();
            var stopAfterEpoch1 = new Progress(p => { if (p.Phase == FineTunePhase.Evaluated && p.Epoch == 1) cts.Cancel(); });
            var cancelled = first.RunFineTune(Train, Validation, options with { CheckpointDirectory = Path.Combine(root, "b") }, stopAfterEpoch1, cancellationToken: cts.Token);
            Assert.Equal(StopReason.Cancelled, cancelled.StopReason);

            using var resumed = new DecayClassifier(Small(99)); // other weights: the resume overwrites them
            var report = resumed.RunFineTune(Train, Validation, options with { CheckpointDirectory = Path.Combine(root, "b"), Resume = true });
            Assert.Equal(1, report.ResumedFromEpoch);
            var a = reference.state_dict();
            var b = resumed.state_dict();
            foreach (var key in a.Keys) Assert.True(Data.SameBits(a[key], b[key]), "differs: " + key);
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void A_sweep_binds_its_parameters_to_a_text_fine_tune_by_name()
    {
        var seen = new List<(double Rate, int Batch, long Steps)>();
        var sweep = ReviewSweep.RunSweep(trial =>
        {
            var p = trial.Parameters;
            using var model = new DecayClassifier(Small(6));
            var plan = ((IFineTunable)model).CreateFineTunePlan(p.ApplyTo(DecayClassifier.FineTuneDefaults));
            Assert.Equal(p.LayerDecay, plan.Fields[1].LearningRateScale!.Value, 12); // the layer below the top: decay^1
            var report = model.RunFineTune(Train, Validation, p, trial);
            seen.Add((p.LearningRate, p.BatchSize, report.TotalSteps));
            return report.BestMetric;
        });

        Assert.Equal(3, sweep.Trials.Count(t => t.State == TrialState.Complete));
        foreach (var (rate, batch, steps) in seen)
        {
            Assert.InRange(rate, 1e-4, 1e-2);
            Assert.Equal(2 * (64 / batch), steps); // Epochs = 2 and the trial's BatchSize reached the loop
        }
        Assert.InRange(sweep.Best.Value, 0, 1);
    }

    [Fact]
    public void A_sweep_varies_the_lora_rank_and_alpha_declared_on_the_field()
    {
        var ranks = new List<(int Swept, int Attached, double Scale)>();
        var sweep = LoraSweep.RunSweep(trial =>
        {
            var p = trial.Parameters;
            using var model = new LoraReviewClassifier(Small(7));
            var report = model.RunFineTune(Train, Validation, trial);   // the trial alone: its parameters set the options
            var adapter = model.LoraAdapters()[0].Adapter;
            ranks.Add((p.LoraRank, adapter.Rank, adapter.Scale));
            Assert.Equal(2 * 2 * p.LoraRank * (32 + 32) + 66, report.TrainableParameters);
            return report.BestMetric;
        });
        Assert.Equal(new[] { (2, 2, 1.5), (4, 4, 0.75), (6, 6, 0.5) }, ranks.OrderBy(r => r.Swept));
        Assert.Equal(3, sweep.Trials.Count);
    }

    [Fact]
    public void Run_options_that_override_lora_or_decay_are_checked()
    {
        var problems = new FineTuneOptions { LoraRank = 0, LoraAlpha = double.NaN, LoraDropout = 1, LayerDecay = 1.5 }.Validate();
        Assert.Equal(4, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("LoraRank is 0; expected null (as declared) or at least 1", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("LayerDecay is 1.5", StringComparison.Ordinal));
    }

    private sealed class Progress(Action<FineTuneProgress> report) : IProgress<FineTuneProgress>
    {
        public void Report(FineTuneProgress value) => report(value);
    }
}

internal static class Data
{
    public static bool SameBits(Tensor a, Tensor b)
    {
        if (a.dtype != b.dtype || !a.shape.SequenceEqual(b.shape)) return false;
        using var scope = torch.NewDisposeScope();
        return a.eq(b).all().item<bool>();
    }
}
