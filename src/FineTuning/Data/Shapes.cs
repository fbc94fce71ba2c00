using System.Linq;
using static TorchSharp.torch;

namespace Attune.FineTuning;

/// <summary>Formats tensor shapes the way error messages show them: [32, 64] float32. Public for batch records: an
/// <see cref="IModelInput.Describe"/> written with it reads like Attune's own messages.</summary>
public static class Shapes
{
    public static string Format(Tensor tensor) => "[" + string.Join(", ", tensor.shape.Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";

    public static string Describe(Tensor tensor) => $"{Format(tensor)} {Name(tensor.dtype)}";

    public static string Format(long[] shape) => "[" + string.Join(", ", shape.Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";

    public static string Name(ScalarType type) => type.ToString().ToLowerInvariant();
}
