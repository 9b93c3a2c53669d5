#error "linux/types.h included: format/ and report/ must build without Linux-only headers"
