/** The counters of one network interface from `/proc/net/dev`. */
export interface InterfaceCounters {
  interface: string;
  receiveBytes: number;
  receivePackets: number;
  receiveErrors: number;
  receiveDropped: number;
  transmitBytes: number;
  transmitPackets: number;
  transmitErrors: number;
  transmitDropped: number;
}

/**
 * Parses `/proc/net/dev`: two header lines, then `name: 8 receive counters 8 transmit counters`.
 * Names may hold dots (VLANs such as `eth0.100`), dashes and `@`-less bridge names; the colon is
 * the first one on the line (the kernel forbids it in names), and a large counter may follow it
 * without a space.
 */
export function parseNetDev(text: string): InterfaceCounters[] {
  const interfaces: InterfaceCounters[] = [];
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0 || line.includes('|')) continue;
    const name = line.slice(0, colon).trim();
    const fields = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    if (name === '' || fields.length < 16 || fields.some((field) => !/^\d+$/.test(field))) {
      throw new Error(`Unexpected line in /proc/net/dev: "${line.trim()}".`);
    }
    const value = (index: number) => Number(fields[index]);
    interfaces.push({
      interface: name,
      receiveBytes: value(0),
      receivePackets: value(1),
      receiveErrors: value(2),
      receiveDropped: value(3),
      transmitBytes: value(8),
      transmitPackets: value(9),
      transmitErrors: value(10),
      transmitDropped: value(11),
    });
  }
  return interfaces;
}
