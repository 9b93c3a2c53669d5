#!/usr/bin/env bash
# tests/golden/regen.sh - regenerate the golden captures, their oracles
# (NAME.oracle: the statistics mkgolden works out from the events it
# writes, independent of kdelay-report) and the expected reports.
# Deliberate only: review `git diff tests/golden` afterwards, every
# changed number must be explained.
#   tests/golden/regen.sh            captures, oracles and expected outputs
#   tests/golden/regen.sh --outputs  expected outputs only (keep the .kdd)
# The committed synthetic captures are format 1.0 on purpose: they are the
# suite's proof that captures written before 1.1 and 1.2 still read.  mkgolden
# writes the current version (one more chunk, other bytes), so a full regen
# replaces that proof; prefer --outputs unless the events must change.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-.output-report}
cd "$TOP"
make -s O="$O" "$O/kdelay-report" "$O/tests/golden/mkgolden"
case $O in /*) ;; *) O=$TOP/$O ;; esac
cd tests/golden
if [ "${1:-}" != --outputs ]; then
	"$O/tests/golden/mkgolden" .
	# a capture cut short, as a recorder killed while writing leaves it
	# (triggers.kdd without its last 200 bytes: cut inside the WINDOW item
	# closing window 2, so windows 0 and 1 stay whole and 9 events are orphans)
	size=$(stat -c %s triggers.kdd)
	head -c $((size - 200)) triggers.kdd > truncated.kdd
fi
rm -f ./*.txt ./*.json ./*.err
grep -v '^#' cases | while read -r name rc capture args; do
	[ -n "$name" ] || continue
	ext=txt
	case " $args " in *" --json "*) ext=json ;; esac
	# shellcheck disable=SC2086
	set +e
	TZ=UTC LC_ALL=C "$O/kdelay-report" -i "$capture" $args > "$name.$ext" 2> "$name.$ext.err"
	got=$?
	set -e
	if [ -s "$name.$ext.err" ]; then mv "$name.$ext.err" "$name.err"; else rm -f "$name.$ext.err"; fi
	[ "$got" = "$rc" ] || echo "regen: $name ($args): exit $got, cases says $rc" >&2
done
echo "regenerated; review: git diff --stat tests/golden"
