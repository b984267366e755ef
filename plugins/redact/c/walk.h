#ifndef REDACT_WALK_H
#define REDACT_WALK_H

#include "guest.h"

/*
 * Copies a MetricsBatch (metrics = 1) or LogsBatch to `out` with secrets redacted, counting the
 * values changed. Returns 0 when the batch is not valid msgpack in the contract's layout.
 */
int walk_batch(const u8 *payload, size_t length, int metrics, Buffer *out, u32 *redactions);

#endif
