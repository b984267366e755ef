/* The redact plugin's config and its string scanner. */
#ifndef REDACT_REDACT_H
#define REDACT_REDACT_H

#include "guest.h"

/* The detectors the scanner runs inside string values, as bits of Config.patterns. */
enum {
  PATTERN_IPV4 = 1 << 0,
  PATTERN_IPV6 = 1 << 1,
  PATTERN_QUERY = 1 << 2,
  PATTERN_BEARER = 1 << 3,
  PATTERN_KEY_VALUE = 1 << 4,
  PATTERN_JWT = 1 << 5,
  PATTERN_HEX = 1 << 6,
  PATTERN_BASE64 = 1 << 7,
};

typedef struct {
  const u8 *bytes;
  u32 length;
} Text;

typedef struct {
  Text *items;
  u32 count;
} TextList;

typedef struct {
  int hash;          /* 0: mask, 1: hash */
  Text mask;         /* the replacement in mask mode */
  Text salt;         /* prepended to every value before hashing */
  TextList attributes;       /* keys whose whole value is redacted */
  TextList query_attributes; /* keys whose value is a query string (a=1&b=2): every value is redacted */
  TextList secret_keys;      /* names whose value is redacted in "name=value" or "name: value" */
  u32 patterns;
  u32 min_hex_length;
  u32 min_base64_length;
} Config;

extern Config config;

/* Parses the msgpack config (nil or empty for defaults) into `config`; returns an error message or 0. */
const char *configure_from(const u8 *payload, size_t length);

/* Where the scanner writes its result: set when the text changed. */
typedef struct {
  Text text;
  int changed;
} Scanned;

/* Redacts everything the enabled patterns find inside `text`; `query` treats it as a query string. */
Scanned scan_text(Text text, int query);
/* The replacement of a whole value: the mask, or the hash of `bytes`. */
Text replacement_for(const u8 *bytes, u32 length);

#endif
