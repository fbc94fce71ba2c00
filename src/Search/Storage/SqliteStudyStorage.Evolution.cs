using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Data.Sqlite;

namespace Attune.Search;

// The queue, space migrations and copied trials (IStudyStorage.Evolution.cs): schema version 4's tables, and the
// operations on them, each in one BEGIN IMMEDIATE transaction.
public sealed partial class SqliteStudyStorage
{
    /// <summary>
    /// Schema version 3 to 4 (and part of a new file's schema), idempotent, inside the schema transaction: the queue of
    /// configurations to run first (<c>study_queue</c>; <c>trial_number</c> is set by the transaction that creates the
    /// trial that runs it), the recorded space migrations (<c>space_migrations</c>), and <c>trials.copied_from</c> for
    /// trials copied from another study.
    /// </summary>
    private static void CreateEvolutionSchema(SqliteConnection c)
    {
        Exec(c, """
            CREATE TABLE IF NOT EXISTS study_queue (
                id INTEGER PRIMARY KEY,
                study_id INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
                values_json TEXT NOT NULL,
                params_json TEXT NOT NULL,
                enqueued TEXT NOT NULL,
                trial_number INTEGER);
            CREATE INDEX IF NOT EXISTS study_queue_waiting ON study_queue(study_id, id) WHERE trial_number IS NULL;
            CREATE TABLE IF NOT EXISTS space_migrations (
                id INTEGER PRIMARY KEY,
                study_id INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
                at TEXT NOT NULL,
                old_fingerprint TEXT NOT NULL,
                new_fingerprint TEXT NOT NULL,
                old_space_text TEXT NOT NULL,
                new_space_text TEXT NOT NULL,
                changes TEXT NOT NULL);
            """);
        bool hasColumn = false;
        using (var info = c.CreateCommand())
        {
            info.CommandText = "PRAGMA table_info(trials);";
            using var r = info.ExecuteReader();
            while (r.Read()) hasColumn |= r.GetString(1) == "copied_from";
        }
        if (!hasColumn) Exec(c, "ALTER TABLE trials ADD COLUMN copied_from TEXT;");
    }

    public QueuedTrial Enqueue(long studyId, double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var space = SpaceOf(studyId);
        lock (writeGate)
        {
            return InTransaction(() =>
            {
                var now = StudyCodec.ParseTime(StudyCodec.Time(DateTimeOffset.UtcNow));
                var cmd = writer.Command("INSERT INTO study_queue(study_id, values_json, params_json, enqueued) VALUES ($s, $values, $params, $t) RETURNING id;");
                Set(cmd, "$s", studyId); Set(cmd, "$values", StudyCodec.ValuesJson(values)); Set(cmd, "$params", StudyCodec.ParamsJson(space, values));
                Set(cmd, "$t", StudyCodec.Time(now));
                return new QueuedTrial((long)cmd.ExecuteScalar()!, (double[])values.Clone(), now, null);
            });
        }
    }

    public IReadOnlyList<QueuedTrial> ReadQueue(long studyId)
    {
        var s = RentReader();
        try
        {
            var cmd = s.Command("SELECT id, values_json, enqueued, trial_number FROM study_queue WHERE study_id = $s ORDER BY id;");
            Set(cmd, "$s", studyId);
            var list = new List<QueuedTrial>();
            using var r = cmd.ExecuteReader();
            while (r.Read()) list.Add(new QueuedTrial(r.GetInt64(0), StudyCodec.ParseValues(r.GetString(1)), StudyCodec.ParseTime(r.GetString(2)), r.IsDBNull(3) ? null : r.GetInt32(3)));
            return list;
        }
        catch (SqliteException e) when (SqliteErrors.Explains(e)) { throw Explain(e); }
        finally { readers.Add(s); }
    }

    /// <summary>The first waiting queue entry, read on the writer inside the creating transaction (caller holds it).</summary>
    private QueuedTrial? NextQueued(long studyId)
    {
        var cmd = writer.Command("SELECT id, values_json, enqueued FROM study_queue WHERE study_id = $s AND trial_number IS NULL ORDER BY id LIMIT 1;");
        Set(cmd, "$s", studyId);
        using var r = cmd.ExecuteReader();
        return r.Read() ? new QueuedTrial(r.GetInt64(0), StudyCodec.ParseValues(r.GetString(1)), StudyCodec.ParseTime(r.GetString(2)), null) : null;
    }

    /// <summary>Marks a queue entry as run by trial <paramref name="number"/>, inside the creating transaction.</summary>
    private void Claim(long studyId, long queued, int number)
    {
        var cmd = writer.Command("UPDATE study_queue SET trial_number = $n WHERE id = $id AND study_id = $s AND trial_number IS NULL;");
        Set(cmd, "$n", number); Set(cmd, "$id", queued); Set(cmd, "$s", studyId);
        if (cmd.ExecuteNonQuery() != 1)
            throw new InvalidOperationException($"Queue entry {queued} of study {studyId} in {Location} is gone or already run; a trial is created for a queue entry only in the transaction that read it.");
    }

    /// <summary>An error when the study's space is no longer <paramref name="space"/> (another worker migrated it since
    /// this handle opened it), read inside the caller's transaction; else null.</summary>
    private Exception? MigratedAway(long studyId, SearchSpace space)
    {
        var cmd = writer.Command("SELECT name, fingerprint FROM studies WHERE id = $s;");
        Set(cmd, "$s", studyId);
        using var r = cmd.ExecuteReader();
        if (!r.Read() || r.GetString(1) == space.Fingerprint) return null;
        return StudyEvolution.MigratedWhileRunning(r.GetString(0), Location, space.Fingerprint, r.GetString(1));
    }

    public bool MigrateSpace(long studyId, string fromFingerprint, SearchSpace space, Func<IReadOnlyList<double>, double[]> remap, SpaceMigration migration)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(remap);
        ArgumentNullException.ThrowIfNull(migration);
        lock (writeGate)
        {
            return InTransaction(() =>
            {
                var check = writer.Command("SELECT fingerprint FROM studies WHERE id = $s;");
                Set(check, "$s", studyId);
                if (check.ExecuteScalar() as string != fromFingerprint) return false;
                // Each trial's values are rewritten with a fresh sequence number, so every worker's cache reads them again.
                var trials = new List<(long Id, double[] Values)>();
                var read = writer.Command("SELECT id, values_json FROM trials WHERE study_id = $s ORDER BY number;");
                Set(read, "$s", studyId);
                using (var r = read.ExecuteReader()) while (r.Read()) trials.Add((r.GetInt64(0), StudyCodec.ParseValues(r.GetString(1))));
                var seqCmd = writer.Command("SELECT COALESCE(MAX(updated_seq), 0) FROM trials WHERE study_id = $s;");
                Set(seqCmd, "$s", studyId);
                long seq = (long)seqCmd.ExecuteScalar()!;
                var update = writer.Command("UPDATE trials SET values_json = $values, params_json = $params, updated_seq = $seq WHERE id = $id;");
                foreach (var (id, old) in trials)
                {
                    var values = remap(old);
                    Set(update, "$values", StudyCodec.ValuesJson(values)); Set(update, "$params", StudyCodec.ParamsJson(space, values));
                    Set(update, "$seq", ++seq); Set(update, "$id", id);
                    update.ExecuteNonQuery();
                }
                var waiting = new List<(long Id, double[] Values)>();
                var queue = writer.Command("SELECT id, values_json FROM study_queue WHERE study_id = $s AND trial_number IS NULL;");
                Set(queue, "$s", studyId);
                using (var r = queue.ExecuteReader()) while (r.Read()) waiting.Add((r.GetInt64(0), StudyCodec.ParseValues(r.GetString(1))));
                var requeue = writer.Command("UPDATE study_queue SET values_json = $values, params_json = $params WHERE id = $id;");
                foreach (var (id, old) in waiting)
                {
                    var values = remap(old);
                    Set(requeue, "$values", StudyCodec.ValuesJson(values)); Set(requeue, "$params", StudyCodec.ParamsJson(space, values)); Set(requeue, "$id", id);
                    requeue.ExecuteNonQuery();
                }
                var study = writer.Command("UPDATE studies SET fingerprint = $fp, space_text = $space WHERE id = $s;");
                Set(study, "$fp", space.Fingerprint); Set(study, "$space", StudyCodec.SpaceText(space)); Set(study, "$s", studyId);
                study.ExecuteNonQuery();
                var record = writer.Command("""
                    INSERT INTO space_migrations(study_id, at, old_fingerprint, new_fingerprint, old_space_text, new_space_text, changes)
                    VALUES ($s, $at, $oldfp, $newfp, $oldtext, $newtext, $changes);
                    """);
                Set(record, "$s", studyId); Set(record, "$at", StudyCodec.Time(migration.When));
                Set(record, "$oldfp", migration.OldFingerprint); Set(record, "$newfp", migration.NewFingerprint);
                Set(record, "$oldtext", migration.OldSpaceText); Set(record, "$newtext", migration.NewSpaceText);
                Set(record, "$changes", string.Join("\n", migration.Changes));
                record.ExecuteNonQuery();
                spaces[studyId] = space;
                return true;
            });
        }
    }

    public IReadOnlyList<SpaceMigration> ReadMigrations(long studyId)
    {
        var s = RentReader();
        try
        {
            var cmd = s.Command("SELECT at, old_space_text, new_space_text, old_fingerprint, new_fingerprint, changes FROM space_migrations WHERE study_id = $s ORDER BY id;");
            Set(cmd, "$s", studyId);
            var list = new List<SpaceMigration>();
            using var r = cmd.ExecuteReader();
            while (r.Read())
                list.Add(new SpaceMigration(StudyCodec.ParseTime(r.GetString(0)), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
                    r.GetString(5).Split('\n', StringSplitOptions.RemoveEmptyEntries)));
            return list;
        }
        catch (SqliteException e) when (SqliteErrors.Explains(e)) { throw Explain(e); }
        finally { readers.Add(s); }
    }

    public bool CopyTrials(long studyId, string source, IReadOnlyList<CopiedTrial> copies)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(copies);
        var space = SpaceOf(studyId);
        lock (writeGate)
        {
            return InTransaction(() =>
            {
                // Once per source: the first worker copies, a later one (or a later run) finds the copies there.
                var seen = writer.Command("SELECT EXISTS (SELECT 1 FROM trials WHERE study_id = $s AND copied_from LIKE $prefix ESCAPE '\\');");
                Set(seen, "$s", studyId); Set(seen, "$prefix", Like(source) + ", trial %");
                if ((long)seen.ExecuteScalar()! == 1) return false;
                var next = writer.Command("SELECT COALESCE(MAX(number), -1) + 1, (SELECT COALESCE(MAX(updated_seq), 0) FROM trials WHERE study_id = $s) FROM trials WHERE study_id = $s;");
                Set(next, "$s", studyId);
                int number; long seq;
                using (var r = next.ExecuteReader()) { r.Read(); number = r.GetInt32(0); seq = r.GetInt64(1); }
                var insert = writer.Command("""
                    INSERT INTO trials(study_id, number, state, value, params_json, values_json, error, started, finished, heartbeat, worker, updated_seq, failure, copied_from, objective_values, constraint_values)
                    VALUES ($s, $n, $state, $v, $params, $values, $e, $started, $finished, $finished, NULL, $seq, $kind, $from, $objectives, $constraints) RETURNING id;
                    """);
                var step = writer.Command("INSERT INTO intermediate(trial_id, step, value) VALUES ($id, $step, $v);");
                foreach (var c in copies)
                {
                    var values = c.Values.ToArray();
                    Set(insert, "$s", studyId); Set(insert, "$n", number++); Set(insert, "$state", c.State.ToString());
                    Set(insert, "$v", c.Value is { } v && double.IsFinite(v) ? v : null);
                    Set(insert, "$params", StudyCodec.ParamsJson(space, values)); Set(insert, "$values", StudyCodec.ValuesJson(values));
                    Set(insert, "$e", c.Error); Set(insert, "$started", StudyCodec.Time(c.Started)); Set(insert, "$finished", StudyCodec.Time(c.Finished ?? c.Started));
                    Set(insert, "$seq", ++seq); Set(insert, "$kind", c.State == TrialState.Failed ? (c.Failure ?? TrialFailure.Error).ToString() : null);
                    Set(insert, "$from", c.CopiedFrom);
                    Set(insert, "$objectives", c.Objectives is { } o ? StudyCodec.ValuesJson(o) : null);
                    Set(insert, "$constraints", c.Constraints is { } cv ? StudyCodec.ValuesJson(cv) : null);
                    long id = (long)insert.ExecuteScalar()!;
                    foreach (var (k, value) in c.Intermediate)
                    {
                        Set(step, "$id", id); Set(step, "$step", k); Set(step, "$v", double.IsNaN(value) ? null : value);
                        step.ExecuteNonQuery();
                    }
                }
                return true;
            });
        }
    }

    /// <summary><paramref name="text"/> as a LIKE pattern that matches only itself (escape character '\').</summary>
    private static string Like(string text) => text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
