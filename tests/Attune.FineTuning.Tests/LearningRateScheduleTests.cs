namespace Attune.FineTuning.Tests;

public class LearningRateScheduleTests
{
    [Fact]
    public void Warmup_rises_linearly_from_zero_then_constant()
    {
        var s = new LearningRateSchedule(LrSchedule.Constant, totalSteps: 10, warmupSteps: 4);
        Assert.Equal(new[] { 0.0, 0.25, 0.5, 0.75, 1, 1, 1, 1, 1, 1 }, Enumerable.Range(0, 10).Select(i => s.Factor(i)));
    }

    [Fact]
    public void Cosine_after_warmup_follows_half_a_cosine()
    {
        var s = new LearningRateSchedule(LrSchedule.Cosine, totalSteps: 12, warmupSteps: 2);
        Assert.Equal(0.0, s.Factor(0), 12);
        Assert.Equal(0.5, s.Factor(1), 12);
        Assert.Equal(1.0, s.Factor(2), 12);                          // p = 0
        Assert.Equal(0.5, s.Factor(7), 12);                          // p = 5/10: (1 + cos(π/2)) / 2
        Assert.Equal((1 + Math.Cos(Math.PI * 0.9)) / 2, s.Factor(11), 12);
        Assert.Equal(s.Factor(11), s.Factor(50), 12);                // past the end: the last value
    }

    [Fact]
    public void Linear_decays_towards_zero()
    {
        var s = new LearningRateSchedule(LrSchedule.Linear, totalSteps: 5, warmupSteps: 0);
        Assert.Equal(new[] { 1.0, 0.8, 0.6, 0.4, 0.2 }, Enumerable.Range(0, 5).Select(i => Math.Round(s.Factor(i), 12)));
    }

    [Fact]
    public void OneCycle_rises_from_a_25th_and_anneals_to_almost_zero()
    {
        var s = new LearningRateSchedule(LrSchedule.OneCycle, totalSteps: 100, warmupSteps: 0);
        Assert.Equal(1.0 / 25, s.Factor(0), 12);
        Assert.Equal(1.0, s.Factor(30), 12);
        Assert.True(s.Factor(15) > 0.4 && s.Factor(15) < 0.6);
        Assert.True(s.Factor(99) < 1e-3);
        Assert.True(s.Factor(99) >= LearningRateSchedule.OneCycleEndFactor);
    }

    [Fact]
    public void Warmup_ratio_rounds_up_and_warmup_not_shorter_than_run_names_both_numbers()
    {
        var s = LearningRateSchedule.For(new FineTuneOptions { WarmupRatio = 0.25, Epochs = 2 }, totalSteps: 10);
        Assert.Equal(3, s.WarmupSteps);

        var ex = Assert.Throws<ArgumentException>(() => LearningRateSchedule.For(new FineTuneOptions { WarmupSteps = 40, Epochs = 2 }, totalSteps: 40));
        Assert.Contains("40 steps", ex.Message);
        Assert.Contains("only 40 optimizer steps", ex.Message);
        Assert.Contains("WarmupSteps", ex.Message);
    }
}
