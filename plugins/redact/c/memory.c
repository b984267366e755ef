/* Linear memory: mem* functions the compiler may call, the arena, and the byte buffer. */
#include "guest.h"

extern u8 __heap_base;

static size_t arena_top = 0;
static size_t arena_end = 0;

void *memcpy(void *destination, const void *source, size_t length) {
  __builtin_memmove(destination, source, length); /* memory.copy with bulk memory: overlap-safe */
  return destination;
}

void *memmove(void *destination, const void *source, size_t length) {
  __builtin_memmove(destination, source, length);
  return destination;
}

void *memset(void *destination, int value, size_t length) {
  __builtin_memset(destination, value, length); /* memory.fill */
  return destination;
}

int bytes_equal(const u8 *a, size_t a_length, const u8 *b, size_t b_length) {
  if (a_length != b_length) return 0;
  for (size_t index = 0; index < a_length; index++)
    if (a[index] != b[index]) return 0;
  return 1;
}

size_t cstring_length(const char *text) {
  size_t length = 0;
  while (text[length]) length++;
  return length;
}

void *arena_alloc(size_t size) {
  if (arena_top == 0) {
    arena_top = (size_t)&__heap_base;
    arena_end = __builtin_wasm_memory_size(0) * 65536;
  }
  size_t start = (arena_top + 7) & ~(size_t)7;
  if (size > 0xffffffffu - start) return 0;
  size_t end = start + size;
  if (end > arena_end) {
    size_t pages = (end - arena_end + 65535) / 65536;
    if (__builtin_wasm_memory_grow(0, pages) == (size_t)-1) return 0;
    arena_end += pages * 65536;
  }
  arena_top = end;
  return (void *)start;
}

size_t arena_mark(void) {
  if (arena_top == 0) arena_alloc(0);
  return arena_top;
}

void arena_reset(size_t mark) { arena_top = mark; }

void buffer_init(Buffer *buffer, size_t capacity) {
  buffer->data = arena_alloc(capacity);
  buffer->length = 0;
  buffer->capacity = buffer->data ? capacity : 0;
  buffer->failed = buffer->data == 0;
}

int buffer_reserve(Buffer *buffer, size_t extra) {
  if (buffer->failed) return 0;
  if (buffer->length + extra <= buffer->capacity) return 1;
  size_t capacity = buffer->capacity * 2 + extra + 64;
  u8 *data = arena_alloc(capacity);
  if (!data) {
    buffer->failed = 1;
    return 0;
  }
  memcpy(data, buffer->data, buffer->length);
  buffer->data = data;
  buffer->capacity = capacity;
  return 1;
}

void buffer_write(Buffer *buffer, const void *bytes, size_t length) {
  if (!buffer_reserve(buffer, length)) return;
  memcpy(buffer->data + buffer->length, bytes, length);
  buffer->length += length;
}

void buffer_byte(Buffer *buffer, u8 byte) {
  if (!buffer_reserve(buffer, 1)) return;
  buffer->data[buffer->length++] = byte;
}
