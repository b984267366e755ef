import type { Platform } from '../platform/types.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { SendingQueueConfig } from './delivery-config.ts';
import { FileStorage } from './file-queue/file-storage.ts';
import { MemoryStorage } from './memory-storage.ts';
import type { QueueStorage } from './queue-storage.ts';

/** The storage a sending queue config asks for; a file queue gets `<directory>/<exporter id>`. */
export function createQueueStorage(
  exporterId: string,
  settings: SendingQueueConfig,
  platform: Platform | undefined,
  logger: Logger,
): QueueStorage {
  if (settings.storage === 'memory') return new MemoryStorage();
  const files = platform?.files;
  if (!files) throw new Error(`Exporter ${exporterId}: storage: file needs a platform with file access.`);
  if (!settings.directory) throw new Error(`Exporter ${exporterId}: storage: file needs a directory.`);
  return new FileStorage({
    files,
    directory: `${settings.directory.replace(/\/+$/, '')}/${queueDirectoryName(exporterId)}`,
    logger,
    fsync: settings.fsync,
  });
}

/** `otlp_http/vendor` → `otlp_http-vendor`: a type has no `-`, so this never collides. */
export function queueDirectoryName(exporterId: string): string {
  return exporterId.replace('/', '-');
}
