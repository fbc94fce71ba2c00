using Attune.Search;

namespace Attune.Tuning.Tests;

public class FactoryTests
{
    [Fact]
    public void Every_sampler_and_pruner_kind_maps_to_an_instance()
    {
        Assert.IsType<TpeSampler>(Samplers.Create(Sampler.Tpe));
        Assert.IsType<RandomSampler>(Samplers.Create(Sampler.Random));
        Assert.IsType<GridSampler>(Samplers.Create(Sampler.Grid));
        Assert.IsType<CmaEsSampler>(Samplers.Create(Sampler.CmaEs));
        Assert.Equal(7, Assert.IsType<QuasiRandomSampler>(Samplers.Create(Sampler.QuasiRandom, seed: 7)).Seed);
        Assert.Equal(7, ((TpeSampler)Samplers.Create(Sampler.Tpe, seed: 7)).Options.StartupSeed);
        Assert.Equal(5, ((TpeSampler)Samplers.Create(Sampler.Tpe, new TpeOptions { StartupTrials = 5 })).Options.StartupTrials);
        Assert.IsType<NopPruner>(Pruners.Create(Pruner.None));
        Assert.IsType<MedianPruner>(Pruners.Create(Pruner.Median));
        Assert.IsType<AshaPruner>(Pruners.Create(Pruner.Asha));
        Assert.Throws<ArgumentOutOfRangeException>(() => Samplers.Create((Sampler)42));
        // [TuneSpace(PrunerMinResource = 4, PrunerReductionFactor = 2)] reaches the pruners.
        var asha = Assert.IsType<AshaPruner>(Pruners.Create(Pruner.Asha, minResource: 4, reductionFactor: 2));
        Assert.Equal((4, 2), (asha.MinResource, asha.ReductionFactor));
        Assert.Equal(4, Assert.IsType<MedianPruner>(Pruners.Create(Pruner.Median, minResource: 4)).WarmupSteps);
        Assert.Throws<ArgumentOutOfRangeException>(() => Pruners.Create((Pruner)42));
    }
}
