using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Attune.Generator.Parsing
{
    /// <summary>Reads what both option parsers need from an attribute's class: a named property's type and an enum's members.</summary>
    internal static class AttributeSymbols
    {
        public static ITypeSymbol? PropertyType(AttributeData attribute, string name)
            => attribute.AttributeClass?.GetMembers(name).OfType<IPropertySymbol>().FirstOrDefault()?.Type;

        public static List<(string Name, long Value)> EnumMembers(ITypeSymbol? enumType)
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
}
