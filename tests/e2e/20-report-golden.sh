#!/usr/bin/env bash
# tests/e2e/20-report-golden.sh - kdelay-report against the golden files:
# every line of tests/golden/cases must reproduce its expected stdout,
# stderr and exit status byte for byte.  Those are kdelay-report's own
# output, so the synthetic captures' statistics are also checked against
# an independent oracle: what their generator (mkgolden.c) worked out from
# the events it wrote (NAME.oracle).  Then the exit statuses of bad inputs
# (sysexits.h), and every prefix of a capture must not crash it.
# Needs no root and no BPF (python3: tests/deps.sh installs it).
# Regenerate goldens only with regen.sh.
. "$(dirname "$0")/../lib.sh"

REPORT=$BIN/kdelay-report
G=$TOP/tests/golden
export TZ=UTC LC_ALL=C

if [ ! -x "$REPORT" ]; then
	not_ok "kdelay-report is built ($REPORT)"
	done_testing
	exit
fi

# --- golden reports
while read -r name rc capture args; do
	case $name in '' | '#'*) continue ;; esac
	ext=txt
	case " $args " in *" --json "*) ext=json ;; esac
	# shellcheck disable=SC2086
	(cd "$G" && "$REPORT" -i "$capture" $args) >"$T_TMP/out" 2>"$T_TMP/err"
	got=$?
	what="golden $name.$ext (${args:-no options})"
	check_eq "$what: exit status" "$rc" "$got"
	if cmp -s "$G/$name.$ext" "$T_TMP/out"; then
		ok "$what: stdout"
	else
		not_ok "$what: stdout"
		diff -u "$G/$name.$ext" "$T_TMP/out" | head -40 | diag
	fi
	if [ -f "$G/$name.err" ]; then exp_err=$G/$name.err; else exp_err=/dev/null; fi
	if cmp -s "$exp_err" "$T_TMP/err"; then
		ok "$what: stderr"
	else
		not_ok "$what: stderr"
		diff -u "$exp_err" "$T_TMP/err" | head -20 | diag
	fi
done <"$G/cases"

# --- the oracle: every statistic of every window, exactly
n=0
for oracle in "$G"/*.oracle; do
	[ -f "$oracle" ] || continue
	n=$((n + 1))
	name=$(basename "$oracle" .oracle)
	"$REPORT" -i "$G/$name.kdd" --json >"$T_TMP/oracle.json" 2>"$T_TMP/oracle.err"
	python3 "$TOP/tests/tools/json_stats.py" "$T_TMP/oracle.json" 2>>"$T_TMP/oracle.err" | sort >"$T_TMP/oracle.got"
	grep -v '^#' "$oracle" | sort >"$T_TMP/oracle.want"
	if cmp -s "$T_TMP/oracle.want" "$T_TMP/oracle.got"; then
		ok "$name.kdd: every count, total, min and max = mkgolden's oracle ($(wc -l <"$T_TMP/oracle.want") rows)"
	else
		not_ok "$name.kdd: every count, total, min and max = mkgolden's oracle"
		diff -u "$T_TMP/oracle.want" "$T_TMP/oracle.got" | head -30 | diag
		head -5 "$T_TMP/oracle.err" | diag
	fi
done
check "an oracle for each synthetic capture (basic, triggers, weird at least: $n)" test "$n" -ge 3

# --- JSON outputs parse
for j in "$G"/*.json; do
	check "$(basename "$j") is valid JSON" python3 -c 'import json,sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$j"
done

# --- issue 8: every distribution counts what its row's count counts, and
# every budget adds up to its window exactly (docs/json-schema.md)
for cap in basic triggers weird real-exact real-contend real-blocked; do
	"$REPORT" -i "$G/$cap.kdd" --json --histogram --budget >"$T_TMP/i8.json" 2>/dev/null
	check "$cap --histogram --budget: distribution counts == counts, budgets sum to the window" \
		python3 - "$T_TMP/i8.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
n = 0
for w in d["windows"]:
    for t in w["threads"]:
        rows = t["syscalls"] + t["hardirqs"] + t["softirqs"]
        rows += [r for r in (t["run"], t["ready"]) if r]
        for r in rows:
            dist = r["distribution"]
            assert dist["count"] == r["count"], (t["tid"], r)
            assert sum(b["count"] for b in dist["log2_ns"]) == r["count"], (t["tid"], r)
            assert dist["max_ns"] == r["max_ns"]
            n += 1
        b = t["budget"]
        parts = ("running", "ready", "blocked", "hardirq", "softirq", "other", "unknown")
        assert sum(b[p + "_ns"] for p in parts) == b["window_ns"], (t["tid"], b)
        assert sum(s["blocked_ns"] for s in b["blocked_in"]) == b["blocked_ns"], (t["tid"], b)
sys.exit(0)
PY
done
# and the default output is the reference's, whatever these do
check "--histogram/--budget off: no distribution, no budget in JSON" \
	sh -c "! '$REPORT' -i '$G/basic.kdd' --json | grep -q -e '\"distribution\"' -e '\"budget\"'"

# --- exit statuses (sysexits.h)
check_exit "missing capture" 66 "$REPORT" -i "$T_TMP/no-such-file"
check_exit "default input kdelay.data missing" 66 sh -c "cd '$T_TMP' && '$REPORT'"
printf 'this is not a capture, just text\n' >"$T_TMP/text"
check_exit "not a capture" 65 "$REPORT" -i "$T_TMP/text"
: >"$T_TMP/empty"
check_exit "empty file" 65 "$REPORT" -i "$T_TMP/empty"
# the same capture from a future major version (header bytes 8-9)
{ head -c 8 "$G/basic.kdd"; printf '\002\000'; tail -c +11 "$G/basic.kdd"; } >"$T_TMP/v2.kdd"
check_exit "newer major format version" 65 "$REPORT" -i "$T_TMP/v2.kdd"
"$REPORT" -i "$T_TMP/v2.kdd" >/dev/null 2>"$T_TMP/v2.err"
check_eq "newer major version: one line on stderr" 1 "$(wc -l <"$T_TMP/v2.err")"
check_grep "newer major version: the message says so" "version" "$T_TMP/v2.err"
check_exit "unknown option" 64 "$REPORT" --no-such-option
check_exit "bad --tid" 64 "$REPORT" --tid 12x
check_exit "bad --time-range" 64 "$REPORT" --time-range 5,2
check_exit "bad --thread regex" 64 "$REPORT" -i "$G/basic.kdd" --thread '('
check_exit "unknown --syscall" 64 "$REPORT" -i "$G/basic.kdd" --syscall no_such_call
check_exit "--window beyond the capture" 65 "$REPORT" -i "$G/basic.kdd" --window 7
check_exit "--help" 0 "$REPORT" --help

# --- every prefix of a capture: a report or a clean error, never a crash
crashes=0
size=$(stat -c %s "$G/triggers.kdd")
for ((n = 0; n <= size; n += 7)); do
	head -c "$n" "$G/triggers.kdd" >"$T_TMP/cut.kdd"
	for fmt in "" --json --info; do
		# shellcheck disable=SC2086
		"$REPORT" -i "$T_TMP/cut.kdd" $fmt >/dev/null 2>&1
		rc=$?
		case $rc in 0 | 1 | 65) ;; *) crashes=$((crashes + 1)); echo "prefix $n $fmt: exit $rc" | diag ;; esac
	done
done
check_eq "every 7th prefix of triggers.kdd: exit 0, 1 or 65" 0 "$crashes"

# --- flipped bytes: the same promise
bad=0
for ((i = 0; i < 300; i++)); do
	cp "$G/triggers.kdd" "$T_TMP/flip.kdd"
	off=$(((i * 7919) % size))
	printf "\\x$(printf %02x $(((i * 37 + 1) % 256)))" | dd of="$T_TMP/flip.kdd" bs=1 seek="$off" conv=notrunc 2>/dev/null
	"$REPORT" -i "$T_TMP/flip.kdd" --syscall-events >/dev/null 2>&1
	rc=$?
	case $rc in 0 | 1 | 65) ;; *) bad=$((bad + 1)); echo "flip at $off: exit $rc" | diag ;; esac
done
check_eq "300 one-byte corruptions: exit 0, 1 or 65" 0 "$bad"

done_testing
