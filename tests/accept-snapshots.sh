#!/usr/bin/env bash
# Accepts the generator's current output as the new verified snapshots.
#
# Snapshot tests (tests/Attune.Generator.Tests/SnapshotTests.cs) compare each generated file with
# Snapshots/<Test>/<hint>.verified.cs and the generator's diagnostics with Snapshots/<Test>/<Test>.diagnostics.verified.txt.
# On a mismatch they write <hint>.received.cs beside the verified file and fail. After reviewing the received files
# (e.g. `git diff --no-index Snapshots/X/a.verified.cs Snapshots/X/a.received.cs`), run this script: with
# ATTUNE_ACCEPT_SNAPSHOTS=1 every snapshot test overwrites its verified files, deletes received files and verified files
# that nothing generates any more. Review `git diff` and commit the verified files.
#
# Usage: tests/accept-snapshots.sh [extra dotnet test arguments, e.g. --filter DigitClassifier]
set -euo pipefail
cd "$(dirname "$0")/.."
# Every test class that verifies snapshots (SnapshotTests, LoraGeneratorTests, GradualRulesTests, ...) runs: the suite takes seconds.
ATTUNE_ACCEPT_SNAPSHOTS=1 dotnet test tests/Attune.Generator.Tests "$@"
