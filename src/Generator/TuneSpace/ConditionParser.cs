using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using static Attune.Generator.TuneSpace.ValueConversion;
using static Attune.Generator.TuneSpace.ValueDisplay;

namespace Attune.Generator.TuneSpace
{
    /// <summary>[ActiveWhen]: which choices of an earlier categorical parameter make a parameter active (AT0110, AT0111, AT0116).</summary>
    internal sealed class ConditionParser
    {
        private readonly SpaceContext _context;

        public ConditionParser(SpaceContext context) => _context = context;


        public void Apply(List<PropertyEntry> entries, int index)
        {
            var entry = entries[index];
            if (entry.ActiveWhen is not { } attribute)
                return;
            var property = entry.Property;
            var location = _context.AttributeLocation(attribute);
            if (!entry.Tuned)
            {
                _context.Diagnostics.Add(DiagnosticDescriptors.ConditionOnFixedProperty, location, property.Name);
                return;
            }
            if (entry.Parameter is null)
                return; // already reported
            if (attribute.ConstructorArguments.Length != 2
                || attribute.ConstructorArguments[0].Kind == TypedConstantKind.Error
                || attribute.ConstructorArguments[0].Value is not string controllerName
                || !TryParamsValues(attribute, 1, out var values))
                return;

            var nameLocation = _context.PositionalArgumentLocation(attribute, 0) ?? location;
            var controllerIndex = entries.FindIndex(e => e.Property.Name == controllerName);
            string? problem = null;
            if (controllerIndex < 0)
                problem = "is not a property of '" + _context.Type.Name + "'";
            else if (controllerIndex == index)
                problem = "is the property itself";
            else if (!entries[controllerIndex].Tuned)
                problem = "is a fixed property, not a tuned parameter";
            else if (entries[controllerIndex].Parameter is null)
                return; // the controller's own error is reported
            else if (entries[controllerIndex].Parameter!.Kind != TuneParameterKind.Categorical)
                problem = "is " + (entries[controllerIndex].Parameter!.Kind == TuneParameterKind.Int ? "an integer range" : "a floating-point range") + ", not categorical";
            else if (controllerIndex > index)
                problem = "is declared after it";
            if (problem is not null)
            {
                _context.Diagnostics.Add(DiagnosticDescriptors.InvalidCondition, nameLocation, property.Name, controllerName, problem);
                return;
            }

            var controller = entries[controllerIndex];
            var choices = controller.Choices!;
            var allowed = "one of " + string.Join(", ", choices.Select(c => c.Display));
            if (values.Count == 0)
            {
                _context.Diagnostics.Add(DiagnosticDescriptors.InvalidConditionValue, location, property.Name, "lists no values of '" + controllerName + "'", controllerName, allowed);
                return;
            }

            var indexes = new List<int>();
            var ok = true;
            for (var i = 0; i < values.Count; i++)
            {
                var converted = ConvertValue(values[i], controller.Property.Type, controller.Category);
                var choice = converted is null ? -1 : choices.FindIndex(c => c.Text == converted.Text);
                if (choice < 0)
                {
                    _context.Diagnostics.Add(
                        DiagnosticDescriptors.InvalidConditionValue,
                        _context.ParamsArgumentLocation(attribute, 1, i, values.Count) ?? location,
                        property.Name,
                        "lists " + Display(values[i]),
                        controllerName,
                        allowed);
                    ok = false;
                    continue;
                }
                if (!indexes.Contains(choice))
                    indexes.Add(choice);
            }
            if (!ok)
                return;
            indexes.Sort();
            entry.Parameter = entry.Parameter.WithCondition(controllerName, indexes.ToEquatableArray());
        }
    }
}
