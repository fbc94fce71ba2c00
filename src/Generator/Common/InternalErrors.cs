using System;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Attune.Generator.Common
{
    /// <summary>Turns an unexpected exception in a parser into AT0099 on the type's name, so the generator never throws
    /// (a throwing generator becomes CS8785 and takes every other generated file with it).</summary>
    internal static class InternalErrors
    {
        /// <summary>Runs a parser; cancellation passes through, any other exception becomes <paramref name="onError"/>(AT0099).</summary>
        public static T Guard<T>(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken,
            Func<GeneratorAttributeSyntaxContext, CancellationToken, T> parse, Func<EquatableArray<DiagnosticInfo>, T> onError)
        {
            try
            {
                return parse(context, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (Exception exception)
            {
                return onError(From(context, exception));
            }
        }

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
