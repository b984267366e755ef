/**
 * The default `instance.id` of an nginx: a UUID derived from what identifies it (the absolute path
 * of its nginx.conf when discovered, else the scraped URL), so the collectors that read the same
 * nginx agree on it without configuration and it stays the same across restarts.
 */
export async function nginxInstanceId(identity: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`nginx:${identity}`)));
  // Shaped as a version 8 (custom) UUID, RFC 9562.
  digest[6] = ((digest[6] as number) & 0x0f) | 0x80;
  digest[8] = ((digest[8] as number) & 0x3f) | 0x80;
  const hex = Array.from(digest.subarray(0, 16), (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
