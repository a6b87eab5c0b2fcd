#!/usr/bin/env bash
# The command line as a user meets it: exit status 0 / 2, one clear message, no stray output.
# usage: tests/test_cli.sh path/to/seqmem   (from the repository root)
set -u
seqmem=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }

# expect RC PATTERN -- command...: exit status RC, stderr matching PATTERN, nothing left in $tmp/out*
expect() {
  local rc=$1 pattern=$2; shift 3
  "$@" >"$tmp/stdout" 2>"$tmp/stderr"
  local got=$?
  [ "$got" -eq "$rc" ] || { bad "$* exited $got, expected $rc: $(cat "$tmp/stderr")"; return; }
  if [ -n "$pattern" ] && ! grep -qE -- "$pattern" "$tmp/stderr"; then
    bad "$*: stderr does not match '$pattern': $(cat "$tmp/stderr")"; return
  fi
  if [ "$rc" -ne 0 ] && ls "$tmp"/out* >/dev/null 2>&1; then bad "$*: left $(ls "$tmp"/out*)"; return; fi
  ok
}

cat >"$tmp/bad_key.toml" <<'T'
[model]
N_f = 10
alpah_c = 0.3
T
cat >"$tmp/bad_range.toml" <<'T'
[model]
N_f = 10
T_d = -2.0
[memories]
K = 3
T
cat >"$tmp/bad_episode.toml" <<'T'
[memories]
K = 3
[episodes]
cycles = [[1, 2, 4]]
T

for f in scenarios/*.toml; do  # every shipped scenario is valid
  expect 0 "" -- "$seqmem" validate "$f"
done
expect 2 "bad_key.toml:3:1: unknown key 'alpah_c' in \[model\]" -- "$seqmem" run "$tmp/bad_key.toml" -o "$tmp/out.h5"
expect 2 "bad_range.toml:3:[0-9]+: key 'T_d': must be > 0" -- "$seqmem" run "$tmp/bad_range.toml" -o "$tmp/out.h5"
expect 2 "bad_episode.toml:4:[0-9]+: key 'cycles': memory 4 does not exist" -- "$seqmem" run "$tmp/bad_episode.toml" -o "$tmp/out.h5"
expect 2 "bad_key.toml:3:1: unknown key" -- "$seqmem" validate "$tmp/bad_key.toml"
expect 2 "cannot read the scenario file" -- "$seqmem" run "$tmp/missing.toml" -o "$tmp/out.h5"
expect 2 "--set alpha_c=-1: key 'alpha_c': must be >= 0" -- "$seqmem" run scenarios/fig1_two_episodes.toml -o "$tmp/out.h5" --set alpha_c=-1
expect 2 "cannot write the output file" -- "$seqmem" run scenarios/fig1_two_episodes.toml -o "$tmp/no/such/dir/out.h5"
expect 2 "" -- "$seqmem" run
expect 0 "wrote" -- "$seqmem" run scenarios/fig1_two_episodes.toml -o "$tmp/out.h5" --set alpha_c=0.3 --set seed=4 --set t_end=50
[ -f "$tmp/out.h5" ] && ok || bad "no output file after a good run"
grep -q "^r0000: completed at t = 50" "$tmp/stdout" && ok || bad "summary: $(head -3 "$tmp/stdout")"
ls "$tmp"/*.partial-* >/dev/null 2>&1 && bad "a .partial file was left" || ok
# classical baselines through the sweeper (no out* may be left by a failing command)
rm -f "$tmp"/out.h5
cat >"$tmp/bad_baseline.toml" <<'T'
[baseline]
baseline_model = "boltzmann"
T
expect 2 "bad_baseline.toml:2:[0-9]+: key 'baseline_model': unknown value 'boltzmann'" -- "$seqmem" sweep "$tmp/bad_baseline.toml" -o "$tmp/out.h5"
expect 0 "baseline hopfield N = 100: mean capacity" -- "$seqmem" sweep scenarios/baseline_hopfield.toml -o "$tmp/base.h5"
/usr/bin/python3 - "$tmp/base.h5" <<'PY' && ok || bad "baseline file: $(cat "$tmp/stderr")"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r") as f:
    b, s = f["baseline"], f["baseline_summary"]
    assert list(s["N"][()]) == [100, 200], s["N"][()]
    assert len(b["capacity"]) == 100                      # 2 sizes x 50 trials
    for i, N in enumerate(s["N"][()]):                    # the summary is the mean of the trials
        assert np.isclose(s["mean"][i], b["capacity"][()][b["N"][()] == N].mean())
        assert 0.138 < s["mean_per_neuron"][i] < 0.138 + 1.0 / np.sqrt(N), s["mean_per_neuron"][i]
PY
expect 2 "exists; remove it first" -- "$seqmem" sweep scenarios/baseline_hopfield.toml -o "$tmp/base.h5"
"$seqmem" keys | grep -q '`alpha_c`' && ok || bad "keys does not list alpha_c"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
