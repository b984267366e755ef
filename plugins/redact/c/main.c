/*
 * The redact plugin's waPC entry point, written by hand against the waPC guest ABI: the host calls
 * `__guest_call(operation length, payload length)`; the guest asks for both with
 * `__guest_request`, and answers with `__guest_response` (returning 1) or `__guest_error`
 * (returning 0). Operations and payloads: contracts/wasmpipe.apexlang.
 */
#include "msgpack.h"
#include "redact.h"
#include "walk.h"

#define PLUGIN_NAME "redact"
#define PLUGIN_VERSION "0.1.0"
#define CONTRACT_VERSION "0.2.0"

/* Memory below this mark outlives a call: the config. Each call starts from it. */
static size_t call_base = 0;

static int respond(const u8 *bytes, size_t length) {
  wapc_guest_response(bytes, length);
  return 1;
}

static int error(const char *message) {
  wapc_guest_error((const u8 *)message, cstring_length(message));
  return 0;
}

static int is(const u8 *operation, u32 length, const char *name) {
  return bytes_equal(operation, length, (const u8 *)name, cstring_length(name));
}

/* Calls a host function of the contract (binding "wasmpipe", namespace "v0"); failures are ignored. */
static void host_call(const char *operation, const Buffer *payload) {
  wapc_host_call((const u8 *)"wasmpipe", 8, (const u8 *)"v0", 2, (const u8 *)operation, cstring_length(operation),
                 payload->data, payload->length);
}

static void host_log(u32 level, const char *message) {
  Buffer payload;
  buffer_init(&payload, 64 + cstring_length(message));
  mp_write_map(&payload, 2);
  mp_write_cstr(&payload, "level");
  mp_write_uint(&payload, level);
  mp_write_cstr(&payload, "message");
  mp_write_cstr(&payload, message);
  if (!payload.failed) host_call("log", &payload);
}

/* Adds to the plugin's own counter `wasmpipe.plugin.custom.redactions`. */
static void count_redactions(u32 redactions) {
  Buffer payload;
  buffer_init(&payload, 48);
  mp_write_map(&payload, 3);
  mp_write_cstr(&payload, "kind");
  mp_write_uint(&payload, 0);
  mp_write_cstr(&payload, "name");
  mp_write_cstr(&payload, "redactions");
  mp_write_cstr(&payload, "value");
  mp_write_double(&payload, (double)redactions);
  if (!payload.failed) host_call("metric", &payload);
}

static int describe(void) {
  Buffer out;
  buffer_init(&out, 128);
  mp_write_map(&out, 4);
  mp_write_cstr(&out, "name");
  mp_write_cstr(&out, PLUGIN_NAME);
  mp_write_cstr(&out, "version");
  mp_write_cstr(&out, PLUGIN_VERSION);
  mp_write_cstr(&out, "contractVersion");
  mp_write_cstr(&out, CONTRACT_VERSION);
  mp_write_cstr(&out, "signals");
  mp_write_array(&out, 2);
  mp_write_cstr(&out, "metrics");
  mp_write_cstr(&out, "logs");
  if (out.failed) return error("Out of memory in describe.");
  return respond(out.data, out.length);
}

static int configure(const u8 *payload, size_t length) {
  const char *problem = configure_from(payload, length);
  if (problem) return error(problem);
  /* The new config lives in the arena: keep everything allocated so far across calls. */
  call_base = arena_mark();
  host_log(0, config.hash ? "Redact configured: hashing (SHA-256, salted, first 64 bits)." : "Redact configured: masking.");
  call_base = arena_mark();
  return respond((const u8 *)"", 0);
}

static int process(const u8 *payload, size_t length, int metrics) {
  Buffer out;
  /* Room for the batch and some growth; the buffer grows if redaction makes it longer. */
  buffer_init(&out, length + length / 4 + 64);
  static const u8 prefix[] = {0x81, 0xa5, 'b', 'a', 't', 'c', 'h'}; /* {"batch": ...} */
  buffer_write(&out, prefix, sizeof(prefix));
  u32 redactions = 0;
  if (!walk_batch(payload, length, metrics, &out, &redactions)) {
    if (out.failed) return error("The redact plugin ran out of memory.");
    return error(metrics ? "The metrics batch is not valid msgpack in the contract's 0.2 layout."
                         : "The logs batch is not valid msgpack in the contract's 0.2 layout.");
  }
  if (redactions == 0) return respond((const u8 *)"\x80", 1); /* {}: the batch is unchanged */
  count_redactions(redactions);
  return respond(out.data, out.length);
}

__attribute__((export_name("__guest_call"))) int guest_call(u32 operation_length, u32 payload_length) {
  if (call_base == 0) {
    configure_from(0, 0); /* defaults until the host configures the plugin */
    call_base = arena_mark();
  }
  arena_reset(call_base);
  u8 *operation = arena_alloc(operation_length + 1);
  u8 *payload = arena_alloc(payload_length + 1);
  if (!operation || !payload) return error("The redact plugin cannot allocate the request.");
  wapc_guest_request(operation, payload);
  if (is(operation, operation_length, "describe")) return describe();
  if (is(operation, operation_length, "configure")) return configure(payload, payload_length);
  if (is(operation, operation_length, "process_metrics")) return process(payload, payload_length, 1);
  if (is(operation, operation_length, "process_logs")) return process(payload, payload_length, 0);
  return error("Unknown operation; the redact plugin exports describe, configure, process_metrics, process_logs.");
}
