#include "msgpack.h"

Reader reader_over(const u8 *data, size_t length) {
  Reader reader = {data, data + length, 0};
  return reader;
}

static int available(Reader *reader, size_t count) {
  if (reader->failed || (size_t)(reader->end - reader->position) < count) {
    reader->failed = 1;
    return 0;
  }
  return 1;
}

static u64 big_endian(const u8 *bytes, int width) {
  u64 value = 0;
  for (int index = 0; index < width; index++) value = (value << 8) | bytes[index];
  return value;
}

/* Reads a `width`-byte big-endian length after a one-byte type. */
static u32 read_length(Reader *reader, int width) {
  if (!available(reader, 1 + (size_t)width)) return 0;
  u64 value = big_endian(reader->position + 1, width);
  reader->position += 1 + width;
  return (u32)value;
}

MpKind mp_peek(Reader *reader) {
  if (!available(reader, 1)) return MP_INVALID;
  u8 type = *reader->position;
  if (type <= 0x7f || (type >= 0xcc && type <= 0xcf)) return MP_UINT;
  if (type >= 0xe0 || (type >= 0xd0 && type <= 0xd3)) return MP_INT;
  if (type <= 0x8f) return MP_MAP;
  if (type <= 0x9f) return MP_ARRAY;
  if (type <= 0xbf) return MP_STR;
  switch (type) {
  case 0xc0: return MP_NIL;
  case 0xc2: case 0xc3: return MP_BOOL;
  case 0xc4: case 0xc5: case 0xc6: return MP_BIN;
  case 0xc7: case 0xc8: case 0xc9: case 0xd4: case 0xd5: case 0xd6: case 0xd7: case 0xd8: return MP_EXT;
  case 0xca: case 0xcb: return MP_FLOAT;
  case 0xd9: case 0xda: case 0xdb: return MP_STR;
  case 0xdc: case 0xdd: return MP_ARRAY;
  case 0xde: case 0xdf: return MP_MAP;
  default: return MP_INVALID;
  }
}

int mp_read_nil(Reader *reader) {
  if (reader->failed || reader->position >= reader->end || *reader->position != 0xc0) return 0;
  reader->position += 1;
  return 1;
}

u32 mp_read_array(Reader *reader) {
  if (!available(reader, 1)) return 0;
  u8 type = *reader->position;
  if (type >= 0x90 && type <= 0x9f) {
    reader->position += 1;
    return type & 0x0f;
  }
  if (type == 0xdc) return read_length(reader, 2);
  if (type == 0xdd) return read_length(reader, 4);
  reader->failed = 1;
  return 0;
}

u32 mp_read_map(Reader *reader) {
  if (!available(reader, 1)) return 0;
  u8 type = *reader->position;
  if (type >= 0x80 && type <= 0x8f) {
    reader->position += 1;
    return type & 0x0f;
  }
  if (type == 0xde) return read_length(reader, 2);
  if (type == 0xdf) return read_length(reader, 4);
  reader->failed = 1;
  return 0;
}

static int read_span(Reader *reader, u32 length, const u8 **bytes, u32 *out_length) {
  if (!available(reader, length)) return 0;
  *bytes = reader->position;
  *out_length = length;
  reader->position += length;
  return 1;
}

int mp_read_str(Reader *reader, const u8 **bytes, u32 *length) {
  if (!available(reader, 1)) return 0;
  u8 type = *reader->position;
  u32 size;
  if (type >= 0xa0 && type <= 0xbf) {
    reader->position += 1;
    size = type & 0x1f;
  } else if (type == 0xd9) size = read_length(reader, 1);
  else if (type == 0xda) size = read_length(reader, 2);
  else if (type == 0xdb) size = read_length(reader, 4);
  else {
    reader->failed = 1;
    return 0;
  }
  return read_span(reader, size, bytes, length);
}

int mp_read_bin(Reader *reader, const u8 **bytes, u32 *length) {
  if (!available(reader, 1)) return 0;
  u8 type = *reader->position;
  u32 size;
  if (type == 0xc4) size = read_length(reader, 1);
  else if (type == 0xc5) size = read_length(reader, 2);
  else if (type == 0xc6) size = read_length(reader, 4);
  else {
    reader->failed = 1;
    return 0;
  }
  return read_span(reader, size, bytes, length);
}

int mp_read_uint(Reader *reader, u64 *value) {
  if (!available(reader, 1)) return 0;
  u8 type = *reader->position;
  if (type <= 0x7f) {
    *value = type;
    reader->position += 1;
    return 1;
  }
  int width = type == 0xcc || type == 0xd0 ? 1 : type == 0xcd || type == 0xd1 ? 2 : type == 0xce || type == 0xd2 ? 4
              : type == 0xcf || type == 0xd3 ? 8 : 0;
  if (width == 0 || !available(reader, 1 + (size_t)width)) {
    reader->failed = 1;
    return 0;
  }
  u64 raw = big_endian(reader->position + 1, width);
  /* A signed int is accepted when it is not negative. */
  if (type >= 0xd0 && (raw >> (width * 8 - 1)) & 1) {
    reader->failed = 1;
    return 0;
  }
  *value = raw;
  reader->position += 1 + width;
  return 1;
}

int mp_read_bool(Reader *reader, int *value) {
  if (!available(reader, 1)) return 0;
  u8 type = *reader->position;
  if (type != 0xc2 && type != 0xc3) {
    reader->failed = 1;
    return 0;
  }
  *value = type == 0xc3;
  reader->position += 1;
  return 1;
}

int mp_read_ext(Reader *reader, i32 *type, const u8 **data, u32 *length) {
  if (!available(reader, 2)) return 0;
  u8 marker = *reader->position;
  u32 size;
  size_t header;
  switch (marker) {
  case 0xd4: size = 1; header = 1; break;
  case 0xd5: size = 2; header = 1; break;
  case 0xd6: size = 4; header = 1; break;
  case 0xd7: size = 8; header = 1; break;
  case 0xd8: size = 16; header = 1; break;
  case 0xc7: header = 2; break;
  case 0xc8: header = 3; break;
  case 0xc9: header = 5; break;
  default: reader->failed = 1; return 0;
  }
  if (header > 1) {
    if (!available(reader, header + 1)) return 0;
    size = (u32)big_endian(reader->position + 1, (int)header - 1);
  }
  if (!available(reader, header + 1 + size)) return 0;
  *type = (i32)(int8_t)reader->position[header];
  *data = reader->position + header + 1;
  *length = size;
  reader->position += header + 1 + size;
  return 1;
}

void mp_skip(Reader *reader) { mp_skip_many(reader, 1); }

void mp_skip_many(Reader *reader, u32 count) {
  u64 pending = count;
  while (pending > 0 && !reader->failed) {
    pending -= 1;
    if (!available(reader, 1)) return;
    u8 type = *reader->position;
    size_t skip = 0;
    if (type <= 0x7f || type >= 0xe0 || type == 0xc0 || type == 0xc2 || type == 0xc3) skip = 1;
    else if (type <= 0x8f) {
      pending += 2u * (type & 0x0f);
      skip = 1;
    } else if (type <= 0x9f) {
      pending += type & 0x0f;
      skip = 1;
    } else if (type <= 0xbf) skip = 1 + (type & 0x1f);
    else {
      switch (type) {
      case 0xcc: case 0xd0: skip = 2; break;
      case 0xcd: case 0xd1: skip = 3; break;
      case 0xce: case 0xd2: case 0xca: skip = 5; break;
      case 0xcf: case 0xd3: case 0xcb: skip = 9; break;
      case 0xd4: skip = 3; break;
      case 0xd5: skip = 4; break;
      case 0xd6: skip = 6; break;
      case 0xd7: skip = 10; break;
      case 0xd8: skip = 18; break;
      case 0xc4: case 0xd9: skip = 2 + (available(reader, 2) ? reader->position[1] : 0); break;
      case 0xc5: case 0xda: skip = 3 + (available(reader, 3) ? big_endian(reader->position + 1, 2) : 0); break;
      case 0xc6: case 0xdb: skip = 5 + (available(reader, 5) ? big_endian(reader->position + 1, 4) : 0); break;
      case 0xc7: skip = 3 + (available(reader, 2) ? reader->position[1] : 0); break;
      case 0xc8: skip = 4 + (available(reader, 3) ? big_endian(reader->position + 1, 2) : 0); break;
      case 0xc9: skip = 6 + (available(reader, 5) ? big_endian(reader->position + 1, 4) : 0); break;
      case 0xdc: pending += read_length(reader, 2); continue;
      case 0xdd: pending += read_length(reader, 4); continue;
      case 0xde: pending += 2ull * read_length(reader, 2); continue;
      case 0xdf: pending += 2ull * read_length(reader, 4); continue;
      default: reader->failed = 1; return;
      }
    }
    if (!available(reader, skip)) return;
    reader->position += skip;
  }
}

static void write_big_endian(Buffer *out, u64 value, int width) {
  if (!buffer_reserve(out, (size_t)width)) return;
  for (int index = width - 1; index >= 0; index--) out->data[out->length++] = (u8)(value >> (index * 8));
}

void mp_write_nil(Buffer *out) { buffer_byte(out, 0xc0); }

void mp_write_array(Buffer *out, u32 count) {
  if (count <= 15) buffer_byte(out, (u8)(0x90 | count));
  else if (count <= 0xffff) {
    buffer_byte(out, 0xdc);
    write_big_endian(out, count, 2);
  } else {
    buffer_byte(out, 0xdd);
    write_big_endian(out, count, 4);
  }
}

void mp_write_map(Buffer *out, u32 count) {
  if (count <= 15) buffer_byte(out, (u8)(0x80 | count));
  else if (count <= 0xffff) {
    buffer_byte(out, 0xde);
    write_big_endian(out, count, 2);
  } else {
    buffer_byte(out, 0xdf);
    write_big_endian(out, count, 4);
  }
}

void mp_write_str(Buffer *out, const u8 *bytes, u32 length) {
  if (length <= 31) buffer_byte(out, (u8)(0xa0 | length));
  else if (length <= 0xff) {
    buffer_byte(out, 0xd9);
    write_big_endian(out, length, 1);
  } else if (length <= 0xffff) {
    buffer_byte(out, 0xda);
    write_big_endian(out, length, 2);
  } else {
    buffer_byte(out, 0xdb);
    write_big_endian(out, length, 4);
  }
  buffer_write(out, bytes, length);
}

void mp_write_cstr(Buffer *out, const char *text) { mp_write_str(out, (const u8 *)text, (u32)cstring_length(text)); }

void mp_write_uint(Buffer *out, u64 value) {
  if (value <= 0x7f) buffer_byte(out, (u8)value);
  else if (value <= 0xff) {
    buffer_byte(out, 0xcc);
    write_big_endian(out, value, 1);
  } else if (value <= 0xffff) {
    buffer_byte(out, 0xcd);
    write_big_endian(out, value, 2);
  } else if (value <= 0xffffffffu) {
    buffer_byte(out, 0xce);
    write_big_endian(out, value, 4);
  } else {
    buffer_byte(out, 0xcf);
    write_big_endian(out, value, 8);
  }
}

void mp_write_double(Buffer *out, double value) {
  union {
    double number;
    u64 bits;
  } convert = {value};
  buffer_byte(out, 0xcb);
  write_big_endian(out, convert.bits, 8);
}

size_t mp_reserve_bin32(Buffer *out) {
  size_t at = out->length;
  buffer_byte(out, 0xc6);
  write_big_endian(out, 0, 4);
  return at;
}

void mp_patch_bin32(Buffer *out, size_t at) {
  if (out->failed) return;
  u64 length = out->length - at - 5;
  for (int index = 0; index < 4; index++) out->data[at + 1 + index] = (u8)(length >> ((3 - index) * 8));
}
