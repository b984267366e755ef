/*
 * The walk over a batch in the contract's 0.2 layout (contracts/README.md): it copies every byte
 * it does not need to change, and rewrites only attribute values and log bodies. Strings from
 * the batch's string table are looked at once per batch, not once per record: the result for
 * each table index is memoised. A redacted value is written as an inline str, which the contract
 * allows anywhere, so the table itself is copied unchanged.
 */
#include "msgpack.h"
#include "redact.h"
#include "walk.h"

/* What the value of an attribute gets, by its key. */
enum { KEY_UNKNOWN = 0, KEY_SCAN, KEY_WHOLE, KEY_QUERY };
/* The memo slots per table index: a scanned value, a scanned query value, a whole replacement. */
enum { MEMO_SCAN = 0, MEMO_QUERY, MEMO_WHOLE, MEMO_KINDS };

#define MAX_DEPTH 64

typedef struct {
  Reader in;
  Buffer *out;
  Text *strings;
  u32 string_count;
  u8 *key_kinds;
  Scanned **memo[MEMO_KINDS];
  u32 redactions;
  int failed;
} Walk;

static void fail(Walk *walk) { walk->failed = 1; }
static int ok(Walk *walk) { return !walk->failed && !walk->in.failed && !walk->out->failed; }

static void copy_values(Walk *walk, u32 count) {
  const u8 *start = walk->in.position;
  mp_skip_many(&walk->in, count);
  if (!walk->in.failed) buffer_write(walk->out, start, (size_t)(walk->in.position - start));
}

static void copy_value(Walk *walk) { copy_values(walk, 1); }

/* Copies what is left of a tuple whose first `handled` fields were walked. */
static void copy_rest(Walk *walk, u32 fields, u32 handled) {
  if (fields > handled) copy_values(walk, fields - handled);
}

static int in_list(const TextList *list, const u8 *bytes, u32 length) {
  for (u32 index = 0; index < list->count; index++)
    if (bytes_equal(list->items[index].bytes, list->items[index].length, bytes, length)) return 1;
  return 0;
}

static u8 key_kind_of(const u8 *bytes, u32 length) {
  if (in_list(&config.attributes, bytes, length)) return KEY_WHOLE;
  if (in_list(&config.query_attributes, bytes, length)) return KEY_QUERY;
  return KEY_SCAN;
}

/* A string table reference inside an AnyValue: ext type 1 holding a big-endian index. */
static int table_index(Walk *walk, i32 type, const u8 *data, u32 length, u32 *index) {
  if (type != 1 || (length != 1 && length != 2 && length != 4)) return 0;
  u32 value = 0;
  for (u32 at = 0; at < length; at++) value = (value << 8) | data[at];
  if (value >= walk->string_count) {
    fail(walk);
    return 0;
  }
  *index = value;
  return 1;
}

static Scanned *remember(Walk *walk, int kind, u32 index, Scanned result) {
  if (!walk->memo[kind]) {
    size_t size = sizeof(Scanned *) * (walk->string_count ? walk->string_count : 1);
    walk->memo[kind] = arena_alloc(size);
    if (!walk->memo[kind]) {
      fail(walk);
      return 0;
    }
    memset(walk->memo[kind], 0, size);
  }
  Scanned *slot = arena_alloc(sizeof(Scanned));
  if (!slot) {
    fail(walk);
    return 0;
  }
  *slot = result;
  walk->memo[kind][index] = slot;
  return slot;
}

static Scanned *recalled(Walk *walk, int kind, u32 index) {
  return walk->memo[kind] ? walk->memo[kind][index] : 0;
}

static Scanned whole(Text text) {
  Text replacement = replacement_for(text.bytes, text.length);
  Scanned result = {replacement, !bytes_equal(replacement.bytes, replacement.length, text.bytes, text.length)};
  return result;
}

static Scanned scanned(Text text, int query) {
  Scanned result = scan_text(text, query);
  if (result.changed && bytes_equal(result.text.bytes, result.text.length, text.bytes, text.length))
    result.changed = 0;
  return result;
}

/* Writes `result` for the value that spans [start, walk->in.position): the new text, or the old bytes. */
static void emit(Walk *walk, const u8 *start, Scanned result) {
  if (result.changed) {
    mp_write_str(walk->out, result.text.bytes, result.text.length);
    walk->redactions++;
  } else {
    buffer_write(walk->out, start, (size_t)(walk->in.position - start));
  }
}

static void walk_any_value(Walk *walk, int query, int depth);

/* A string value (inline, or a table reference): scanned, or replaced whole. Returns 0 when not a string. */
static int walk_string(Walk *walk, int memo_kind) {
  const u8 *start = walk->in.position;
  MpKind kind = mp_peek(&walk->in);
  if (kind == MP_STR) {
    Text text;
    mp_read_str(&walk->in, &text.bytes, &text.length);
    emit(walk, start, memo_kind == MEMO_WHOLE ? whole(text) : scanned(text, memo_kind == MEMO_QUERY));
    return 1;
  }
  if (kind != MP_EXT) return 0;
  i32 type;
  const u8 *data;
  u32 length, index;
  Reader before = walk->in;
  mp_read_ext(&walk->in, &type, &data, &length);
  if (!table_index(walk, type, data, length, &index)) {
    walk->in = before;
    return 0;
  }
  Scanned *result = recalled(walk, memo_kind, index);
  if (!result) {
    Text text = walk->strings[index];
    result = remember(walk, memo_kind, index,
                      memo_kind == MEMO_WHOLE ? whole(text) : scanned(text, memo_kind == MEMO_QUERY));
    if (!result) return 1;
  }
  emit(walk, start, *result);
  return 1;
}

/* A value whose key says "redact it whole": strings by their text, anything else by its bytes. */
static void walk_whole(Walk *walk) {
  if (mp_peek(&walk->in) == MP_NIL) {
    copy_value(walk);
    return;
  }
  if (walk_string(walk, MEMO_WHOLE)) return;
  const u8 *start = walk->in.position;
  mp_skip(&walk->in);
  if (walk->in.failed) return;
  Text raw = {start, (u32)(walk->in.position - start)};
  Scanned result = whole(raw);
  result.changed = 1;
  emit(walk, start, result);
}

static void walk_any_value(Walk *walk, int query, int depth) {
  MpKind kind = mp_peek(&walk->in);
  if (depth > MAX_DEPTH || kind == MP_INVALID) {
    copy_value(walk);
    return;
  }
  if (kind == MP_STR || kind == MP_EXT) {
    if (!walk_string(walk, query ? MEMO_QUERY : MEMO_SCAN)) copy_value(walk);
  } else if (kind == MP_ARRAY) {
    u32 count = mp_read_array(&walk->in);
    mp_write_array(walk->out, count);
    for (u32 index = 0; index < count && ok(walk); index++) walk_any_value(walk, query, depth + 1);
  } else if (kind == MP_MAP) {
    u32 count = mp_read_map(&walk->in);
    mp_write_map(walk->out, count);
    for (u32 index = 0; index < count && ok(walk); index++) {
      copy_value(walk); /* keys stay as they are */
      walk_any_value(walk, query, depth + 1);
    }
  } else {
    copy_value(walk);
  }
}

static void walk_attributes(Walk *walk) {
  if (mp_peek(&walk->in) == MP_NIL) {
    copy_value(walk);
    return;
  }
  u32 count = mp_read_map(&walk->in);
  mp_write_map(walk->out, count);
  for (u32 entry = 0; entry < count && ok(walk); entry++) {
    u8 kind = KEY_SCAN;
    u64 index;
    const u8 *key_start = walk->in.position;
    if (mp_peek(&walk->in) == MP_UINT) {
      mp_read_uint(&walk->in, &index);
      if (index >= walk->string_count) {
        fail(walk);
        return;
      }
      if (walk->key_kinds[index] == KEY_UNKNOWN)
        walk->key_kinds[index] = key_kind_of(walk->strings[index].bytes, walk->strings[index].length);
      kind = walk->key_kinds[index];
    } else {
      Text key;
      if (!mp_read_str(&walk->in, &key.bytes, &key.length)) return;
      kind = key_kind_of(key.bytes, key.length);
    }
    buffer_write(walk->out, key_start, (size_t)(walk->in.position - key_start));
    if (kind == KEY_WHOLE) walk_whole(walk);
    else walk_any_value(walk, kind == KEY_QUERY, 0);
  }
}

/* Resource = [attributes, droppedAttributesCount?] */
static void walk_resource(Walk *walk) {
  u32 fields = mp_read_array(&walk->in);
  mp_write_array(walk->out, fields);
  if (fields >= 1) walk_attributes(walk);
  copy_rest(walk, fields, 1);
}

/* InstrumentationScope = [name, version?, attributes?, droppedAttributesCount?] */
static void walk_scope(Walk *walk) {
  u32 fields = mp_read_array(&walk->in);
  mp_write_array(walk->out, fields);
  copy_values(walk, fields < 2 ? fields : 2);
  if (fields >= 3) walk_attributes(walk);
  copy_rest(walk, fields, 3);
}

typedef void (*ItemWalker)(Walk *walk);

/* [item, ...] */
static void walk_list(Walk *walk, ItemWalker item) {
  u32 count = mp_read_array(&walk->in);
  mp_write_array(walk->out, count);
  for (u32 index = 0; index < count && ok(walk); index++) item(walk);
}

/* ResourceX = [Resource, [ScopeX], schemaUrl?]; ScopeX = [InstrumentationScope, [item], schemaUrl?] */
static void walk_container(Walk *walk, ItemWalker head, ItemWalker item) {
  u32 fields = mp_read_array(&walk->in);
  mp_write_array(walk->out, fields);
  if (fields >= 1) head(walk);
  if (fields >= 2) walk_list(walk, item);
  copy_rest(walk, fields, 2);
}

/* LogRecord = [time, observedTime, severityNumber, severityText, body, attributes, ...] */
static void walk_log_record(Walk *walk) {
  u32 fields = mp_read_array(&walk->in);
  mp_write_array(walk->out, fields);
  copy_values(walk, fields < 4 ? fields : 4);
  if (fields >= 5) walk_any_value(walk, 0, 0);
  if (fields >= 6) walk_attributes(walk);
  copy_rest(walk, fields, 6);
}

static void walk_scope_logs(Walk *walk) { walk_container(walk, walk_scope, walk_log_record); }
static void walk_resource_logs(Walk *walk) { walk_container(walk, walk_resource, walk_scope_logs); }

/* DataPoints = [count, [attributes], ...columns]: only the attributes column changes. */
static void walk_data_points(Walk *walk) {
  u32 fields = mp_read_array(&walk->in);
  mp_write_array(walk->out, fields);
  if (fields >= 1) copy_value(walk);
  if (fields >= 2) {
    u32 count = mp_read_array(&walk->in);
    mp_write_array(walk->out, count);
    for (u32 index = 0; index < count && ok(walk); index++) walk_attributes(walk);
  }
  copy_rest(walk, fields, 2);
}

/* Metric = [name, description, unit, type, temporality, monotonic, points: bin(DataPoints), metadata?] */
static void walk_metric(Walk *walk) {
  u32 fields = mp_read_array(&walk->in);
  mp_write_array(walk->out, fields);
  copy_values(walk, fields < 6 ? fields : 6);
  if (fields >= 7) {
    const u8 *points;
    u32 length;
    if (!mp_read_bin(&walk->in, &points, &length)) return;
    Reader outer = walk->in;
    walk->in = reader_over(points, length);
    size_t at = mp_reserve_bin32(walk->out);
    walk_data_points(walk);
    if (walk->in.failed || walk->in.position != walk->in.end) fail(walk);
    mp_patch_bin32(walk->out, at);
    walk->in = outer;
  }
  copy_rest(walk, fields, 7);
}

static void walk_scope_metrics(Walk *walk) { walk_container(walk, walk_scope, walk_metric); }
static void walk_resource_metrics(Walk *walk) { walk_container(walk, walk_resource, walk_scope_metrics); }

int walk_batch(const u8 *payload, size_t length, int metrics, Buffer *out, u32 *redactions) {
  Walk walk;
  memset(&walk, 0, sizeof(walk));
  walk.in = reader_over(payload, length);
  walk.out = out;
  u32 fields = mp_read_array(&walk.in);
  if (fields < 2) return 0;
  mp_write_array(out, fields);
  const u8 *table = walk.in.position;
  walk.string_count = mp_read_array(&walk.in);
  if (walk.in.failed || walk.string_count > length) return 0;
  walk.strings = arena_alloc(sizeof(Text) * (walk.string_count ? walk.string_count : 1));
  walk.key_kinds = arena_alloc(walk.string_count ? walk.string_count : 1);
  if (!walk.strings || !walk.key_kinds) return 0;
  memset(walk.key_kinds, KEY_UNKNOWN, walk.string_count);
  for (u32 index = 0; index < walk.string_count; index++)
    mp_read_str(&walk.in, &walk.strings[index].bytes, &walk.strings[index].length);
  if (walk.in.failed) return 0;
  buffer_write(out, table, (size_t)(walk.in.position - table));
  walk_list(&walk, metrics ? walk_resource_metrics : walk_resource_logs);
  copy_rest(&walk, fields, 2);
  if (!ok(&walk) || walk.in.position != walk.in.end) return 0;
  *redactions = walk.redactions;
  return 1;
}
