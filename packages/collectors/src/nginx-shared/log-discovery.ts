// Options and checks shared by the log collectors for finding their files in nginx.conf, and the
// resource attributes that tie their records to the same nginx as the other nginx collectors.
import { type Attributes, joinPath, type Platform, type Problem, s } from '@wasmpipe/core';
import { DEFAULT_NGINX_CONFIG_PATH } from '../nginx-discovery/discover.ts';
import { resolveFrom } from './config.ts';
import { nginxInstanceId } from './instance.ts';

/** `discover`, `config_path` and `instance_id` of a log collector. */
export const logDiscoveryShape = {
  discover: s
    .boolean()
    .default(false)
    .describe('Find the log files in nginx.conf (config_path), access logs with their log_format.'),
  config_path: s
    .string({ nonEmpty: true })
    .default(DEFAULT_NGINX_CONFIG_PATH)
    .describe('The nginx.conf discovery reads.'),
  instance_id: s
    .string({ nonEmpty: true })
    .optional()
    .describe('The instance.id resource attribute; default a UUID derived from nginx.conf when discover is true.'),
};

interface LogDiscoveryConfig {
  include: string[];
  discover: boolean;
  config_path: string;
  instance_id?: string | undefined;
}

/** `include` is required unless `discover`; a discovered nginx.conf must be readable. */
export async function validateLogDiscovery(
  config: LogDiscoveryConfig,
  path: string,
  platform: Platform,
  configDirectory: string,
): Promise<Problem[]> {
  const problems: Problem[] = [];
  if (config.include.length === 0 && !config.discover) {
    problems.push({ path: joinPath(path, 'include'), message: 'is required unless discover is true' });
  }
  if (config.discover && !(await platform.isFile(resolveFrom(configDirectory, config.config_path)))) {
    problems.push({ path: joinPath(path, 'config_path'), message: `${config.config_path} is not a readable file` });
  }
  return problems;
}

/**
 * The resource attributes: `instance.id` (configured, or derived from nginx.conf's path as the
 * `nginx` collector derives it, so both agree) and `instance.type`; none when neither is known.
 */
export async function logResource(config: LogDiscoveryConfig, discoveredConfigPath?: string): Promise<Attributes> {
  const instanceId =
    config.instance_id ??
    (discoveredConfigPath === undefined ? undefined : await nginxInstanceId(discoveredConfigPath));
  return instanceId === undefined ? {} : { 'instance.id': instanceId, 'instance.type': 'nginx' };
}
