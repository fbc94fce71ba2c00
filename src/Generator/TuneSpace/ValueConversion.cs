using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using static Attune.Generator.TuneSpace.ValueConversion;
using static Attune.Generator.TuneSpace.ValueDisplay;

namespace Attune.Generator.TuneSpace
{
    /// <summary>Values read from parameter attributes, converted to the property's type: which types a parameter may
    /// have, every value of an enum or bool, and the constructor arguments of the range attributes.</summary>
    internal static class ValueConversion
    {

        internal static ValueCategory Category(ITypeSymbol type)
        {
            if (type.TypeKind == TypeKind.Enum)
                return ValueCategory.Enum;
            return type.SpecialType switch
            {
                SpecialType.System_Boolean => ValueCategory.Bool,
                SpecialType.System_String => ValueCategory.String,
                SpecialType.System_Int32 => ValueCategory.Int32,
                SpecialType.System_Int64 => ValueCategory.Int64,
                SpecialType.System_Single => ValueCategory.Single,
                SpecialType.System_Double => ValueCategory.Double,
                _ => ValueCategory.Unsupported,
            };
        }


        /// <summary>Every value of an enum (members in declaration order, aliases of an earlier value skipped) or bool.</summary>
        internal static List<ChoiceValue> AllValues(ITypeSymbol type, ValueCategory category)
        {
            var choices = new List<ChoiceValue>();
            if (category == ValueCategory.Bool)
            {
                choices.Add(new ChoiceValue("false", "false", "false"));
                choices.Add(new ChoiceValue("true", "true", "true"));
                return choices;
            }
            var seen = new HashSet<object>();
            foreach (var field in type.GetMembers().OfType<IFieldSymbol>())
            {
                if (!field.HasConstantValue || field.ConstantValue is null || !seen.Add(field.ConstantValue))
                    continue;
                choices.Add(new ChoiceValue(field.Name, TypeName(type) + "." + Literals.Identifier(field.Name), type.Name + "." + field.Name));
            }
            return choices;
        }


        /// <summary>A value from an attribute as a value of the property's type, or null when it is not one.</summary>
        internal static ChoiceValue? ConvertValue(TypedConstant value, ITypeSymbol propertyType, ValueCategory category)
        {
            var raw = value.Value;
            switch (category)
            {
                case ValueCategory.Enum:
                    if (value.Kind != TypedConstantKind.Enum || !SymbolEqualityComparer.Default.Equals(value.Type, propertyType) || raw is null)
                        return null;
                    var number = Convert.ToInt64(raw, CultureInfo.InvariantCulture);
                    foreach (var field in propertyType.GetMembers().OfType<IFieldSymbol>())
                    {
                        if (field.HasConstantValue && field.ConstantValue is not null && Convert.ToInt64(field.ConstantValue, CultureInfo.InvariantCulture) == number)
                            return new ChoiceValue(field.Name, TypeName(propertyType) + "." + Literals.Identifier(field.Name), propertyType.Name + "." + field.Name);
                    }
                    return null; // not a defined member
                case ValueCategory.Bool:
                    return raw is bool flag ? new ChoiceValue(Literals.Boolean(flag), Literals.Boolean(flag), Literals.Boolean(flag)) : null;
                case ValueCategory.String:
                    return raw is string text && value.Kind == TypedConstantKind.Primitive ? new ChoiceValue(text, Literals.String(text), Literals.String(text)) : null;
                case ValueCategory.Int32:
                case ValueCategory.Int64:
                    if (value.Kind != TypedConstantKind.Primitive || !IsIntegral(raw))
                        return null;
                    decimal integer = Convert.ToDecimal(raw, CultureInfo.InvariantCulture);
                    var (min, max) = category == ValueCategory.Int32 ? ((decimal)int.MinValue, (decimal)int.MaxValue) : ((decimal)long.MinValue, (decimal)long.MaxValue);
                    if (integer < min || integer > max)
                        return null;
                    var integerText = Literals.Integer((long)integer);
                    return new ChoiceValue(integerText, integerText, integerText);
                case ValueCategory.Single:
                case ValueCategory.Double:
                    if (value.Kind != TypedConstantKind.Primitive || !(IsIntegral(raw) || raw is double || raw is float))
                        return null;
                    var real = raw is float single ? (double)single : Convert.ToDouble(raw, CultureInfo.InvariantCulture);
                    if (category == ValueCategory.Single)
                        real = (float)real;
                    var realText = real.ToString("R", CultureInfo.InvariantCulture);
                    var literal = category == ValueCategory.Single
                        ? (IsFinite(real) ? realText + "f" : "(float)" + Literals.Double(real))
                        : Literals.Double(real);
                    return new ChoiceValue(realText, literal, realText);
                default:
                    return null;
            }
        }


        internal static bool IsIntegral(object? value)
            => value is int or long or short or sbyte or byte or ushort or uint or ulong;


        internal static bool IsFinite(double value) => !double.IsNaN(value) && !double.IsInfinity(value);


        internal static bool TryConstructorNumbers(AttributeData attribute, out double low, out double high)
        {
            low = high = 0;
            if (attribute.ConstructorArguments.Length != 2 || attribute.ConstructorArguments.Any(a => a.Kind == TypedConstantKind.Error || a.Value is null))
                return false;
            low = Convert.ToDouble(attribute.ConstructorArguments[0].Value, CultureInfo.InvariantCulture);
            high = Convert.ToDouble(attribute.ConstructorArguments[1].Value, CultureInfo.InvariantCulture);
            return true;
        }


        /// <summary>The values of the params array at constructor position <paramref name="position"/>; false when
        /// any has a compile error (the compiler reports it).</summary>
        internal static bool TryParamsValues(AttributeData attribute, int position, out List<TypedConstant> values)
        {
            values = new List<TypedConstant>();
            if (attribute.ConstructorArguments.Length <= position)
                return false;
            var array = attribute.ConstructorArguments[position];
            if (array.Kind == TypedConstantKind.Error)
                return false;
            if (array.Kind != TypedConstantKind.Array || array.IsNull)
                return true;
            foreach (var value in array.Values)
            {
                if (value.Kind == TypedConstantKind.Error)
                    return false;
                values.Add(value);
            }
            return true;
        }
    }


    internal enum ValueCategory
    {
        Unsupported,
        Enum,
        Bool,
        String,
        Int32,
        Int64,
        Single,
        Double,
    }


    /// <summary>A categorical choice: invariant text (the space's), C# literal of the property type, and how
    /// messages show it.</summary>
    internal sealed class ChoiceValue
    {
        public ChoiceValue(string text, string literal, string display)
        {
            Text = text;
            Literal = literal;
            Display = display;
        }

        public string Text { get; }
        public string Literal { get; }
        public string Display { get; }
    }
}
