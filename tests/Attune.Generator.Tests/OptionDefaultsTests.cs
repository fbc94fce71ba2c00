using System.Globalization;
using System.Reflection;
using Attune.Generator.Common;
using Attune.Generator.FineTune;
using Attune.Generator.TuneSpace;
using Attune.Search;
using Attune.FineTuning;

namespace Attune.Generator.Tests;

/// <summary>
/// The generated options records write only what the attribute sets and leave the rest to the runtime record's own
/// defaults; the generator decides "what the attribute sets" by comparing with its defaults table. So the three copies
/// of each default — the generator's table, the attribute's initializer and the runtime record's — must agree, or an
/// attribute value equal to the generator's default would silently become a different runtime value.
/// </summary>
public sealed class OptionDefaultsTests
{
    [Fact]
    public void FineTuneDefaultsAgree()
    {
        var attribute = new FineTuneAttribute();
        var runtime = new FineTuneOptions();
        foreach (var spec in OptionSpec.All)
        {
            Assert.Equal(spec.DefaultLiteral, Literal(Property(typeof(FineTuneAttribute), spec.Name).GetValue(attribute)));
            Assert.Equal(spec.DefaultLiteral, Literal(Property(typeof(FineTuneOptions), spec.Name).GetValue(runtime)));
        }
    }

    [Fact]
    public void EveryFineTuneAttributeOptionHasASpec()
    {
        // Hook names are read by the parser, not copied onto FineTuneOptions.
        var hooks = new[] { nameof(FineTuneAttribute.CustomLoss), nameof(FineTuneAttribute.CustomMetric) };
        var names = typeof(FineTuneAttribute).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && !hooks.Contains(p.Name))
            .Select(p => p.Name);
        Assert.Equal(names.Order(), OptionSpec.All.Select(s => s.Name).Order());
    }

    [Fact]
    public void SweepDefaultsAgree()
    {
        var attribute = new TuneSpaceAttribute();
        var runtime = new SweepOptions();
        foreach (var spec in SweepOptionSpec.All)
        {
            var attributeValue = Property(typeof(TuneSpaceAttribute), spec.Name).GetValue(attribute);
            var runtimeValue = Property(typeof(SweepOptions), spec.Property).GetValue(runtime);
            switch (spec.Kind)
            {
                case SweepOptionKind.Integer:
                case SweepOptionKind.Enum:
                case SweepOptionKind.Flag:
                    Assert.Equal(spec.Default, Literal(attributeValue));
                    Assert.Equal(spec.Default, Literal(runtimeValue));
                    break;
                case SweepOptionKind.Seconds:
                    // 0 seconds on the attribute is "no limit", which the runtime spells null.
                    Assert.Equal(spec.Default, Literal(attributeValue));
                    Assert.Null(runtimeValue);
                    break;
                case SweepOptionKind.Name:
                case SweepOptionKind.Text:
                    // Null on both sides: the space's name, the default storage file.
                    Assert.Null(attributeValue);
                    Assert.Null(runtimeValue);
                    break;
            }
        }
    }

    [Fact]
    public void EveryTuneSpaceAttributeOptionHasASpec()
    {
        var names = typeof(TuneSpaceAttribute).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite)
            .Select(p => p.Name);
        Assert.Equal(names.Order(), SweepOptionSpec.All.Select(s => s.Name).Order());
    }

    private static PropertyInfo Property(Type type, string name)
        => type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance) ?? throw new Xunit.Sdk.XunitException($"{type.Name} has no property {name}.");

    /// <summary>A default as the generator's tables write it: enum members by name, numbers as C# literals.</summary>
    private static string Literal(object? value) => value switch
    {
        null => "null",
        bool flag => Literals.Boolean(flag),
        Enum member => member.ToString(),
        double real => Literals.Double(real),
        int or long => Literals.Integer(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        string text => Literals.String(text),
        _ => throw new Xunit.Sdk.XunitException($"No literal for {value.GetType().Name}."),
    };
}
