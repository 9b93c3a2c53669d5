# samples/: workloads with known behaviour, built with -O0 -fno-omit-frame-pointer
# so that uprobes and user stacks are predictable.
SAMPLE_BINS :=
