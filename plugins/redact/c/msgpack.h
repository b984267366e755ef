/*
 * A small msgpack reader and writer. The reader is a bounds-checked cursor: on malformed input it
 * sets `failed` and returns zeros, never reads past the end and never traps; callers check
 * `failed` once at the end. It reads every width of every type (fixint, uint8..64, str8..32, ...).
 */
#ifndef REDACT_MSGPACK_H
#define REDACT_MSGPACK_H

#include "guest.h"

typedef struct {
  const u8 *position;
  const u8 *end;
  int failed;
} Reader;

/* The kind of the next value, by its first byte. */
typedef enum {
  MP_NIL,
  MP_BOOL,
  MP_UINT,
  MP_INT,
  MP_FLOAT,
  MP_STR,
  MP_BIN,
  MP_ARRAY,
  MP_MAP,
  MP_EXT,
  MP_INVALID,
} MpKind;

Reader reader_over(const u8 *data, size_t length);
MpKind mp_peek(Reader *reader);
int mp_read_nil(Reader *reader);             /* consumes a nil and returns 1, else returns 0 */
u32 mp_read_array(Reader *reader);           /* element count; fails when not an array */
u32 mp_read_map(Reader *reader);             /* entry count; fails when not a map */
int mp_read_str(Reader *reader, const u8 **bytes, u32 *length);
int mp_read_bin(Reader *reader, const u8 **bytes, u32 *length);
int mp_read_uint(Reader *reader, u64 *value); /* any non-negative integer */
int mp_read_bool(Reader *reader, int *value);
/* Reads an ext header: its type and the data's address and length. */
int mp_read_ext(Reader *reader, i32 *type, const u8 **data, u32 *length);
void mp_skip(Reader *reader);                /* skips one whole value, iteratively */
void mp_skip_many(Reader *reader, u32 count);

void mp_write_nil(Buffer *out);
void mp_write_array(Buffer *out, u32 count);
void mp_write_map(Buffer *out, u32 count);
void mp_write_str(Buffer *out, const u8 *bytes, u32 length);
void mp_write_cstr(Buffer *out, const char *text);
void mp_write_uint(Buffer *out, u64 value);
void mp_write_double(Buffer *out, double value);
/* Writes a bin32 header with a zero length and returns where it is; mp_patch_bin32 fills it in. */
size_t mp_reserve_bin32(Buffer *out);
void mp_patch_bin32(Buffer *out, size_t at);

#endif
