/*
 * The freestanding base of the redact plugin: fixed-width types, a bump arena over Wasm linear
 * memory, a growable byte buffer, and the waPC guest ABI (imports from module "wapc").
 * No libc and no WASI: the module imports nothing but the waPC protocol functions.
 */
#ifndef REDACT_GUEST_H
#define REDACT_GUEST_H

#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t i32;
typedef int64_t i64;

/* --- waPC protocol imports (https://wapc.io/docs/spec/) --- */
#define WAPC_IMPORT(name) __attribute__((import_module("wapc"), import_name(name)))
WAPC_IMPORT("__guest_request") void wapc_guest_request(u8 *operation, u8 *payload);
WAPC_IMPORT("__guest_response") void wapc_guest_response(const u8 *pointer, size_t length);
WAPC_IMPORT("__guest_error") void wapc_guest_error(const u8 *pointer, size_t length);
WAPC_IMPORT("__host_call")
u32 wapc_host_call(const u8 *binding, size_t binding_length, const u8 *name_space, size_t namespace_length,
                   const u8 *operation, size_t operation_length, const u8 *payload, size_t payload_length);

/* --- memory --- */
void *memcpy(void *destination, const void *source, size_t length);
void *memmove(void *destination, const void *source, size_t length);
void *memset(void *destination, int value, size_t length);
int bytes_equal(const u8 *a, size_t a_length, const u8 *b, size_t b_length);
size_t cstring_length(const char *text);

/* A bump allocator over linear memory, grown with memory.grow; returns 0 when memory is exhausted. */
void *arena_alloc(size_t size);
size_t arena_mark(void);
void arena_reset(size_t mark);

/* A growable byte buffer in the arena. `failed` is set when memory ran out; writes then do nothing. */
typedef struct {
  u8 *data;
  size_t length;
  size_t capacity;
  int failed;
} Buffer;

void buffer_init(Buffer *buffer, size_t capacity);
int buffer_reserve(Buffer *buffer, size_t extra);
void buffer_write(Buffer *buffer, const void *bytes, size_t length);
void buffer_byte(Buffer *buffer, u8 byte);

#endif
