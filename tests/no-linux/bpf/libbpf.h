#error "bpf/libbpf.h included: format/ and report/ must build without Linux-only headers"
