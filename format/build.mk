# format/: the capture-file library (libkdformat.a).  Owned by format/.
FORMAT_SRCS :=
