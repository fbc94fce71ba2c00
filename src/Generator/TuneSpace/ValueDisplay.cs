using System;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using static Attune.Generator.TuneSpace.ValueConversion;
using static Attune.Generator.TuneSpace.ValueDisplay;

namespace Attune.Generator.TuneSpace
{
    /// <summary>How diagnostics show attribute values, types and numbers (invariant, as C# would write them).</summary>
    internal static class ValueDisplay
    {
        internal static readonly SymbolDisplayFormat ShortTypeFormat = SymbolDisplayFormat.MinimallyQualifiedFormat;


        internal static string Display(TypedConstant value)
        {
            if (value.IsNull)
                return "null";
            if (value.Kind == TypedConstantKind.Enum && value.Type is { } enumType)
            {
                var number = Convert.ToInt64(value.Value, CultureInfo.InvariantCulture);
                var member = enumType.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(f => f.HasConstantValue && f.ConstantValue is not null && Convert.ToInt64(f.ConstantValue, CultureInfo.InvariantCulture) == number);
                return member is null ? "(" + enumType.Name + ")" + Literals.Integer(number) : enumType.Name + "." + member.Name;
            }
            return value.Value switch
            {
                string text => Literals.String(text),
                bool flag => Literals.Boolean(flag),
                double real => real.ToString("R", CultureInfo.InvariantCulture),
                float single => single.ToString("R", CultureInfo.InvariantCulture) + "f",
                IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                var other => other?.ToString() ?? "null",
            } + " (" + ValueTypeName(value) + ")";
        }


        internal static string ValueTypeName(TypedConstant value)
            => value.Type?.ToDisplayString(ShortTypeFormat) ?? "null";


        internal static string TypeDisplay(ITypeSymbol type) => "'" + type.ToDisplayString(ShortTypeFormat) + "'";


        internal static string TypeName(ITypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);


        internal static string Number(double value) => Literals.Double(value).Replace("global::System.Double.", "double.");


        internal static string ShortName(TuneAttributeKind kind) => kind switch
        {
            TuneAttributeKind.Uniform => "Uniform",
            TuneAttributeKind.LogUniform => "LogUniform",
            TuneAttributeKind.IntRange => "IntRange",
            TuneAttributeKind.Choice => "Choice",
            _ => "ActiveWhen",
        };
    }
}
