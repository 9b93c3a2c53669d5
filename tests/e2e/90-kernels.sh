#!/usr/bin/env bash
# test-timeout: 2400
# The kernel matrix: the end-to-end subset of tests/vm/guest-e2e.sh (exact
# counts, every trigger kind with kprobes, stacks, syscalls in flight,
# threads that exit, drops, where soft irqs are charged), run with the
# static recorder in the newest Debian kernel of each flavour in $KERNELS
# (default "6.1 6.1-rt 6.12"), each booted once under qemu
# (tests/vm/run.sh).  Every result of a guest is a result here, named
# after its kernel.  A kernel that cannot be found or fetched, a guest
# that does not boot or stops short of its plan, is a failure.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/helpers.bash"
need_root
need_bins kdelay-sample kdelay-report static/kdelay-record static/kdelay
vm=$TOP/tests/vm

for flavour in ${KERNELS:-6.1 6.1-rt 6.12}; do
	if ! v=$("$vm/kernels.sh" "$flavour" 2>"$T_TMP/err"); then
		not_ok "$flavour: a Debian kernel of this flavour is known to apt"
		diag <"$T_TMP/err"
		continue
	fi
	if ! "$vm/prepare.sh" "$v" >/dev/null 2>"$T_TMP/err"; then
		not_ok "$flavour: kernel $v fetched and unpacked"
		diag <"$T_TMP/err"
		continue
	fi
	for attempt in 1 2 3; do
		out=$T_TMP/vm-$flavour-$attempt
		(cd "$TOP" && TIMEOUT=900 VM_OUT_HOST=$out VM_ENV=O O=$O "$vm/run.sh" "$v" tests/vm/guest-e2e.sh) \
			>"$T_TMP/$flavour.tap" 2>"$T_TMP/$flavour.err"
		rc=$?
		# qemu's multi-threaded TCG could run a stale translation of kernel
		# text that the guest had just patched (the jump labels flipped
		# when tracepoints are attached), and the guest died of an int3
		# oops that no real CPU raises.  tests/vm/run.sh now runs the
		# emulator single-threaded, which cannot; should it happen still,
		# it is the emulator, not the kernel or kdelay: boot that kernel
		# again (twice at most), and say so.
		if [ $rc -eq 125 ] && [ $attempt -lt 3 ] && grep -q 'Oops: int3' "$out/.vm/console.log" 2>/dev/null; then
			echo "# $flavour: the emulated guest died of an int3 oops in patched kernel text (qemu TCG); booting it once more"
			continue
		fi
		break
	done
	plan=
	results=0
	while IFS= read -r line; do
		case $line in
		"ok "*) ok "$flavour: ${line#ok * - }" ;;
		"not ok "*) not_ok "$flavour: ${line#not ok * - }" ;;
		"#"*) echo "# $flavour:${line#"#"}" ;;
		1..*) plan=${line#1..} ;;
		*) continue ;;
		esac
		case $line in ok* | "not ok"*) results=$((results + 1)) ;; esac
	done <"$T_TMP/$flavour.tap"
	if [ -z "$plan" ] || [ "$plan" -ne "$results" ] || [ "$rc" -eq 125 ]; then
		not_ok "$flavour ($v): the guest ran the whole subset (plan '${plan:-none}', $results results, exit $rc)"
		tail -30 "$T_TMP/$flavour.err" | diag
	fi
	# The runner's timing line: boot and whole-guest seconds.
	grep -E '^tests/vm/run.sh: .*booted in' "$T_TMP/$flavour.err" | sed 's/^/# /'
done
done_testing
