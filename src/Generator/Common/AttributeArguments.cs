using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Attune.Generator.Common
{
    /// <summary>
    /// The named arguments of one attribute application, read once for [FineTune] and [TuneSpace] alike: the values
    /// without compile errors, the syntax as written (for locations), and the attribute class's enum members.
    /// </summary>
    internal sealed class AttributeArguments
    {
        private readonly AttributeData _attribute;
        private readonly Dictionary<string, AttributeArgumentSyntax> _syntax;
        private readonly Dictionary<string, TypedConstant> _values;

        private AttributeArguments(AttributeData attribute, AttributeSyntax? syntax)
        {
            _attribute = attribute;
            AttributeLocation = LocationInfo.From(syntax);
            _syntax = new Dictionary<string, AttributeArgumentSyntax>(StringComparer.Ordinal);
            if (syntax?.ArgumentList is { } list)
            {
                foreach (var argument in list.Arguments)
                {
                    if (argument.NameEquals is { } nameEquals)
                        _syntax[nameEquals.Name.Identifier.ValueText] = argument;
                }
            }
            _values = new Dictionary<string, TypedConstant>(StringComparer.Ordinal);
            foreach (var pair in attribute.NamedArguments)
            {
                if (pair.Value.Kind != TypedConstantKind.Error)
                    _values[pair.Key] = pair.Value;
            }
        }

        public static AttributeArguments Read(AttributeData attribute, AttributeSyntax? syntax) => new AttributeArguments(attribute, syntax);

        /// <summary>The single number of an attribute like <c>[LearningRate(1e-2)]</c>; false when the argument is missing
        /// or has a compile error (the compiler reports it).</summary>
        public static bool TryReadSingleNumber(AttributeData attribute, out double value)
        {
            value = 0;
            if (attribute.ConstructorArguments.Length != 1)
                return false;
            var argument = attribute.ConstructorArguments[0];
            if (argument.Kind == TypedConstantKind.Error || argument.Value is null)
                return false;
            value = Convert.ToDouble(argument.Value, CultureInfo.InvariantCulture);
            return true;
        }

        /// <summary>The whole attribute, where a diagnostic about an argument points when the argument is not written.</summary>
        public LocationInfo? AttributeLocation { get; }

        /// <summary>The argument <paramref name="name"/> as written, or the attribute when it is not written.</summary>
        public LocationInfo? ArgumentLocation(string name)
            => _syntax.TryGetValue(name, out var argument) ? LocationInfo.From(argument) : AttributeLocation;

        /// <summary>The argument as written, for checks on its expression.</summary>
        public AttributeArgumentSyntax? Syntax(string name) => _syntax.TryGetValue(name, out var argument) ? argument : null;

        /// <summary>Whether the argument has a value without a compile error.</summary>
        public bool TryGetValue(string name, out TypedConstant value) => _values.TryGetValue(name, out value);

        /// <summary>The argument is written but its value has a compile error (the compiler reports it; stay quiet).</summary>
        public bool HasCompileError(string name) => _syntax.ContainsKey(name) && !_values.ContainsKey(name);

        public object? Raw(string name) => _values.TryGetValue(name, out var constant) ? constant.Value : null;

        public string? String(string name) => Raw(name) as string;

        public double Number(string name, double fallback)
            => Raw(name) is { } raw ? Convert.ToDouble(raw, CultureInfo.InvariantCulture) : fallback;

        public long Integer(string name, long fallback)
            => Raw(name) is { } raw ? Convert.ToInt64(raw, CultureInfo.InvariantCulture) : fallback;

        /// <summary>An enum argument: its number, its member's name (null when the number is not a defined member) and
        /// its C# literal; the member <paramref name="defaultMember"/> when the argument is not given.</summary>
        public EnumArgument Enum(string name, string defaultMember)
        {
            var enumType = _attribute.AttributeClass?.GetMembers(name).OfType<IPropertySymbol>().FirstOrDefault()?.Type;
            var typeName = enumType?.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) ?? "global::Attune." + name;
            var shortName = enumType?.Name ?? name;
            var members = EnumMembers(enumType);
            var number = Raw(name) is { } raw
                ? Convert.ToInt64(raw, CultureInfo.InvariantCulture)
                : members.Where(m => m.Name == defaultMember).Select(m => m.Value).FirstOrDefault();
            var member = members.Where(m => m.Value == number).Select(m => m.Name).FirstOrDefault();
            var literal = member is null ? "(" + typeName + ")(" + Literals.Integer(number) + ")" : typeName + "." + member;
            return new EnumArgument(shortName, number, member, literal, members.Select(m => shortName + "." + m.Name).ToList());
        }

        private static List<(string Name, long Value)> EnumMembers(ITypeSymbol? enumType)
        {
            var members = new List<(string Name, long Value)>();
            if (enumType is null)
                return members;
            foreach (var field in enumType.GetMembers().OfType<IFieldSymbol>())
            {
                if (field.HasConstantValue && field.ConstantValue is not null)
                    members.Add((field.Name, Convert.ToInt64(field.ConstantValue, CultureInfo.InvariantCulture)));
            }
            return members;
        }
    }

    /// <summary>An enum argument as read: <see cref="Member"/> is null for a number that is no defined member.</summary>
    internal sealed class EnumArgument
    {
        public EnumArgument(string typeName, long number, string? member, string literal, List<string> defined)
        {
            TypeName = typeName;
            Number = number;
            Member = member;
            Literal = literal;
            Defined = defined;
        }

        /// <summary>The enum's simple name, as messages show it.</summary>
        public string TypeName { get; }
        public long Number { get; }
        public string? Member { get; }
        public string Literal { get; }

        /// <summary>Every defined member as <c>Type.Member</c>.</summary>
        public List<string> Defined { get; }

        /// <summary>How messages show an undefined value: <c>(Type)n</c>.</summary>
        public string UndefinedDisplay => "(" + TypeName + ")" + Literals.Integer(Number);
    }
}
