/** TCP states as the kernel numbers them (include/net/tcp_states.h), named as gopsutil and contrib do. */
export const TCP_STATES: Readonly<Record<string, string>> = {
  '01': 'ESTABLISHED',
  '02': 'SYN_SENT',
  '03': 'SYN_RECV',
  '04': 'FIN_WAIT1',
  '05': 'FIN_WAIT2',
  '06': 'TIME_WAIT',
  '07': 'CLOSE',
  '08': 'CLOSE_WAIT',
  '09': 'LAST_ACK',
  '0A': 'LISTEN',
  '0B': 'CLOSING',
};

/**
 * Counts the sockets of `/proc/net/tcp` or `/proc/net/tcp6` by state, adding to `counts`. The
 * state is the fourth column (`st`, two hex digits). A state the table above lacks (12,
 * NEW_SYN_RECV, only ever in the kernel's request sockets) is counted under its hex code.
 * Written as a scan rather than a split per line: a busy server lists a hundred thousand sockets.
 */
export function countTcpStates(text: string, counts: Map<string, number>): Map<string, number> {
  let position = text.indexOf('\n') + 1; // the header line
  while (position > 0 && position < text.length) {
    const end = text.indexOf('\n', position);
    const lineEnd = end < 0 ? text.length : end;
    // Skip three fields ("sl:", local, remote) to reach the state.
    let cursor = position;
    for (let field = 0; field < 3; field++) {
      while (cursor < lineEnd && text.charCodeAt(cursor) === 32) cursor++;
      while (cursor < lineEnd && text.charCodeAt(cursor) !== 32) cursor++;
    }
    while (cursor < lineEnd && text.charCodeAt(cursor) === 32) cursor++;
    if (cursor < lineEnd) {
      const code = text.slice(cursor, cursor + 2).toUpperCase();
      if (!/^[0-9A-F]{2}$/.test(code)) throw new Error(`Unexpected TCP state "${code}" in /proc/net/tcp.`);
      const state = TCP_STATES[code] ?? code;
      counts.set(state, (counts.get(state) ?? 0) + 1);
    }
    position = end < 0 ? text.length : end + 1;
  }
  return counts;
}
