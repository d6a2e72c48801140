#!/usr/bin/env bash
# Builds the `changxiao` binary of the previous release (the commit named in
# .ci/previous-release) and prints its path on standard output; progress goes
# to standard error. The upgrade test (crates/changxiao/tests/upgrade.rs)
# takes that path from CHANGXIAO_PREVIOUS_BIN.
#
# The commit's tree is exported with `git archive` (no worktree is added) and
# built in its own target directory, $CARGO_TARGET_DIR/previous-release, so it
# never overwrites this workspace's target/debug/changxiao. The binary is kept
# as $CARGO_TARGET_DIR/previous-release/bin/changxiao-<commit>: a second run
# for the same commit only checks that it starts.
set -euo pipefail

cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/changxiao-target}"

say() { printf 'previous-release: %s\n' "$*" >&2; }
fail() { say "$*"; exit 1; }

commit="$(grep -v '^[[:space:]]*\(#\|$\)' .ci/previous-release | head -n 1 | tr -d '[:space:]')"
[[ "$commit" =~ ^[0-9a-f]{40}$ ]] || fail ".ci/previous-release must name a full 40-digit commit id, not '$commit'"
if ! git cat-file -e "$commit^{commit}" 2>/dev/null; then
    shallow=""
    [ "$(git rev-parse --is-shallow-repository 2>/dev/null)" = true ] && shallow=" This is a shallow clone."
    fail "the previous release $commit is not in this clone.$shallow Fetch it first (git fetch --unshallow, or git fetch origin $commit), or clone with full history."
fi

base="$CARGO_TARGET_DIR/previous-release"
bin="$base/bin/changxiao-$commit"
mkdir -p "$base/bin"

# One build at a time per target directory (two CI jobs sharing a cache).
exec 9>"$base/.lock"
flock 9

if [ ! -x "$bin" ]; then
    say "building changxiao at $commit (dev profile) in $base"
    start=$SECONDS
    src="$base/src"
    rm -rf "$src"
    mkdir -p "$src"
    # -m: the files are dated now, not at the commit, so that cargo never takes
    # an older build in $base/target for fresh (git archive dates them at the commit).
    git archive --format=tar "$commit" | tar -x -m -C "$src"
    # A one-off build: no incremental caches, they only cost disk.
    CARGO_INCREMENTAL=0 cargo build --locked --manifest-path "$src/Cargo.toml" --target-dir "$base/target" -p changxiao --bin changxiao >&2
    cp "$base/target/debug/changxiao" "$bin.tmp"
    mv "$bin.tmp" "$bin"
    rm -rf "$src"
    say "built in $((SECONDS - start)) s"
fi

"$bin" --version >/dev/null || fail "$bin does not run; remove it and build again"
say "$("$bin" --version) at $commit"
printf '%s\n' "$bin"
