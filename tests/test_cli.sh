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
rm -f "$tmp"/out.h5

# a key of the file that only an override leaves unread is ignored with a warning, not an error
# (abs_tol, rel_tol and flip_time of the event-driven file after --set stepper=rk4) ...
expect 0 "warning: .*fig3_capacity_quick.toml:[0-9]+:1: key 'abs_tol' is not read by a capacity sweep \(\[sweep\]\) with stepper = \"rk4\" once the --set overrides are applied; it is ignored" -- "$seqmem" validate scenarios/fig3_capacity_quick.toml --set stepper=rk4
# a key a run does not read names the setting that leaves it out, not only the kind
cat >"$tmp/fp_off.toml" <<'T'
[model]
N_f = 20
[memories]
K = 3
[integrator]
t_end = 10
[fixed_points]
find_fixed_points = false
fp_t_end = 5
T
expect 2 "fp_off.toml:9:1: key 'fp_t_end': does not apply to this run \(kind = \"dense_gsemm\"\) with find_fixed_points = false; remove it" -- "$seqmem" validate "$tmp/fp_off.toml"
sed -e 's/^find_fixed_points = false/find_fixed_points = true/' -e 's/^fp_t_end = 5/surface_slices = 1\nsurface_plane = "pca"\nsurface_memories = [1, 1]/' "$tmp/fp_off.toml" >"$tmp/fp_pca.toml"
expect 2 "key 'surface_memories': does not apply to this run \(kind = \"dense_gsemm\"\) with surface_plane = \"pca\"; remove it" -- "$seqmem" validate "$tmp/fp_pca.toml"
expect 2 "--set degree=3: key 'degree': does not apply to a capacity sweep \(\[sweep\]\): sweep_degrees sets it; remove it" -- "$seqmem" validate scenarios/fig3_capacity_quick.toml --set degree=3
# an override that sets an unread key to its default unsets what came before it (Y_file = "" in a
# [runs] entry after the file's Y_file); where nothing came before, it is ignored with a note
expect 0 "warning: --set abs_tol=1e-8: key 'abs_tol' is set to its default, which this run \(kind = \"dense_gsemm\"\) with stepper = \"rk4\" does not read; it is ignored" -- "$seqmem" validate scenarios/fig1_two_episodes.toml --set abs_tol=1e-8
expect 0 "warning: --set gamma_v=0.5: key 'gamma_v' is set to its default, which this run \(kind = \"diffusion\"\) with process = \"ve\" does not read" -- "$seqmem" validate scenarios/diffusion_recall.toml --set gamma_v=0.5
expect 0 "warning: --set manifold_radius=1: key 'manifold_radius' is set to its default" -- "$seqmem" validate scenarios/diffusion_recall.toml --set manifold_radius=1
expect 2 "--set abs_tol=1e-7: key 'abs_tol': does not apply to this run \(kind = \"dense_gsemm\"\) with stepper = \"rk4\"" -- "$seqmem" validate scenarios/fig1_two_episodes.toml --set abs_tol=1e-7
# validate refuses a sweep beyond the limits before it says OK
expect 2 "key 'K_max': .* beyond the 24 core-hours allowed without --allow-large" -- "$seqmem" validate scenarios/fig3_capacity_quick.toml --set K_max=100000
grep -q "OK" "$tmp/stdout" && bad "validate printed OK before refusing: $(cat "$tmp/stdout")" || ok
# an output path through a regular file
touch "$tmp/plain"
expect 2 "$tmp/plain/x.h5: cannot write the output file \('$tmp/plain' is not a directory\)" -- "$seqmem" run scenarios/fig1_two_episodes.toml -o "$tmp/plain/x.h5"
rm -f "$tmp/plain"
# [runs] is a table of the file, not an override; validate gives a sweep's cost
expect 2 "--set runs.grid.alpha_c=\[1\]: \[runs\] cannot be overridden" -- "$seqmem" validate scenarios/fig1_two_episodes.toml --set 'runs.grid.alpha_c=[1]'
expect 0 "" -- "$seqmem" validate scenarios/fig3_capacity_quick.toml
grep -qE "^cost model .*: at most [0-9.]+ (s|min|h) of one core$" "$tmp/stdout" && ok || bad "validate of a sweep: no cost: $(cat "$tmp/stdout")"
# ... and a key of the file that some run of a [runs] grid reads is no error for the others
cat >"$tmp/grid_tol.toml" <<'T'
[memories]
K = 3
[model]
N_f = 20
[integrator]
t_end = 10.0
abs_tol = 1e-9
[runs]
grid = { stepper = ["rk4", "dopri5"] }
T
expect 0 "" -- "$seqmem" validate "$tmp/grid_tol.toml"

# a Dense GSEMM whose delayed drive cannot overcome the memory in place is warned about, naming the
# keys (the Figure 1 scenario at degree 2 never moves); the shipped Figure 1 and Figure 3 are not
expect 0 "warning: .*fig1_two_episodes.toml: the delayed drive cannot overcome the memory in place: alpha_c beta_d / sqrt\(alpha_s\) = 0.939, below the 1 a transition needs with polynomial sigma_h of degree 2 .*raise alpha_c or beta_d" -- "$seqmem" validate scenarios/fig1_two_episodes.toml --set degree=2
for f in scenarios/fig1_two_episodes.toml scenarios/fig3_capacity_quick.toml; do
  "$seqmem" validate "$f" 2>&1 >/dev/null | grep -q warning && bad "$f: a warning" || ok
done

# diffusion runs: bad input names file, line and key; exit 2; no output
cat >"$tmp/diff.toml" <<'T'
[model]
kind = "diffusion"
sigma = 1.0
T = 1.0
[patterns]
D = 3
N = 2
[integrator]
t_end = 0.9
[trajectories]
trajectories = 10
T
sed 's/^sigma = 1.0/sigma = 0.0/' "$tmp/diff.toml" >"$tmp/diff_sigma.toml"
expect 2 "diff_sigma.toml:3:[0-9]+: key 'sigma': must be > 0" -- "$seqmem" run "$tmp/diff_sigma.toml" -o "$tmp/out.h5"
expect 2 "--set t_end=1.0: key 't_end': must be in \(0, T\)" -- "$seqmem" run "$tmp/diff.toml" -o "$tmp/out.h5" --set t_end=1.0
expect 2 "key 'alpha_c': does not apply to kind = \"diffusion\"" -- "$seqmem" run "$tmp/diff.toml" -o "$tmp/out.h5" --set alpha_c=0.1
expect 2 "key 'sigma': does not apply to kind = \"dense_gsemm\"" -- "$seqmem" run scenarios/fig1_two_episodes.toml -o "$tmp/out.h5" --set sigma=2
printf '1, 0\n0, 1\n' >"$tmp/Y2.csv"    # D = 2 rows, the scenario says D = 3
expect 2 "Y2.csv: key 'Y_file': has 2 rows, D = 3" -- "$seqmem" run "$tmp/diff.toml" -o "$tmp/out.h5" --set Y_file="$tmp/Y2.csv" --set N=0
printf '1, 0, 0\n0, 1, 0\n0, 0, 1\n' >"$tmp/Y3.csv"
# covariances (N D) x D: memory 1 fine, memory 2 has eigenvalues 1 +- 2 (not PSD)
printf '1,0,0\n0,0,0\n0,0,0\n1,2,0\n2,1,0\n0,0,1\n1,0,0\n0,1,0\n0,0,1\n' >"$tmp/cov.csv"
expect 2 "key 'covariance_file': covariance of memory 2: .*not positive semi-definite \(smallest eigenvalue -0.99" -- "$seqmem" run "$tmp/diff.toml" -o "$tmp/out.h5" --set Y_file="$tmp/Y3.csv" --set N=0 --set covariance_file="$tmp/cov.csv"
head -6 "$tmp/cov.csv" >"$tmp/cov_short.csv"
expect 2 "key 'covariance_file': holds 6 x 3 numbers, expected N x D x D = 3 x 3 x 3" -- "$seqmem" run "$tmp/diff.toml" -o "$tmp/out.h5" --set Y_file="$tmp/Y3.csv" --set N=0 --set covariance_file="$tmp/cov_short.csv"
expect 2 "key 't0': must be in \[0, t_end\)" -- "$seqmem" run "$tmp/diff.toml" -o "$tmp/out.h5" --set t0=0.95
expect 2 "key 'cue_noise': must be >= 0" -- "$seqmem" run "$tmp/diff.toml" -o "$tmp/out.h5" --set cue_noise=-1
expect 2 "key 'manifold_weight': must be < 1 with point memories" -- "$seqmem" run "$tmp/diff.toml" -o "$tmp/out.h5" --set manifold_components=8 --set manifold_weight=1.0
expect 2 "a diffusion scenario has no capacity sweep: run it with .seqmem run." -- "$seqmem" sweep "$tmp/diff.toml" -o "$tmp/out.h5"
expect 0 "wrote" -- "$seqmem" run "$tmp/diff.toml" -o "$tmp/out.h5"
grep -q "^r0000: completed, 10 trajectories to t = 0.9" "$tmp/stdout" && ok || bad "diffusion summary: $(head -3 "$tmp/stdout")"
rm -f "$tmp"/out.h5
# classical baselines through the sweeper (no out* may be left by a failing command)
cat >"$tmp/bad_baseline.toml" <<'T'
[baseline]
baseline_model = "boltzmann"
T
expect 2 "bad_baseline.toml:2:[0-9]+: key 'baseline_model': unknown value 'boltzmann'" -- "$seqmem" sweep "$tmp/bad_baseline.toml" -o "$tmp/out.h5"
expect 0 "^baseline: settings 1/2 \(50%\), elapsed [0-9.]+ (s|min), eta [0-9.]+ (s|min); hopfield N = 100: mean capacity" -- "$seqmem" sweep scenarios/baseline_hopfield.toml -o "$tmp/base.h5"
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
expect 2 "exists; replace it with --overwrite" -- "$seqmem" sweep scenarios/baseline_hopfield.toml -o "$tmp/base.h5"
"$seqmem" keys | grep -q '`alpha_c`' && ok || bad "keys does not list alpha_c"

# --- issue 12, item 4: a CLI that says what happened ---
fig1=scenarios/fig1_two_episodes.toml

# a. run refuses an existing output unless --overwrite, and leaves the refused file as it was
"$seqmem" run $fig1 -o "$tmp/keep.h5" -q --set t_end=20 >/dev/null 2>&1 && ok || bad "run to keep.h5 failed"
before=$(cksum <"$tmp/keep.h5")
expect 2 "^seqmem: error: $tmp/keep.h5: exists; use --overwrite to replace it$" -- "$seqmem" run $fig1 -o "$tmp/keep.h5" --set t_end=20 --set seed=2
[ "$(cksum <"$tmp/keep.h5")" = "$before" ] && ok || bad "a refused run changed the existing file"
[ ! -s "$tmp/stdout" ] && ok || bad "a refused run printed: $(cat "$tmp/stdout")"
expect 0 "" -- "$seqmem" run $fig1 -o "$tmp/keep.h5" -q --overwrite --set t_end=20 --set seed=2
/usr/bin/python3 -c 'import sys, h5py; assert "seed=2" in h5py.File(sys.argv[1], "r").attrs["overrides"]' "$tmp/keep.h5" \
  && ok || bad "--overwrite did not replace the file"
rm -f "$tmp/keep.h5"

# b. one progress line format: LABEL: WHAT DONE/TOTAL (PCT%), elapsed T, eta T|?[; DETAIL]
#    (SEQMEM_PROGRESS_S=0: every line that is due is printed, instead of one every few seconds)
dur='[0-9]+\.[0-9] (s|min|h)'
line_re="^[a-z0-9]+: [a-z]+ [0-9.e+]+/[0-9.e+]+ \([0-9]+%\), elapsed $dur, eta ($dur|\?)(; .*)?$"
# every progress line has the format; none that has done nothing has an ETA
check_progress() {  # check_progress WHAT FILE
  local n_lines n_ok
  n_lines=$(grep -cE '^[a-z0-9]+: [a-z]+ [0-9.e+]+/' "$2")
  n_ok=$(grep -cE "$line_re" "$2")
  [ "$n_lines" -gt 0 ] && [ "$n_lines" -eq "$n_ok" ] && ok || bad "$1: progress lines not in the format: $(grep -vE "$line_re" "$2" | head -3)"
  if grep -E '^[a-z0-9]+: [a-z]+ 0/' "$2" | grep -qv 'eta ?$\|eta ?;'; then
    bad "$1: an ETA before any work was done: $(grep -E '^[a-z0-9]+: [a-z]+ 0/' "$2" | grep -v 'eta ?' | head -2)"
  else ok; fi
}
{ cat $fig1; printf '\n[runs]\ngrid = { seed = [1, 2] }\n'; } >"$tmp/two_runs.toml"
SEQMEM_PROGRESS_S=0 "$seqmem" run "$tmp/two_runs.toml" -o "$tmp/out.h5" --set t_end=50 -j 2 >"$tmp/stdout" 2>"$tmp/stderr" \
  && ok || bad "two runs failed: $(cat "$tmp/stderr")"
check_progress run "$tmp/stderr"
[ "$(grep -cE "^run: runs [12]/2 \((50|100)%\), elapsed $dur, eta $dur; r000[01] completed in [0-9.]+ s$" "$tmp/stderr")" -eq 2 ] \
  && ok || bad "run: no line per finished run: $(cat "$tmp/stderr")"
# a long run's simulated time: from 0 (eta ?) to its end
grep -qE "^r0000: time 0/50 \(0%\), elapsed $dur, eta \?; 0 visits$" "$tmp/stderr" && ok || bad "run: no time line at t = 0"
grep -qE "^r0001: time [0-9.]+/50 \([0-9]+%\), elapsed $dur, eta $dur; [0-9]+ visits?$" "$tmp/stderr" && ok || bad "run: no time line of r0001"
rm -f "$tmp/out.h5"
"$seqmem" run "$tmp/two_runs.toml" -o "$tmp/out.h5" --set t_end=50 -q >/dev/null 2>"$tmp/stderr"
[ ! -s "$tmp/stderr" ] && ok || bad "run -q printed on stderr: $(head -3 "$tmp/stderr")"
rm -f "$tmp/out.h5"
# diffusion: the trajectories of a run (one thread: a line after each)
SEQMEM_PROGRESS_S=0 "$seqmem" run "$tmp/diff.toml" -o "$tmp/out.h5" -j 1 >/dev/null 2>"$tmp/stderr" && ok || bad "diffusion run failed"
check_progress diffusion "$tmp/stderr"
grep -qE "^r0000: trajectories 10/10 \(100%\), elapsed $dur, eta $dur$" "$tmp/stderr" && ok || bad "diffusion: $(cat "$tmp/stderr")"
grep -qE "^run: runs 1/1 \(100%\), elapsed $dur, eta $dur; r0000 completed in" "$tmp/stderr" && ok || bad "diffusion run line: $(cat "$tmp/stderr")"
rm -f "$tmp/out.h5"
# baselines
SEQMEM_PROGRESS_S=0 "$seqmem" sweep scenarios/baseline_hopfield.toml -o "$tmp/out.h5" >/dev/null 2>"$tmp/stderr"
check_progress baseline "$tmp/stderr"
grep -qE "^baseline: settings 2/2 \(100%\), elapsed $dur, eta $dur; hopfield N = 200: mean capacity" "$tmp/stderr" \
  && ok || bad "baseline: $(cat "$tmp/stderr")"
rm -f "$tmp/out.h5"

# c. sweep (and merge) print the capacity table: rows degrees, columns seeds, '≥' where /capacity
#    says censored; the values are those of the file
# degree 1 fails at small K (a measured capacity), degree 2 reaches K_max (censored: '≥12')
sweep_sets=(--set 'sweep_degrees=[1, 2]' --set 'sweep_seeds=[1, 2]' --set K_max=12 --set 'sweep_alpha_c=[0.4, 0.6, 0.8, 1.0]')
same_table() {  # same_table WHAT STDOUT FILE.h5: the printed table holds the file's /capacity, cell for cell
  /usr/bin/python3 - "$2" "$3" <<'PY' && ok || bad "$1: the printed table differs from /capacity: $(cat "$2")"
import re, sys, h5py
text = open(sys.argv[1], encoding="utf-8").read().splitlines()
table, config = {}, None
for i, line in enumerate(text):
    m = re.match(r"^capacity(?: \((r\d{4})\))?:$", line)
    if m:
        config, seeds = int(m.group(1)[1:]) if m.group(1) else 0, [int(s) for s in re.findall(r"seed (\d+)", text[i + 1])]
        assert text[i + 1].split()[0] == "degree", text[i + 1]
        for row in text[i + 2:]:
            cells = row.split()
            if not cells or not cells[0].isdigit():
                break
            assert len(cells) == len(seeds) + 1, row
            for s, c in zip(seeds, cells[1:]):
                if c != "-":
                    table[config, int(cells[0]), s] = c
with h5py.File(sys.argv[2], "r") as f:
    c = f["capacity"]
    expect = {(int(k), int(d), int(s)): ("≥" if cen else "") + str(int(v))
              for k, d, s, v, cen in zip(c["config"][()], c["degree"][()], c["seed"][()], c["capacity"][()], c["censored"][()])}
assert expect and table == expect, (table, expect)
assert any(l.startswith("('≥': a lower bound") for l in text), text
PY
}
SEQMEM_PROGRESS_S=0 "$seqmem" sweep scenarios/fig3_capacity_quick.toml -o "$tmp/sweep.h5" "${sweep_sets[@]}" >"$tmp/stdout" 2>"$tmp/stderr" \
  && ok || bad "sweep failed: $(cat "$tmp/stderr")"
same_table sweep "$tmp/stdout" "$tmp/sweep.h5"
grep -qE "^ +2 +≥12 +≥12$" "$tmp/stdout" && grep -qE "^ +1 +[0-9]+ +[0-9]+$" "$tmp/stdout" && ok || bad "sweep: expected measured and censored values: $(cat "$tmp/stdout")"
grep -qE "^[0-9]+ evaluations computed, 0 reused from the file, wall [0-9.]+ s; wrote $tmp/sweep.h5$" "$tmp/stdout" && ok || bad "sweep summary: $(tail -1 "$tmp/stdout")"
check_progress sweep "$tmp/stderr"
grep -qE "^sweep: pairs 4/4 \(100%\), elapsed $dur, eta $dur; [0-9]+ evaluations \(\+0 resumed\)$" "$tmp/stderr" && ok || bad "sweep progress: $(cat "$tmp/stderr")"
for i in 1 2; do
  "$seqmem" sweep scenarios/fig3_capacity_quick.toml -o "$tmp/shard$i.h5" "${sweep_sets[@]}" --shard $i/2 -q >"$tmp/stdout" 2>&1 \
    && ok || bad "shard $i/2 failed: $(cat "$tmp/stdout")"
  same_table "shard $i/2" "$tmp/stdout" "$tmp/shard$i.h5"
done
"$seqmem" merge "$tmp/merged.h5" "$tmp/shard2.h5" "$tmp/shard1.h5" -q >"$tmp/stdout" 2>"$tmp/stderr" && ok || bad "merge failed: $(cat "$tmp/stderr")"
same_table merge "$tmp/stdout" "$tmp/merged.h5"
/usr/bin/python3 - "$tmp/sweep.h5" "$tmp/merged.h5" <<'PY' && ok || bad "merge: /capacity differs from the whole sweep's"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r") as a, h5py.File(sys.argv[2], "r") as b:
    for k in a["capacity"]:
        assert np.array_equal(a["capacity"][k][()], b["capacity"][k][()]), k
PY
rm -f "$tmp"/sweep.h5 "$tmp"/shard*.h5 "$tmp"/merged.h5

# d. keys: Markdown without a raw '|' in a cell; one key; misspelt and misplaced keys
"$seqmem" keys >"$tmp/keys.md" && /usr/bin/python3 - "$tmp/keys.md" <<'PY' && ok || bad "keys: not a valid Markdown table"
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
assert lines[1] == "|---|---|---|---|---|---|", lines[1]
for l in lines:
    cells = re.split(r"(?<!\\)\|", l)
    assert cells[0] == "" and cells[-1] == "" and len(cells) == 8, l   # 6 cells between 7 bars
assert any("\\|" in l for l in lines)   # e.g. |x|^2, escaped
PY
"$seqmem" keys alpha_c >"$tmp/stdout" 2>&1 && [ "$(wc -l <"$tmp/stdout")" -eq 3 ] && grep -q '^| \[model\] | `alpha_c` | a number |' "$tmp/stdout" \
  && ok || bad "keys alpha_c: $(cat "$tmp/stdout")"
expect 2 "^seqmem: error: unknown key 'alpah_c'; did you mean 'alpha_c' in \[model\]\?$" -- "$seqmem" keys alpah_c
expect 2 "^seqmem: error: --set alpah_c=0.3: unknown key 'alpah_c'; did you mean 'alpha_c' in \[model\]\?$" -- "$seqmem" run $fig1 -o "$tmp/out.h5" --set alpah_c=0.3
expect 2 "^seqmem: error: --set model.K=3: key 'K' does not belong in \[model\]; it belongs in \[memories\]$" -- "$seqmem" run $fig1 -o "$tmp/out.h5" --set model.K=3
expect 2 "^seqmem: error: --set model.alpah_c=0.3: unknown key 'alpah_c' in \[model\]; did you mean 'alpha_c' in \[model\]\?$" -- "$seqmem" validate $fig1 --set model.alpah_c=0.3
printf '[model]\nN_f = 10\nK = 3\n' >"$tmp/misplaced.toml"
expect 2 "^seqmem: error: $tmp/misplaced.toml:3:1: key 'K' does not belong in \[model\]; it belongs in \[memories\]$" -- "$seqmem" run "$tmp/misplaced.toml" -o "$tmp/out.h5"
printf '[modle]\nN_f = 10\n' >"$tmp/section.toml"
expect 2 "^seqmem: error: $tmp/section.toml:1:2: unknown section \[modle\]; did you mean \[model\]\?$" -- "$seqmem" validate "$tmp/section.toml"
{ cat $fig1; printf '\n[runs]\ngrid = { alpah_c = [0.1, 0.2] }\n'; } >"$tmp/grid.toml"
expect 2 "^seqmem: error: $tmp/grid.toml:[0-9]+:[0-9]+: unknown key 'alpah_c'; did you mean 'alpha_c' in \[model\]\?$" -- "$seqmem" validate "$tmp/grid.toml"
expect 2 "unknown key 'alpah_c' in \[model\]; did you mean 'alpha_c' in \[model\]\?" -- "$seqmem" sweep "$tmp/bad_key.toml" -o "$tmp/out.h5"

# e. --version: version, the commit (12 hex digits, "-dirty" for uncommitted changes), build type, flags, compiler
"$seqmem" --version >"$tmp/stdout" 2>&1 && ok || bad "--version failed"
grep -qE "^seqmem [0-9]+\.[0-9]+\.[0-9]+ \(commit ([0-9a-f]{12}(-dirty)?|unknown); [A-Za-z]+ build; with(out)? MPI\)$" "$tmp/stdout" \
  && ok || bad "--version first line: $(head -1 "$tmp/stdout")"
grep -qE '^build flags: .*-O' "$tmp/stdout" && grep -qE '^compiler: [A-Za-z]+ [0-9.]+$' "$tmp/stdout" && grep -qE '^build type: [A-Za-z]+$' "$tmp/stdout" \
  && ok || bad "--version fields: $(cat "$tmp/stdout")"
commit=$(sed -n 's/^commit: //p' "$tmp/stdout")
if head=$(git rev-parse --short=12 HEAD 2>/dev/null); then  # built from this checkout: its commit
  [ "${commit%-dirty}" = "$head" ] && ok || bad "--version says commit $commit, the checkout is at $head (a stale build?)"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
