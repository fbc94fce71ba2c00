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

    /// <summary>Counts the writes a step makes into an optimizer group's rate.</summary>
    private sealed class CountingController : TorchSharp.torch.optim.ILearningRateController
    {
        private double _rate;
        public int Writes { get; private set; }
        public double LearningRate { get => _rate; set { _rate = value; Writes++; } }
        public double InitialLearningRate { get; set; }
    }

    private static (Optimization Optimization, CountingController[] Groups) Rates(LearningRateSchedule schedule)
    {
        var groups = new[] { new CountingController(), new CountingController() };
        // SetRates touches only the controllers, their base rates and the schedule.
        return (new Optimization(null!, groups, new[] { 1e-3, 1e-4 }, schedule, null!, maxGradNorm: 0, defaultRate: 1e-3), groups);
    }

    [Fact]
    public void A_constant_schedule_writes_each_groups_rate_once_per_run_not_once_per_step()
    {
        var (optimization, groups) = Rates(new LearningRateSchedule(LrSchedule.Constant, totalSteps: 100, warmupSteps: 0));
        for (long step = 0; step < 100; step++) Assert.Equal(1.0, optimization.SetRates(step));
        Assert.All(groups, g => Assert.Equal(1, g.Writes));
        Assert.Equal(1e-3, groups[0].LearningRate);
        Assert.Equal(1e-4, groups[1].LearningRate);
    }

    [Fact]
    public void A_changing_schedule_writes_every_step_whose_factor_changed_and_each_group_holds_its_scaled_rate()
    {
        // Warmup 4 of 10 then constant: factors 0, .25, .5, .75, then 1 for six steps; five distinct values in a row.
        var schedule = new LearningRateSchedule(LrSchedule.Constant, totalSteps: 10, warmupSteps: 4);
        var (optimization, groups) = Rates(schedule);
        for (long step = 0; step < 10; step++)
        {
            double factor = optimization.SetRates(step);
            Assert.Equal(schedule.Factor(step), factor);
            Assert.Equal(1e-3 * factor, groups[0].LearningRate, 15);
            Assert.Equal(1e-4 * factor, groups[1].LearningRate, 15);
        }
        Assert.All(groups, g => Assert.Equal(5, g.Writes));
    }
}
