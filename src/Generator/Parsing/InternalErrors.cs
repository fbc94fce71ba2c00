using System;
using Attune.Generator.Diagnostics;
using Attune.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Attune.Generator.Parsing
{
    /// <summary>Turns an unexpected exception in a parser into AT0099 on the type's name, so the generator never throws
    /// (a throwing generator becomes CS8785 and takes every other generated file with it).</summary>
    internal static class InternalErrors
    {
        public static EquatableArray<DiagnosticInfo> From(GeneratorAttributeSyntaxContext context, Exception exception)
        {
            var identifier = (context.TargetNode as TypeDeclarationSyntax)?.Identifier;
            var location = identifier is { } token ? LocationInfo.From(token) : LocationInfo.From(context.TargetNode);
            var name = context.TargetSymbol?.Name ?? "?";
            return new EquatableArray<DiagnosticInfo>(new[]
            {
                DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, location, name, exception.GetType().Name + ": " + exception.Message),
            });
        }
    }
}
