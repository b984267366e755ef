// `naming: semconv`: the scrapers produce the contrib hostmetrics names; this table turns them into
// the OpenTelemetry semantic conventions v1.44 names, units and attributes (model/system,
// model/process, model/cpu of open-telemetry/semantic-conventions at tag v1.44.0). Metrics the
// conventions do not define (load averages, disk pending operations and weighted I/O time,
// filesystem inodes, conntrack) keep their names; their attributes are renamed all the same.
import type { AnyValue, Attributes, Metric, NumberDataPoint } from '@wasmpipe/core';

/** How one attribute is renamed, and optionally how its values change. */
interface AttributeRule {
  key: string;
  values?: Readonly<Record<string, string>>;
  /** Turns the value into another type (the `cpu` name `cpu3` into the number 3). */
  convert?: (value: AnyValue) => AnyValue;
}

interface MetricRule {
  name?: string;
  unit?: string;
  attributes?: Readonly<Record<string, AttributeRule>>;
}

const cpuNumber: AttributeRule = {
  key: 'cpu.logical_number',
  convert: (value) => (typeof value === 'string' && /^cpu\d+$/.test(value) ? Number(value.slice(3)) : value),
};
const cpuMode: AttributeRule = { key: 'cpu.mode', values: { wait: 'iowait' } };
const systemDevice: AttributeRule = { key: 'system.device' };
const interfaceName: AttributeRule = { key: 'network.interface.name' };
const networkDirection: AttributeRule = { key: 'network.io.direction' };
const diskDirection: AttributeRule = { key: 'disk.io.direction' };
const memoryState: AttributeRule = { key: 'system.memory.state', values: { buffered: 'buffers' } };
const filesystem = {
  device: systemDevice,
  state: { key: 'system.filesystem.state' },
  type: { key: 'system.filesystem.type' },
  mode: { key: 'system.filesystem.mode' },
  mountpoint: { key: 'system.filesystem.mountpoint' },
};
const faultType: AttributeRule = { key: 'system.paging.fault.type' };
const network = { device: interfaceName, direction: networkDirection };
const disk = { device: systemDevice, direction: diskDirection };

const RULES: Readonly<Record<string, MetricRule>> = {
  'system.cpu.time': { attributes: { cpu: cpuNumber, state: cpuMode } },
  'system.cpu.utilization': { attributes: { cpu: cpuNumber, state: cpuMode } },
  'system.cpu.frequency': { attributes: { cpu: cpuNumber } },
  'system.memory.usage': { attributes: { state: memoryState } },
  'system.memory.utilization': { attributes: { state: memoryState } },
  'system.linux.memory.available': { name: 'system.memory.linux.available' },
  'system.disk.io': { attributes: disk },
  'system.disk.operations': { unit: '{operation}', attributes: disk },
  'system.disk.io_time': { attributes: disk },
  'system.disk.operation_time': { attributes: disk },
  'system.disk.merged': { unit: '{operation}', attributes: disk },
  'system.disk.weighted_io_time': { attributes: disk },
  'system.disk.pending_operations': { unit: '{operation}', attributes: disk },
  'system.filesystem.usage': { attributes: filesystem },
  'system.filesystem.utilization': { attributes: filesystem },
  'system.filesystem.inodes.usage': { unit: '{inode}', attributes: filesystem },
  'system.network.io': { attributes: network },
  'system.network.errors': { unit: '{error}', attributes: network },
  'system.network.dropped': { name: 'system.network.packet.dropped', unit: '{packet}', attributes: network },
  // v1.44 gives this one `system.device` where its siblings have `network.interface.name`.
  'system.network.packets': {
    name: 'system.network.packet.count',
    unit: '{packet}',
    attributes: { device: systemDevice, direction: networkDirection },
  },
  'system.network.connections': {
    name: 'system.network.connection.count',
    unit: '{connection}',
    attributes: {
      protocol: { key: 'network.transport' },
      state: {
        key: 'network.connection.state',
        values: {
          ESTABLISHED: 'established',
          SYN_SENT: 'syn_sent',
          SYN_RECV: 'syn_received',
          FIN_WAIT1: 'fin_wait_1',
          FIN_WAIT2: 'fin_wait_2',
          TIME_WAIT: 'time_wait',
          CLOSE: 'closed',
          CLOSE_WAIT: 'close_wait',
          LAST_ACK: 'last_ack',
          LISTEN: 'listen',
          CLOSING: 'closing',
        },
      },
    },
  },
  'system.network.conntrack.count': { unit: '{entry}' },
  'system.network.conntrack.max': { unit: '{entry}' },
  'system.paging.usage': { attributes: { device: systemDevice, state: { key: 'system.paging.state' } } },
  'system.paging.utilization': { attributes: { device: systemDevice, state: { key: 'system.paging.state' } } },
  'system.paging.faults': { unit: '{fault}', attributes: { type: faultType } },
  'system.paging.operations': {
    unit: '{operation}',
    attributes: {
      type: faultType,
      direction: { key: 'system.paging.direction', values: { page_in: 'in', page_out: 'out' } },
    },
  },
  'system.processes.count': {
    name: 'system.process.count',
    unit: '{process}',
    attributes: { status: { key: 'process.state', values: { zombies: 'defunct' } } },
  },
  'system.processes.created': { name: 'system.process.created', unit: '{process}' },
  'process.cpu.time': { attributes: { state: cpuMode } },
  'process.cpu.utilization': { attributes: { state: cpuMode } },
  'process.disk.io': { attributes: { direction: diskDirection } },
  'process.disk.operations': { unit: '{operation}', attributes: { direction: diskDirection } },
  'process.threads': { name: 'process.thread.count', unit: '{thread}' },
  'process.open_file_descriptors': { name: 'process.unix.file_descriptor.count', unit: '{file_descriptor}' },
  'process.context_switches': {
    unit: '{context_switch}',
    attributes: { type: { key: 'process.context_switch.type' } },
  },
  'process.paging.faults': { unit: '{fault}', attributes: { type: faultType } },
};

/** The states of `system.memory.usage` that v1.44 moves to `system.memory.linux.slab.usage`. */
const SLAB_STATES: Readonly<Record<string, string>> = {
  slab_reclaimable: 'reclaimable',
  slab_unreclaimable: 'unreclaimable',
};

/**
 * Renames metrics, units and attributes to the semantic conventions v1.44. Returns new metric
 * objects and leaves the input untouched. The slab states of memory usage become their own
 * metric, `system.memory.linux.slab.usage`, as v1.44 defines it.
 */
export function toSemanticConventions(metrics: readonly Metric[]): Metric[] {
  const result: Metric[] = [];
  for (const metric of metrics) {
    if (metric.name === 'system.memory.usage' || metric.name === 'system.memory.utilization') {
      result.push(...splitSlab(metric));
      continue;
    }
    result.push(renameMetric(metric));
  }
  return result;
}

function renameMetric(metric: Metric): Metric {
  const rule = RULES[metric.name];
  if (!rule) return metric;
  const points = (metric.data.dataPoints as NumberDataPoint[]).map((point) => ({
    ...point,
    attributes: renameAttributes(point.attributes, rule.attributes),
  }));
  return {
    ...metric,
    name: rule.name ?? metric.name,
    unit: rule.unit ?? metric.unit,
    data: { ...metric.data, dataPoints: points } as Metric['data'],
  };
}

function renameAttributes(attributes: Attributes, rules: MetricRule['attributes']): Attributes {
  if (!rules) return attributes;
  const renamed: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    const rule = rules[key];
    if (!rule) {
      renamed[key] = value;
      continue;
    }
    const mapped = typeof value === 'string' ? (rule.values?.[value] ?? value) : value;
    renamed[rule.key] = rule.convert ? rule.convert(mapped) : mapped;
  }
  return renamed;
}

function splitSlab(metric: Metric): Metric[] {
  const points = metric.data.dataPoints as NumberDataPoint[];
  const isSlab = (point: NumberDataPoint) => String(point.attributes['state']) in SLAB_STATES;
  const data = { ...metric.data, dataPoints: points.filter((point) => !isSlab(point)) } as Metric['data'];
  const memory = renameMetric({ ...metric, data });
  const slabPoints = points.filter(isSlab);
  if (slabPoints.length === 0 || metric.name !== 'system.memory.usage') return [memory];
  const slab: Metric = {
    ...metric,
    name: 'system.memory.linux.slab.usage',
    description: 'Bytes of the kernel slab allocator, reclaimable or not.',
    data: {
      ...metric.data,
      dataPoints: slabPoints.map((point) => ({
        ...point,
        attributes: { 'system.memory.linux.slab.state': SLAB_STATES[String(point.attributes['state'])] as string },
      })),
    } as Metric['data'],
  };
  return [memory, slab];
}
