#error "linux/bpf.h included: format/ and report/ must build without Linux-only headers"
