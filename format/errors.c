// SPDX-License-Identifier: BSD-2-Clause
/* errors.c - kdf_strerror. */
#include "kdelay_format.h"

const char *kdf_strerror(int err)
{
	switch (err) {
	case KDF_OK: return "success";
	case KDF_E_IO: return "input/output error";
	case KDF_E_NOT_CAPTURE: return "not a kdelay capture";
	case KDF_E_VERSION: return "capture format version not supported";
	case KDF_E_CORRUPT: return "capture is damaged";
	case KDF_E_NOMEM: return "out of memory";
	case KDF_E_INVAL: return "invalid argument";
	default: return "unknown error";
	}
}
