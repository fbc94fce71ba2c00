using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Attune.Generator.TuneSpace
{
    /// <summary>Turns one <c>[TuneSpace]</c> record or class into an equatable <see cref="TuneSpaceModel"/> and its
    /// diagnostics.</summary>
    /// <remarks>
    /// A property with a broken parameter attribute is reported and left out of the space (it stays a fixed
    /// property), so the rest of the space is still generated and the user's calls to <c>RunSweep</c> keep compiling
    /// while they fix it. Only a type the generated code cannot extend (not partial, not a creatable class) gets no code.
    /// </remarks>
    internal static class TuneSpaceParser
    {


        /// <summary>Never throws (except on cancellation): an unexpected exception becomes AT0099.</summary>
        public static TuneSpaceParseResult Parse(GeneratorAttributeSyntaxContext context, KnownTypes known, CancellationToken cancellationToken)
            => InternalErrors.Guard(context, cancellationToken, (c, ct) => ParseCore(c, known, ct), errors => new TuneSpaceParseResult(null, errors));

        private static TuneSpaceParseResult ParseCore(GeneratorAttributeSyntaxContext context, KnownTypes known, CancellationToken cancellationToken)
        {
            if (AttributeTarget.Read(context, cancellationToken) is not { } target)
                return new TuneSpaceParseResult(null, EquatableArray<DiagnosticInfo>.Empty);

            var type = target.Type;
            var identifier = target.Identifier;
            var spaceName = type.ToDisplayString(HierarchyParser.DisplayNameFormat);
            var diagnostics = new DiagnosticBag();

            var canEmit = DeclarationChecks.IsPartial(type, DiagnosticDescriptors.SpaceNotPartial, identifier, diagnostics);
            canEmit &= SpaceShapeChecks.CheckShape(type, identifier, diagnostics);

            var options = SweepOptionsParser.Parse(target.Attribute, target.AttributeSyntax, type.Name, spaceName, diagnostics);
            var properties = new PropertyParser(new SpaceContext(type, known, diagnostics, cancellationToken)).Parse();

            canEmit &= SpaceShapeChecks.CheckRequired(type, properties, identifier, diagnostics);

            SpaceShapeChecks.CheckHasParameters(type, properties, identifier, diagnostics);
            SpaceShapeChecks.CheckGridIsFinite(type, options, properties, diagnostics);
            SpaceShapeChecks.CheckCmaEsSpace(type, options, properties, diagnostics);

            TuneSpaceModel? model = null;
            if (canEmit)
            {
                var hierarchy = HierarchyParser.Parse(type);
                var self = hierarchy.Types[hierarchy.Types.Count - 1];
                model = new TuneSpaceModel(
                    hierarchy,
                    HierarchyParser.HintName(type, ".TuneSpace.g.cs"),
                    self.Name + self.TypeParameters,
                    spaceName,
                    type.Name,
                    properties.Parameters.ToEquatableArray(),
                    options.Assignments.ToEquatableArray(),
                    properties.Bindings.ToEquatableArray(),
                    GridSize(properties.Cardinalities),
                    InheritedMembers.HiddenMembers(type, known, cancellationToken).ToEquatableArray());
            }

            return new TuneSpaceParseResult(model, diagnostics.ToEquatableArray());
        }

        /// <summary>The number of points of a finite space (saturated at <c>long.MaxValue</c>), or null when a parameter
        /// is continuous.</summary>
        private static long? GridSize(List<long?> cardinalities)
        {
            long size = 1;
            foreach (var cardinality in cardinalities)
            {
                if (cardinality is not { } count)
                    return null;
                size = count != 0 && size > long.MaxValue / count ? long.MaxValue : size * count;
            }
            return size;
        }
    }
}
