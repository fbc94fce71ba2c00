namespace Attune.Generator.Emit
{
    /// <summary>
    /// Writes a static options property initialised with the values the attribute sets, over the runtime record's own
    /// defaults: <c>new FineTuneOptions { Epochs = 8 }</c>, or <c>new FineTuneOptions()</c> when nothing differs. The
    /// defaults then live in the runtime only, and the generator's copy is checked against it by OptionDefaultsTests.
    /// </summary>
    internal static class OptionsInitializer
    {
        /// <param name="declaration">The property up to its initializer, e.g. <c>public static T Name { get; }</c>.</param>
        public static void Write(SourceWriter writer, string declaration, string typeName, EquatableArray<OptionAssignment> assignments)
        {
            if (assignments.Count == 0)
            {
                writer.WriteLine($"{declaration} = new {typeName}();");
                return;
            }
            writer.WriteLine($"{declaration} = new {typeName}");
            writer.WriteLine("{");
            writer.Indentation++;
            foreach (var option in assignments)
                writer.WriteLine($"{option.Name} = {option.Literal},");
            writer.Indentation--;
            writer.WriteLine("};");
        }
    }
}
