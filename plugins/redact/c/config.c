/* The plugin's config: defaults, and the msgpack map from YAML checked option by option. */
#include "msgpack.h"
#include "redact.h"

Config config;

static const char *DEFAULT_ATTRIBUTES[] = {
    "client.address", "source.address", "network.peer.address", "http.request.header.authorization",
    "http.request.header.cookie", 0,
};
static const char *DEFAULT_QUERY_ATTRIBUTES[] = {"url.query", 0};
static const char *DEFAULT_SECRET_KEYS[] = {
    "api_key", "api-key", "apikey", "access_token", "refresh_token", "id_token", "token", "client_secret",
    "secret", "password", "passwd", "pwd", "authorization", "sessionid", "signature", 0,
};

static const struct {
  const char *name;
  u32 bit;
} PATTERNS[] = {
    {"ipv4", PATTERN_IPV4},       {"ipv6", PATTERN_IPV6}, {"query", PATTERN_QUERY}, {"bearer", PATTERN_BEARER},
    {"key_value", PATTERN_KEY_VALUE}, {"jwt", PATTERN_JWT},   {"hex", PATTERN_HEX},     {"base64", PATTERN_BASE64},
};
#define PATTERN_COUNT (sizeof(PATTERNS) / sizeof(PATTERNS[0]))

static Text text_of(const char *value) {
  Text text = {(const u8 *)value, (u32)cstring_length(value)};
  return text;
}

static TextList defaults(const char **values) {
  TextList list = {0, 0};
  while (values[list.count]) list.count++;
  list.items = arena_alloc(sizeof(Text) * list.count);
  for (u32 index = 0; index < list.count && list.items; index++) list.items[index] = text_of(values[index]);
  return list;
}

/* Error messages are built in a static buffer: at most one is alive at a time. */
static char message[256];

static const char *problem(const char *first, const u8 *name, u32 name_length, const char *last) {
  u32 at = 0;
  for (const char *part = first; *part && at < 120; part++) message[at++] = *part;
  for (u32 index = 0; index < name_length && at < 180; index++) message[at++] = (char)name[index];
  for (const char *part = last; *part && at < 254; part++) message[at++] = *part;
  message[at] = 0;
  return message;
}

static int key_is(const u8 *key, u32 length, const char *name) {
  return bytes_equal(key, length, (const u8 *)name, (u32)cstring_length(name));
}

/* Copies a string out of the payload: the payload's memory is reused by the next call. */
static Text copy_text(const u8 *bytes, u32 length) {
  u8 *copy = arena_alloc(length ? length : 1);
  if (copy) memcpy(copy, bytes, length);
  Text text = {copy, length};
  return text;
}

static const char *read_text(Reader *reader, const u8 *key, u32 key_length, Text *into) {
  const u8 *bytes;
  u32 length;
  if (!mp_read_str(reader, &bytes, &length)) return problem("Option \"", key, key_length, "\" must be a string.");
  *into = copy_text(bytes, length);
  return 0;
}

static const char *read_list(Reader *reader, const u8 *key, u32 key_length, TextList *into) {
  if (mp_read_nil(reader)) {
    into->count = 0;
    return 0;
  }
  u32 count = mp_read_array(reader);
  if (reader->failed) return problem("Option \"", key, key_length, "\" must be a list of strings.");
  TextList list = {arena_alloc(sizeof(Text) * (count ? count : 1)), count};
  for (u32 index = 0; index < count; index++) {
    const u8 *bytes;
    u32 length;
    if (!mp_read_str(reader, &bytes, &length) || length == 0)
      return problem("Option \"", key, key_length, "\" must be a list of non-empty strings.");
    list.items[index] = copy_text(bytes, length);
  }
  *into = list;
  return 0;
}

static const char *read_count(Reader *reader, const u8 *key, u32 key_length, u32 minimum, u32 *into) {
  u64 value;
  if (!mp_read_uint(reader, &value) || value < minimum || value > 1u << 20)
    return problem("Option \"", key, key_length, "\" must be a whole number of at least 8.");
  *into = (u32)value;
  return 0;
}

static const char *read_patterns(Reader *reader, const u8 *key, u32 key_length, u32 *into) {
  u32 count = mp_read_array(reader);
  if (reader->failed) return problem("Option \"", key, key_length, "\" must be a list of pattern names.");
  u32 patterns = 0;
  for (u32 index = 0; index < count; index++) {
    const u8 *bytes;
    u32 length;
    if (!mp_read_str(reader, &bytes, &length)) return "Option \"patterns\" must be a list of pattern names.";
    u32 bit = 0;
    for (u32 known = 0; known < PATTERN_COUNT; known++)
      if (key_is(bytes, length, PATTERNS[known].name)) bit = PATTERNS[known].bit;
    if (!bit)
      return problem("Unknown pattern \"", bytes, length,
                     "\"; known patterns: ipv4, ipv6, query, bearer, key_value, jwt, hex, base64.");
    patterns |= bit;
  }
  *into = patterns;
  return 0;
}

const char *configure_from(const u8 *payload, size_t length) {
  Config next;
  next.hash = 0;
  next.mask = text_of("[REDACTED]");
  next.salt = text_of("");
  next.attributes = defaults(DEFAULT_ATTRIBUTES);
  next.query_attributes = defaults(DEFAULT_QUERY_ATTRIBUTES);
  next.secret_keys = defaults(DEFAULT_SECRET_KEYS);
  next.patterns = 0;
  for (u32 known = 0; known < PATTERN_COUNT; known++) next.patterns |= PATTERNS[known].bit;
  next.min_hex_length = 32;
  next.min_base64_length = 40;

  Reader reader = reader_over(payload, length);
  if (length > 0 && !mp_read_nil(&reader)) {
    u32 entries = mp_read_map(&reader);
    if (reader.failed) return "The redact config must be a map of options.";
    for (u32 entry = 0; entry < entries; entry++) {
      const u8 *key;
      u32 key_length;
      if (!mp_read_str(&reader, &key, &key_length)) return "The redact config's option names must be strings.";
      const char *error = 0;
      if (key_is(key, key_length, "mode")) {
        Text mode;
        error = read_text(&reader, key, key_length, &mode);
        if (!error && key_is(mode.bytes, mode.length, "hash")) next.hash = 1;
        else if (!error && !key_is(mode.bytes, mode.length, "mask"))
          error = problem("Option \"mode\" must be \"mask\" or \"hash\"; got \"", mode.bytes, mode.length, "\".");
      } else if (key_is(key, key_length, "mask")) error = read_text(&reader, key, key_length, &next.mask);
      else if (key_is(key, key_length, "salt")) error = read_text(&reader, key, key_length, &next.salt);
      else if (key_is(key, key_length, "attributes")) error = read_list(&reader, key, key_length, &next.attributes);
      else if (key_is(key, key_length, "query_attributes"))
        error = read_list(&reader, key, key_length, &next.query_attributes);
      else if (key_is(key, key_length, "secret_keys")) error = read_list(&reader, key, key_length, &next.secret_keys);
      else if (key_is(key, key_length, "patterns")) error = read_patterns(&reader, key, key_length, &next.patterns);
      else if (key_is(key, key_length, "min_hex_length"))
        error = read_count(&reader, key, key_length, 8, &next.min_hex_length);
      else if (key_is(key, key_length, "min_base64_length"))
        error = read_count(&reader, key, key_length, 8, &next.min_base64_length);
      else
        error = problem("Unknown option \"", key, key_length,
                        "\"; known options: mode, mask, salt, attributes, query_attributes, secret_keys, patterns, "
                        "min_hex_length, min_base64_length.");
      if (error) return error;
    }
  }
  if (reader.failed || reader.position != reader.end) return "The redact config is not valid msgpack.";
  config = next;
  return 0;
}
