/**
 * The whole portal as `npm start` runs it — `backstage-cli repo start`, the
 * frontend dev server and the backend — on free ports, with a fresh SQLite
 * directory and the test's own vendor key.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT } from '../support/licenseCtl';
import { portalConfigYaml } from '../support/portalConfig';
import { ProcessGroup, freePort, sleep, waitForUrl } from '../support/processGroup';

const BACKEND_BOOT_MS = 180_000;
const FRONTEND_BOOT_MS = 300_000;
const RESTART_NOTICE = 'Change detected, restarting';

export interface Portal {
  appUrl: string;
  backendUrl: string;
  /**
   * Waits out restarts of the backend by the development file watcher (a
   * source file changed under it), if any happened since the last call.
   */
  settle(): Promise<void>;
  /** How often the backend restarted since it first came up. */
  restarts(): number;
  log(lines?: number): string;
  stop(): Promise<void>;
}

export async function startPortal(options: {
  workDir: string;
  vendorKey: { kid: string; publicKeyFile: string };
  /**
   * More config on top (e.g. `{ licenseManagement: { catalog } }`), as a
   * config layer of its own: objects merge, arrays and values replace.
   */
  extraConfig?: object;
}): Promise<Portal> {
  const [backendPort, appPort] = [await freePort(), await freePort()];
  const host = 'localhost';
  const dbDir = join(options.workDir, 'db');
  await mkdir(dbDir, { recursive: true });
  const extra = join(options.workDir, 'portal.yaml');
  await writeFile(extra, portalConfigYaml({ backendPort, appPort, host, dbDir, vendorKey: options.vendorKey }));
  const layers = ['--config', join(ROOT, 'app-config.yaml'), '--config', extra];
  if (options.extraConfig) {
    // JSON is YAML: the config loader reads it as another layer.
    const more = join(options.workDir, 'portal-extra.yaml');
    await writeFile(more, JSON.stringify(options.extraConfig, null, 2));
    layers.push('--config', more);
  }

  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', BROWSER: 'none', CI: 'true' };
  delete env.LICENSE_CTL_TOKEN;
  const group = ProcessGroup.start({
    command: 'npx',
    args: ['backstage-cli', 'repo', 'start', ...layers],
    cwd: ROOT,
    env,
    logFile: join(options.workDir, 'portal.log'),
  });
  const appUrl = `http://${host}:${appPort}`;
  const backendUrl = `http://${host}:${backendPort}`;
  const health = `${backendUrl}/api/license-management/health`;
  try {
    await waitForUrl(health, { timeoutMs: BACKEND_BOOT_MS, process: group, what: 'the portal backend' });
    await waitForUrl(`${appUrl}/index.html`, { timeoutMs: FRONTEND_BOOT_MS, process: group, what: 'the portal frontend' });
  } catch (e) {
    await group.stop();
    throw e;
  }
  const initialRestarts = group.count(RESTART_NOTICE);
  let restarts = initialRestarts;

  return {
    appUrl,
    backendUrl,
    async settle() {
      // Edits come in bursts: wait until the backend answers and has not restarted again for a moment.
      while (group.count(RESTART_NOTICE) !== restarts) {
        restarts = group.count(RESTART_NOTICE);
        await waitForUrl(health, { timeoutMs: BACKEND_BOOT_MS, process: group, what: 'the portal backend' });
        await sleep(2_000);
      }
    },
    restarts: () => group.count(RESTART_NOTICE) - initialRestarts,
    log: lines => group.log(lines),
    stop: () => group.stop(),
  };
}
