namespace Attune.Tuning.Tests;

public class FactoryTests
{
    [Fact]
    public void Every_sampler_and_pruner_kind_maps_to_an_instance()
    {
        Assert.IsType<TpeSampler>(Samplers.Create(Sampler.Tpe));
        Assert.IsType<RandomSampler>(Samplers.Create(Sampler.Random));
        Assert.IsType<GridSampler>(Samplers.Create(Sampler.Grid));
        Assert.Equal(5, ((TpeSampler)Samplers.Create(Sampler.Tpe, new TpeOptions { StartupTrials = 5 })).Options.StartupTrials);
        Assert.IsType<NopPruner>(Pruners.Create(Pruner.None));
        Assert.IsType<MedianPruner>(Pruners.Create(Pruner.Median));
        Assert.IsType<AshaPruner>(Pruners.Create(Pruner.Asha));
        Assert.Throws<ArgumentOutOfRangeException>(() => Samplers.Create((Sampler)42));
        Assert.Throws<ArgumentOutOfRangeException>(() => Pruners.Create((Pruner)42));
    }
}
