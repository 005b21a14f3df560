import { LICENSE_FILE_LIMITS } from '@backstage-licensing/plugin-license-management-common';
import { formatBytes } from '../../lib/format';

/** The largest upload the backend accepts. */
export const MAX_LICENSE_FILE_BYTES = LICENSE_FILE_LIMITS.maxUploadBytes;
export const LICENSE_FILE_ACCEPT = '.txt,.lic,.tar.gz,.tgz';

/** Why a picked file cannot be a license file, in plain words; undefined when it may be. */
export function checkLicenseFile(file: { name: string; size: number }): string | undefined {
  const name = file.name.toLowerCase();
  if (!['.txt', '.lic', '.tar.gz', '.tgz'].some(ext => name.endsWith(ext))) {
    return `'${file.name}' is not a license file: pick the .txt, .lic or .tar.gz file your vendor sent.`;
  }
  if (file.size === 0) return `'${file.name}' is empty: pick the license file your vendor sent.`;
  if (file.size > MAX_LICENSE_FILE_BYTES) {
    return `'${file.name}' is ${formatBytes(file.size)}; a license file is at most ${MAX_LICENSE_FILE_BYTES / 1024 / 1024} MiB. Check that you picked the license file your vendor sent.`;
  }
  return undefined;
}
