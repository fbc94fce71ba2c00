using TorchSharp;
using static TorchSharp.torch;

namespace Attune.FineTuning.Tests;

/// <summary>
/// LabeledTensors' batches, as the trainer reads them: every batch but the last full, rows in order or in a seeded
/// random order, one pass per enumeration, each batch made inside the caller's dispose scope and nothing left alive
/// once a pass ends.
/// </summary>
public class LabeledTensorsTests
{
    public LabeledTensorsTests() => Torch.Init();

    private static LabeledTensors Rows(int n) =>
        new(torch.arange(n, dtype: ScalarType.Float32).unsqueeze(1), torch.arange(n, dtype: ScalarType.Int64));

    private static List<long[]> Pass(IEnumerable<(Tensor Features, Tensor Labels)> batches)
    {
        var result = new List<long[]>();
        using var e = batches.GetEnumerator();
        while (true)
        {
            using var scope = torch.NewDisposeScope(); // the trainer's step scope, opened before MoveNext
            if (!e.MoveNext()) break;
            var (x, y) = e.Current;
            Assert.Equal(y.shape[0], x.shape[0]);
            Assert.Equal(y.data<long>().ToArray(), x.squeeze(1).to(ScalarType.Int64).data<long>().ToArray()); // features and labels stay paired
            result.Add(y.data<long>().ToArray());
        }
        return result;
    }

    [Fact]
    public void Unshuffled_batches_are_the_rows_in_order_and_only_the_last_is_short()
    {
        var batches = Pass(Rows(10).Batches(4, shuffle: false, generator: null));
        Assert.Equal(new[] { new long[] { 0, 1, 2, 3 }, new long[] { 4, 5, 6, 7 }, new long[] { 8, 9 } }, batches);
    }

    [Fact]
    public void A_shuffled_pass_holds_every_row_once_and_the_same_seed_gives_the_same_order()
    {
        var data = Rows(37);
        using var first = new Generator(7);
        using var again = new Generator(7);
        var a = Pass(data.Batches(8, shuffle: true, first));
        var b = Pass(data.Batches(8, shuffle: true, again));

        Assert.Equal(new[] { 8, 8, 8, 8, 5 }, a.Select(x => x.Length));
        Assert.Equal(Enumerable.Range(0, 37).Select(i => (long)i), a.SelectMany(x => x).Order());
        Assert.NotEqual(Enumerable.Range(0, 37).Select(i => (long)i), a.SelectMany(x => x)); // 1 in 37! to fail by chance
        Assert.Equal(a, b);
    }

    [Fact]
    public void Each_enumeration_is_a_pass_of_its_own_that_draws_a_new_order_from_the_generator()
    {
        using var generator = new Generator(11);
        var batches = Rows(30).Batches(10, shuffle: true, generator);
        var first = Pass(batches).SelectMany(x => x).ToArray();
        var second = Pass(batches).SelectMany(x => x).ToArray();

        Assert.Equal(first.Order(), second.Order());
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void A_finished_or_abandoned_pass_leaves_no_tensor_alive()
    {
        var data = Rows(50);
        using var generator = new Generator(3);
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Pass(data.Batches(16, shuffle: true, generator));
        using (var e = data.Batches(16, shuffle: true, generator).GetEnumerator())
        {
            using var scope = torch.NewDisposeScope();
            Assert.True(e.MoveNext()); // the permutation now exists, detached from the scope; disposing the enumerator frees it
        }
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void A_pass_cannot_be_restarted_and_a_batch_size_below_one_is_refused()
    {
        using var e = Rows(4).Batches(2, shuffle: false, generator: null).GetEnumerator();
        var ex = Assert.Throws<NotSupportedException>(() => e.Reset());
        Assert.Contains("call Batches again", ex.Message);
        var size = Assert.Throws<ArgumentOutOfRangeException>(() => Rows(4).Batches(0, shuffle: false, generator: null));
        Assert.Contains("at least 1", size.Message);
    }
}
