// The public entry of @wasmpipe/collectors: component definitions and the pure parsers behind them.
// Importing this module registers nothing; add the definitions to a core Registry.

export { parseCgroupV2Path, parseCpuMax, parseMemoryMax } from './host-metrics/cgroup.ts';
export { HOST_METRICS_SCOPE_NAME } from './host-metrics/collector.ts';
export type { HostMetricsConfig } from './host-metrics/config.ts';
export { hostMetricsCollector } from './host-metrics/factory.ts';
export type { FileSystemStats, HostFiles } from './host-metrics/host-files.ts';
export { createHostFiles } from './host-metrics/host-files.ts';
export type { CpuState, CpuStateValues } from './host-metrics/scrapers/cpu/cpu-states.ts';
export { CPU_STATES, secondsByState, utilizationByState } from './host-metrics/scrapers/cpu/cpu-states.ts';
export type { CpuTicks, ProcStat } from './host-metrics/scrapers/cpu/parse-proc-stat.ts';
export { parseProcStat, totalTicks, USER_HZ } from './host-metrics/scrapers/cpu/parse-proc-stat.ts';
export type { DiskStats } from './host-metrics/scrapers/disk/parse-diskstats.ts';
export { parseDiskstats } from './host-metrics/scrapers/disk/parse-diskstats.ts';
export type { Mount } from './host-metrics/scrapers/filesystem/parse-mountinfo.ts';
export { parseMountinfo } from './host-metrics/scrapers/filesystem/parse-mountinfo.ts';
export type { Loadavg } from './host-metrics/scrapers/load/parse-loadavg.ts';
export { parseLoadavg } from './host-metrics/scrapers/load/parse-loadavg.ts';
export type { MemoryUsage, UsedCalculation } from './host-metrics/scrapers/memory/memory-usage.ts';
export { computeMemoryUsage } from './host-metrics/scrapers/memory/memory-usage.ts';
export type { Meminfo } from './host-metrics/scrapers/memory/parse-meminfo.ts';
export { parseMeminfo } from './host-metrics/scrapers/memory/parse-meminfo.ts';
export type { InterfaceCounters } from './host-metrics/scrapers/network/parse-net-dev.ts';
export { parseNetDev } from './host-metrics/scrapers/network/parse-net-dev.ts';
export { countTcpStates } from './host-metrics/scrapers/network/parse-net-tcp.ts';
export type { SwapArea } from './host-metrics/scrapers/paging/parse-swaps.ts';
export { parseSwaps } from './host-metrics/scrapers/paging/parse-swaps.ts';
export { parseVmstat } from './host-metrics/scrapers/paging/parse-vmstat.ts';
export type { Uptime } from './host-metrics/scrapers/system/parse-uptime.ts';
export { parseUptime } from './host-metrics/scrapers/system/parse-uptime.ts';
export { toSemanticConventions } from './host-metrics/semconv.ts';
export { NGINX_SCOPE_NAME } from './nginx/collector.ts';
export type { NginxConfig } from './nginx/config.ts';
export { nginxCollector } from './nginx/factory.ts';
export type { StubStatus } from './nginx/parse-stub-status.ts';
export { parseStubStatus, StubStatusParseError } from './nginx/parse-stub-status.ts';
export type {
  DiscoveredAccessLog,
  DiscoveredEndpoint,
  DiscoveredErrorLog,
  DiscoveredLogFormat,
  DiscoverOptions,
  NginxDiscovery,
} from './nginx-discovery/discover.ts';
export { COMBINED_LOG_FORMAT, DEFAULT_NGINX_CONFIG_PATH, discoverNginx } from './nginx-discovery/discover.ts';
export type { ConfigFileSystem, Directive, ParsedConfig } from './nginx-discovery/parse-config.ts';
export { parseNginxConfig } from './nginx-discovery/parse-config.ts';
export { NginxConfigSyntaxError } from './nginx-discovery/tokenize.ts';
export { NGINX_PLUS_SCOPE_NAME } from './nginx-plus/collector.ts';
export type { NginxPlusConfig } from './nginx-plus/config.ts';
export { nginxPlusCollector } from './nginx-plus/factory.ts';
export { nginxInstanceId } from './nginx-shared/instance.ts';
export type { OtlpReceiverConfig } from './otlp/config.ts';
export { otlpReceiver } from './otlp/factory.ts';
export { OtlpReceiver } from './otlp/receiver.ts';
export { PROCESS_SCOPE_NAME } from './process/collector.ts';
export type { ProcessCollectorConfig } from './process/config.ts';
export { processCollector } from './process/factory.ts';
export { parseCmdline } from './process/procfs/parse-cmdline.ts';
export type { PidIo } from './process/procfs/parse-pid-io.ts';
export { parsePidIo } from './process/procfs/parse-pid-io.ts';
export type { PidStat } from './process/procfs/parse-pid-stat.ts';
export { parsePidStat } from './process/procfs/parse-pid-stat.ts';
export type { PidStatus } from './process/procfs/parse-pid-status.ts';
export { parsePidStatus } from './process/procfs/parse-pid-status.ts';
export type { Detector } from './resource-detection/detect.ts';
export { detectResource, parseResourceAttributes } from './resource-detection/detect.ts';
export { resourceDetectionProcessor } from './resource-detection/processor.ts';
export { PACKAGE_VERSION } from './version.ts';
