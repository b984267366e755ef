/*
 * The scanner: finds secrets inside a string and replaces each with the mask or its hash.
 * Detectors run only where a word starts, so a string costs about one check per word. Each
 * detector says how many bytes to keep (a "Bearer " or "api_key=" prefix) and where the secret ends.
 */
#include "redact.h"
#include "sha256.h"

static int is_digit(u8 c) { return c >= '0' && c <= '9'; }
static int is_hex(u8 c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
static int is_upper(u8 c) { return c >= 'A' && c <= 'Z'; }
static int is_lower(u8 c) { return c >= 'a' && c <= 'z'; }
static int is_alnum(u8 c) { return is_digit(c) || is_upper(c) || is_lower(c); }
static int is_word(u8 c) { return is_alnum(c) || c == '_'; }
static u8 lower(u8 c) { return is_upper(c) ? (u8)(c + 32) : c; }
static int is_space(u8 c) { return c == ' ' || c == '\t'; }
static int is_base64(u8 c) { return is_alnum(c) || c == '+' || c == '/' || c == '-' || c == '_'; }
static int is_token(u8 c) { return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/'; }
static int ends_query(u8 c) {
  return c == ' ' || c == '#' || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\t' || c == '\n' || c == '\r';
}
static int ends_value(u8 c) {
  return is_space(c) || c == '&' || c == ',' || c == ';' || c == '"' || c == '\'' || c == '}' || c == ')' ||
         c == ']' || c == '<' || c == '>' || c == '\n' || c == '\r';
}

static int starts_with_ignoring_case(const u8 *s, u32 n, u32 at, const u8 *word, u32 length) {
  if (n - at < length) return 0;
  for (u32 index = 0; index < length; index++)
    if (lower(s[at + index]) != lower(word[index])) return 0;
  return 1;
}

/* "Bearer <token>" and "Basic <credentials>": keeps the scheme, redacts what follows. */
static int match_scheme(const u8 *s, u32 n, u32 i, u32 *keep, u32 *end) {
  u32 j;
  if (starts_with_ignoring_case(s, n, i, (const u8 *)"bearer", 6)) j = i + 6;
  else if (starts_with_ignoring_case(s, n, i, (const u8 *)"basic", 5)) j = i + 5;
  else return 0;
  if (j >= n || !is_space(s[j])) return 0;
  while (j < n && is_space(s[j])) j++;
  u32 start = j;
  int digits = 0, uppers = 0, lowers = 0, symbols = 0;
  while (j < n && is_token(s[j])) {
    digits += is_digit(s[j]);
    uppers += is_upper(s[j]);
    lowers += is_lower(s[j]);
    symbols += !is_alnum(s[j]);
    j++;
  }
  while (j < n && s[j] == '=') j++, symbols++;
  /* A credential, not a word: long enough and not plain lowercase prose ("basic authentication"). */
  if (j - start < 8 || (j < n && is_word(s[j]))) return 0;
  if (!digits && !symbols && !(uppers && lowers)) return 0;
  *keep = start - i;
  *end = j;
  return 1;
}

/* "<secret key>=value", "<secret key>: value", "\"<secret key>\": \"value\"". */
static int match_key_value(const u8 *s, u32 n, u32 i, u32 *keep, u32 *end) {
  for (u32 key = 0; key < config.secret_keys.count; key++) {
    Text name = config.secret_keys.items[key];
    if (!starts_with_ignoring_case(s, n, i, name.bytes, name.length)) continue;
    u32 j = i + name.length;
    if (j < n && (s[j] == '"' || s[j] == '\'')) j++;
    while (j < n && is_space(s[j])) j++;
    if (j >= n || (s[j] != '=' && s[j] != ':')) continue;
    j++;
    while (j < n && is_space(s[j])) j++;
    u8 quote = j < n && (s[j] == '"' || s[j] == '\'') ? s[j] : 0;
    if (quote) j++;
    u32 start = j;
    if (starts_with_ignoring_case(s, n, start, (const u8 *)"bearer ", 7) ||
        starts_with_ignoring_case(s, n, start, (const u8 *)"basic ", 6))
      return 0; /* the scheme detector keeps the scheme and takes the credential */
    while (j < n && (quote ? s[j] != quote : !ends_value(s[j]))) j++;
    if (j == start) continue;
    *keep = start - i;
    *end = j;
    return 1;
  }
  return 0;
}

/* A JSON Web Token: three base64url parts starting with "eyJ" ('{"'). */
static int match_jwt(const u8 *s, u32 n, u32 i, u32 *keep, u32 *end) {
  if (!starts_with_ignoring_case(s, n, i, (const u8 *)"eyJ", 3) || s[i + 2] != 'J') return 0;
  u32 j = i, dots = 0;
  while (j < n && (is_alnum(s[j]) || s[j] == '-' || s[j] == '_' || s[j] == '.')) dots += s[j++] == '.';
  if (dots < 2 || j - i < 20) return 0;
  *keep = 0;
  *end = j;
  return 1;
}

static int match_ipv4_at(const u8 *s, u32 n, u32 i, u32 *end) {
  if (i > 0 && (s[i - 1] == '.' || is_digit(s[i - 1]))) return 0;
  u32 j = i;
  for (int octet = 0; octet < 4; octet++) {
    if (octet > 0) {
      if (j >= n || s[j] != '.') return 0;
      j++;
    }
    u32 value = 0, digits = 0;
    while (j < n && is_digit(s[j]) && digits < 4) value = value * 10 + (s[j++] - '0'), digits++;
    if (digits == 0 || digits > 3 || value > 255) return 0;
  }
  if (j < n && (is_word(s[j]) || (s[j] == '.' && j + 1 < n && is_digit(s[j + 1])))) return 0;
  *end = j;
  return 1;
}

static int match_ipv4(const u8 *s, u32 n, u32 i, u32 *keep, u32 *end) {
  *keep = 0;
  return match_ipv4_at(s, n, i, end);
}

/* Colon-separated hex groups with "::" or exactly eight groups; a last group may be an IPv4 address. */
static int match_ipv6(const u8 *s, u32 n, u32 i, u32 *keep, u32 *end) {
  if (i > 0 && s[i - 1] == ':') return 0;
  u32 j = i, colons = 0, group = 0, hex_digits = 0;
  int double_colon = 0;
  while (j < n) {
    if (s[j] == ':') {
      if (group > 4) return 0;
      if (j > i && s[j - 1] == ':') {
        if (double_colon) return 0;
        double_colon = 1;
      }
      colons++;
      group = 0;
      j++;
    } else if (is_hex(s[j])) {
      group++;
      hex_digits++;
      j++;
    } else break;
  }
  u32 last = j;
  if (j < n && s[j] == '.' && group > 0 && group <= 3) {
    u32 ipv4_end;
    if (!match_ipv4_at(s, n, j - group, &ipv4_end)) return 0;
    last = ipv4_end;
    group = 0;
  }
  if (group > 4 || colons < 2 || hex_digits == 0) return 0;
  if (!double_colon && colons != 7) return 0;
  if (last > i && s[last - 1] == ':' && !(last >= 2 && s[last - 2] == ':')) return 0;
  if (last < n && (is_word(s[last]) || s[last] == ':')) return 0;
  *keep = 0;
  *end = last;
  return 1;
}

static int match_hex(const u8 *s, u32 n, u32 i, u32 *keep, u32 *end) {
  u32 j = i;
  int digits = 0, letters = 0;
  while (j < n && is_hex(s[j])) digits += is_digit(s[j]), letters += !is_digit(s[j]), j++;
  if (j - i < config.min_hex_length || !digits || !letters || (j < n && is_word(s[j]))) return 0;
  *keep = 0;
  *end = j;
  return 1;
}

static int match_base64(const u8 *s, u32 n, u32 i, u32 *keep, u32 *end) {
  u32 j = i, stretch = 0, longest = 0;
  int digits = 0, uppers = 0, lowers = 0;
  while (j < n && is_base64(s[j])) {
    digits |= is_digit(s[j]);
    uppers |= is_upper(s[j]);
    lowers |= is_lower(s[j]);
    stretch = is_alnum(s[j]) ? stretch + 1 : 0;
    if (stretch > longest) longest = stretch;
    j++;
  }
  u32 length = j - i;
  while (j < n && j - i - length < 2 && s[j] == '=') j++;
  /* Random, not a path: mixed case and digits, and long runs without separators. */
  if (length < config.min_base64_length || !digits || !uppers || !lowers || longest < 16) return 0;
  if (j < n && is_word(s[j])) return 0;
  *keep = 0;
  *end = j;
  return 1;
}

typedef int (*Detector)(const u8 *, u32, u32, u32 *, u32 *);

static const struct {
  u32 pattern;
  Detector detect;
} DETECTORS[] = {
    {PATTERN_BEARER, match_scheme}, {PATTERN_KEY_VALUE, match_key_value}, {PATTERN_JWT, match_jwt},
    {PATTERN_IPV6, match_ipv6},     {PATTERN_IPV4, match_ipv4},           {PATTERN_HEX, match_hex},
    {PATTERN_BASE64, match_base64},
};

Text replacement_for(const u8 *bytes, u32 length) {
  if (!config.hash) return config.mask;
  static const char HEX[] = "0123456789abcdef";
  Sha256 hash;
  u8 digest[32];
  sha256_init(&hash);
  sha256_update(&hash, config.salt.bytes, config.salt.length);
  sha256_update(&hash, bytes, length);
  sha256_final(&hash, digest);
  u8 *text = arena_alloc(7 + 16);
  Text result = {text, 0};
  if (!text) return result;
  memcpy(text, "sha256:", 7);
  for (int index = 0; index < 8; index++) {
    text[7 + index * 2] = (u8)HEX[digest[index] >> 4];
    text[7 + index * 2 + 1] = (u8)HEX[digest[index] & 15];
  }
  result.length = 23;
  return result;
}

typedef struct {
  Text input;
  Buffer out;
  u32 copied;
  int changed;
} Rewrite;

static void replace(Rewrite *rewrite, u32 start, u32 end) {
  if (!rewrite->changed) {
    buffer_init(&rewrite->out, rewrite->input.length + 64);
    rewrite->changed = 1;
  }
  buffer_write(&rewrite->out, rewrite->input.bytes + rewrite->copied, start - rewrite->copied);
  Text replacement = replacement_for(rewrite->input.bytes + start, end - start);
  buffer_write(&rewrite->out, replacement.bytes, replacement.length);
  rewrite->copied = end;
}

Scanned scan_text(Text text, int query) {
  Rewrite rewrite = {text, {0, 0, 0, 0}, 0, 0};
  const u8 *s = text.bytes;
  u32 n = text.length;
  int in_query = query;
  u32 i = 0;
  while (i < n) {
    u8 c = s[i];
    if (in_query) {
      if (ends_query(c)) in_query = 0;
      else if (c == '=') {
        u32 end = i + 1;
        while (end < n && s[end] != '&' && !ends_query(s[end])) end++;
        if (end > i + 1) replace(&rewrite, i + 1, end);
        i = end;
        continue;
      }
      i++;
      continue;
    }
    if (c == '?' && (config.patterns & PATTERN_QUERY)) {
      in_query = 1;
      i++;
      continue;
    }
    if (i == 0 || !is_word(s[i - 1])) {
      u32 keep = 0, end = 0;
      int found = 0;
      for (u32 index = 0; index < sizeof(DETECTORS) / sizeof(DETECTORS[0]) && !found; index++)
        if (config.patterns & DETECTORS[index].pattern) found = DETECTORS[index].detect(s, n, i, &keep, &end);
      if (found && end > i + keep) {
        replace(&rewrite, i + keep, end);
        i = end;
        continue;
      }
    }
    i++;
  }
  Scanned result = {text, rewrite.changed};
  if (rewrite.changed) {
    buffer_write(&rewrite.out, s + rewrite.copied, n - rewrite.copied);
    result.text.bytes = rewrite.out.data;
    result.text.length = (u32)rewrite.out.length;
  }
  return result;
}
