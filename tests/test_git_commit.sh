#!/usr/bin/env bash
# cmake/git_commit.cmake, which the build runs every time (target seqmem_git_commit): the header
# names the checkout's commit, "-dirty" while tracked files differ from it, "unknown" outside git,
# and is rewritten only when that text changes (an unchanged commit rebuilds nothing).
# usage: tests/test_git_commit.sh CMAKE SCRIPT
set -u
cmake=$1 script=$2
command -v git >/dev/null || { echo "git not found: skipped"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }
header=$tmp/git_commit.hpp
run() { "$cmake" -DSOURCE_DIR="$tmp/src" -DOUT="$header" -P "$script" || bad "the script failed"; }
commit() { sed -n 's/.*kGitCommit = "\([^"]*\)".*/\1/p' "$header"; }
g() { git -C "$tmp/src" -c user.name=test -c user.email=test@example.org -c commit.gpgsign=false "$@" >/dev/null; }

mkdir "$tmp/src"
run
[ "$(commit)" = unknown ] && ok || bad "outside git: '$(commit)', expected unknown"
g init -q && echo a >"$tmp/src/a.txt" && g add a.txt && g commit -q -m one
run
first=$(git -C "$tmp/src" rev-parse --short=12 HEAD)
[ "$(commit)" = "$first" ] && ok || bad "after a commit: '$(commit)', expected $first"
stamp=$(stat -c %y "$header")
sleep 1.1  # so that a rewrite would show in the time stamp
run
[ "$(stat -c %y "$header")" = "$stamp" ] && ok || bad "the header was rewritten with the same commit"
echo b >"$tmp/src/new.txt"  # untracked: not a change to the build's sources
run
[ "$(commit)" = "$first" ] && ok || bad "an untracked file made it '$(commit)'"
echo changed >"$tmp/src/a.txt"
run
[ "$(commit)" = "$first-dirty" ] && ok || bad "a changed tracked file: '$(commit)', expected $first-dirty"
g commit -q -a -m two
run
second=$(git -C "$tmp/src" rev-parse --short=12 HEAD)
[ "$second" != "$first" ] && [ "$(commit)" = "$second" ] && ok || bad "after a new commit: '$(commit)', expected $second"
grep -q '^inline constexpr const char\* kGitCommit = ' "$header" && ok || bad "no kGitCommit constant: $(cat "$header")"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
