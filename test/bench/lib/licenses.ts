import {
  compileCatalog,
  type LicenseClaims,
} from '@backstage-licensing/plugin-license-management-common';
import { generateEd25519KeyPair } from '@backstage-licensing/plugin-license-management-common/node';
import { signLicenseToken } from '@backstage-licensing/license-vendor';

export type Vendor = { kid: string; privateKeyPem: string; publicKeyPem: string };

export function createVendor(kid = 'bench-vendor'): Vendor {
  return { kid, ...generateEd25519KeyPair() };
}

let seq = 0;

/** Signs one license for the installation `keyId`, valid for a year. */
export function signLicense(
  vendor: Vendor,
  keyId: string,
  license: { type: 'base' | 'plus'; item: string; quota?: Record<string, number> },
): Promise<string> {
  const iat = Math.floor(Date.now() / 1000) - 60;
  const claims = {
    jti: `bench-${process.pid}-${Date.now()}-${++seq}`,
    iss: 'bench-vendor',
    sub: keyId,
    iat,
    exp: iat + 365 * 86_400,
    license: { method: 'request-key', ...license },
  } as LicenseClaims;
  return signLicenseToken(claims, vendor);
}

/** One Base (enterprise-prepaid, with a hosts quota) and one Plus license per module of the default catalog (20). */
export async function basePlus20(vendor: Vendor, keyId: string): Promise<string> {
  const catalog = compileCatalog();
  const tokens = [await signLicense(vendor, keyId, { type: 'base', item: 'enterprise-prepaid', quota: { hosts: 1000 } })];
  for (const module of catalog.moduleIds) {
    const metric = catalog.metricIds.find(m => catalog.slotOfMetric(m) === module);
    tokens.push(await signLicense(vendor, keyId, { type: 'plus', item: module, ...(metric ? { quota: { [metric]: 64 } } : {}) }));
  }
  return `${tokens.join('\n')}\n`;
}
