using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace Attune.Generator.Tests.Infrastructure;

/// <summary>
/// Walks an object graph by reflection and fails if it holds anything that would keep a compilation alive or break
/// the pipeline's caching: symbols, syntax, locations, compilations, semantic models.
/// </summary>
public static class ModelGraph
{
    private static readonly Type[] Forbidden =
    {
        typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxTree), typeof(Location), typeof(Compilation), typeof(SemanticModel),
    };

    public static void AssertHoldsNoCompilerObjects(object? root, string stepName)
    {
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        Walk(root, stepName, visited);
    }

    private static void Walk(object? value, string path, HashSet<object> visited)
    {
        if (value is null)
            return;
        var type = value.GetType();
        foreach (var forbidden in Forbidden)
        {
            if (forbidden.IsAssignableFrom(type))
                Assert.Fail($"{path} holds a {forbidden.Name} ({type.FullName}); the model must hold plain equatable values only.");
        }
        if (type.IsPrimitive || type.IsEnum || value is string || value is decimal)
            return;
        if (!type.IsValueType && !visited.Add(value))
            return;

        if (value is IEnumerable enumerable and not string)
        {
            var index = 0;
            foreach (var item in enumerable)
                Walk(item, $"{path}[{index++}]", visited);
        }

        for (var current = type; current is not null && current != typeof(object); current = current.BaseType)
        {
            foreach (var field in current.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (field.FieldType.IsPointer)
                    continue;
                Walk(field.GetValue(value), $"{path}.{field.Name}", visited);
            }
        }
    }
}
