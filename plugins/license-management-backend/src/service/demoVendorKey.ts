import { createPublicKey } from 'node:crypto';
import type { VendorKeyring } from '@backstage-licensing/plugin-license-management-node';

/**
 * The public half of the demo vendor key of this repository
 * (vendor-keys/demo-vendor.pub). Its private half is published next to it,
 * so anyone can sign licenses that it verifies.
 */
export const DEMO_VENDOR_PUBLIC_KEY_PEM = `-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAQoGGJXPj72A1yitPghMYsvg+y9fu1oLFe+VzKJJMtCk=
-----END PUBLIC KEY-----
`;

const DEMO_DER = createPublicKey(DEMO_VENDOR_PUBLIC_KEY_PEM).export({ type: 'spki', format: 'der' });

/** The kids under which the demo vendor key is trusted (compared by key, whatever the kid). */
export function demoVendorKids(vendorKeys: VendorKeyring): string[] {
  return [...vendorKeys]
    .filter(([, key]) => key.export({ type: 'spki', format: 'der' }).equals(DEMO_DER))
    .map(([kid]) => kid);
}

/** Production must not trust a vendor key whose private half is public. */
export class DemoVendorKeyError extends Error {
  name = 'DemoVendorKeyError';
}

/**
 * Refuses to start in production while the demo vendor key is trusted: with
 * it anyone could sign any license for this portal.
 */
export function assertNoDemoVendorKeyInProduction(vendorKeys: VendorKeyring, production: boolean): void {
  if (!production) return;
  const kids = demoVendorKids(vendorKeys);
  if (kids.length === 0) return;
  throw new DemoVendorKeyError(
    `License Management refuses to start in production: licenseManagement.vendorKeys trusts the demo vendor key (kid ${kids
      .map(k => `'${k}'`)
      .join(', ')}), whose private half is published in vendor-keys/demo-vendor.key, so anyone could sign licenses for this portal. Remove it from licenseManagement.vendorKeys and configure your vendor's public key (license-ctl vendor keygen creates a key pair).`,
  );
}
