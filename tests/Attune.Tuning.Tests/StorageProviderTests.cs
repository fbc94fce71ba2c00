using Attune.Search;

namespace Attune.Tuning.Tests;

/// <summary>
/// Kinds of storage come from packages: <see cref="StudyStorage.Open"/> asks the registered providers first. This test
/// assembly references Attune.Search alone, as a sweep-only program does, so PostgreSQL is not among them.
/// </summary>
public sealed class StorageProviderTests
{
    [Theory]
    [InlineData("Host=db.internal;Username=u;Password=hunter2;Database=studies")]
    [InlineData("postgres://u:hunter2@db.internal:5432/studies")]
    public void A_PostgreSQL_value_without_the_PostgreSQL_package_names_the_package_to_add(string storage)
    {
        var e = Assert.Throws<InvalidOperationException>(() => StudyStorage.Open(storage));
        Assert.Equal(
            "SweepOptions.Storage (value not shown: it looks like a connection string, which may hold a password) names a PostgreSQL study, " +
            "but PostgreSQL storage is not in this program. Add the package Attune.Search.PostgreSql to the project that runs the sweep " +
            "(its generated initializer registers it), or call Attune.Search.PostgreSql.PostgresStudyStorage.Register() before the sweep starts.",
            e.Message);
        Assert.DoesNotContain(StudyStorage.Providers, p => p.Name == "PostgreSQL");
    }

    [Fact]
    public void A_registered_provider_opens_the_values_it_recognises_and_registering_twice_changes_nothing()
    {
        StudyStorage.Register(new MemoryProvider());
        StudyStorage.Register(new MemoryProvider());

        Assert.Single(StudyStorage.Providers, p => p is MemoryProvider);
        using var storage = StudyStorage.Open("  test-memory:one  ");
        Assert.IsType<InMemoryStudyStorage>(storage);
        Assert.Equal("test-memory:one", MemoryProvider.LastOpened);
        // Values it does not recognise still go to the built-in forms.
        Assert.IsType<InMemoryStudyStorage>(StudyStorage.Open(":memory:"));
        Assert.Throws<ArgumentException>(() => StudyStorage.Open("test-other:x"));
        Assert.Throws<ArgumentNullException>(() => StudyStorage.Register(null!));
    }

    private sealed class MemoryProvider : IStudyStorageProvider
    {
        public static string? LastOpened;

        public string Name => "test memory";

        public bool Recognises(string storage) => storage.StartsWith("test-memory:", StringComparison.Ordinal);

        public IStudyStorage Open(string storage)
        {
            LastOpened = storage;
            return new InMemoryStudyStorage();
        }
    }
}
