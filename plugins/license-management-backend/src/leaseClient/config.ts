import type { Config } from '@backstage/config';
import type { LicenseCatalog } from '@backstage-licensing/plugin-license-management-common';
import { durationMs } from '../sharing/config';
import type { ServerSetting } from './LeaseClientStore';

/** `licenseManagement.server`: this portal as a client site of a license server (PRODUCT.md §2.6). */
export interface LeaseClientSettings {
  /** The server and terms in config; undefined without `licenseManagement.server`. */
  config?: ServerSetting;
  /** How often the lease is renewed (and, while disconnected, retried). */
  renewIntervalMs: number;
  /** How long the last lease holds after the last successful renewal. */
  graceMs: number;
}

export const DEFAULT_RENEW_INTERVAL_MS = 20_000;
export const DEFAULT_GRACE_MS = 24 * 3_600_000;
const MIN_RENEW_INTERVAL_MS = 1000;
const MAX_RENEW_INTERVAL_MS = 3_600_000;
const MAX_GRACE_MS = 365 * 86_400_000;

/**
 * The problem with a server setting (config or `PUT /server`), in words that
 * say what to do; undefined when it is good. `where` names the place.
 */
export function serverSettingProblem(s: ServerSetting, catalog: LicenseCatalog, where: string): string | undefined {
  let url: URL;
  try {
    url = new URL(s.url);
  } catch {
    return `${where}.url must be the license server portal's backend base URL, such as http://licenses.example.com:7007; it is '${s.url}'.`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `${where}.url must be an http or https URL, such as http://licenses.example.com:7007; it is '${s.url}'.`;
  }
  if (url.username || url.password || url.search || url.hash) {
    return `${where}.url must be a plain base URL without user, password, query or fragment; put the site credential in ${where}.credential.`;
  }
  if (!s.credential || s.credential.length > 1024 || /\s/.test(s.credential)) {
    return `${where}.credential must be the client site credential the license server's admin gave (license-ctl sharing add-site NAME on the server).`;
  }
  const unknownModules = s.modules.filter(m => !catalog.moduleIds.includes(m));
  if (unknownModules.length) {
    return `${where}.modules: ${unknownModules.map(m => `'${m}'`).join(', ')} ${unknownModules.length === 1 ? 'is not a module' : 'are not modules'} of the catalog; modules are ${catalog.moduleIds.join(', ')}.`;
  }
  for (const [metric, n] of Object.entries(s.quota)) {
    if (!catalog.isMetric(metric)) {
      return `${where}.quota: '${metric}' is not a quota metric of the catalog; metrics are ${catalog.metricIds.join(', ')}.`;
    }
    if (!Number.isSafeInteger(n) || n < 0) return `${where}.quota.${metric} must be an integer of 0 or more; it is ${n}.`;
  }
  return undefined;
}

/** A base URL without trailing slashes. */
export const baseUrlOf = (url: string) => url.replace(/\/+$/, '');

/**
 * Reads `licenseManagement.server`. Throws an Error that names the key and
 * what it accepts.
 */
export function readLeaseClientSettings(config: Config, catalog: LicenseCatalog): LeaseClientSettings {
  const server = config.getOptionalConfig('licenseManagement.server');
  if (!server) return { renewIntervalMs: DEFAULT_RENEW_INTERVAL_MS, graceMs: DEFAULT_GRACE_MS };
  const where = 'licenseManagement.server';
  const text = (key: string) => {
    try {
      return server.getString(key);
    } catch {
      throw new Error(`${where}.${key} is required: ${key === 'url' ? "the license server portal's backend base URL, such as http://licenses.example.com:7007" : 'the client site credential the license server gave'}.`);
    }
  };
  const timing = readTiming(server, where);
  // Only the timing: the site connects at runtime (PUT /server), with these intervals.
  if (!server.has('url') && !server.has('credential')) return timing;
  let modules: string[];
  try {
    modules = server.getOptionalStringArray('modules') ?? [];
  } catch {
    throw new Error(`${where}.modules must be a list of module ids, such as [vmware, gpu].`);
  }
  const quotaConfig = server.getOptional('quota') ?? {};
  if (typeof quotaConfig !== 'object' || Array.isArray(quotaConfig)) {
    throw new Error(`${where}.quota must map metrics to amounts, such as { hosts: 5 }.`);
  }
  const quota = quotaConfig as Record<string, number>;
  const setting: ServerSetting = { url: baseUrlOf(text('url')), credential: text('credential'), modules, quota };
  const problem = serverSettingProblem(setting, catalog, where);
  if (problem) throw new Error(problem);
  return { config: setting, ...timing };
}

function readTiming(server: Config, where: string): LeaseClientSettings {
  const renewIntervalMs = server.has('renewInterval')
    ? durationMs(server, 'renewInterval', `${where}.renewInterval`)
    : DEFAULT_RENEW_INTERVAL_MS;
  if (!Number.isFinite(renewIntervalMs) || renewIntervalMs < MIN_RENEW_INTERVAL_MS || renewIntervalMs > MAX_RENEW_INTERVAL_MS) {
    throw new Error(`${where}.renewInterval must be a duration from 1 second to 1 hour, such as { seconds: 20 }; it is ${renewIntervalMs} ms.`);
  }
  const graceMs = server.has('grace') ? durationMs(server, 'grace', `${where}.grace`) : DEFAULT_GRACE_MS;
  if (!Number.isFinite(graceMs) || graceMs < renewIntervalMs || graceMs > MAX_GRACE_MS) {
    throw new Error(`${where}.grace must be a duration from renewInterval (${renewIntervalMs / 1000} s) to 365 days, such as { hours: 24 }; it is ${graceMs} ms.`);
  }
  return { renewIntervalMs, graceMs };
}
