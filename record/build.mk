# record/: kdelay-record and kdelay.  RECORD_SRCS go into libkdrecord.a;
# RECORD_MAIN and KDELAY_MAIN hold the two main()s.
RECORD_SRCS :=
RECORD_MAIN :=
KDELAY_MAIN :=
