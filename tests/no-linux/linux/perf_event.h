#error "linux/perf_event.h included: format/ and report/ must build without Linux-only headers"
