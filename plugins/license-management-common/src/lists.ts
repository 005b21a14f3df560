/**
 * The fixed lists of the License Management API, each written once. Types,
 * zod enums (`z.enum(LICENSE_STATES)`), command-line choices and the filters
 * of the records page are derived from these arrays; the words people read
 * for each value are in {@link LIST_TITLES}.
 */

/** What kind of license: a Base edition or a Plus module. */
export const LICENSE_TYPES = ['base', 'plus'] as const;
export type LicenseType = (typeof LICENSE_TYPES)[number];

/**
 * How a license is bound to the installation: the methods a license token may
 * claim ({@link TOKEN_METHODS}), and `server`: a client site's licensing leased
 * from a license server (PRODUCT.md §2.6), which no token can claim.
 */
export const LICENSE_METHODS = ['request-key', 'usb-key', 'server'] as const;
export type LicenseMethod = (typeof LICENSE_METHODS)[number];
/** The methods a license token's `license.method` may claim (PRODUCT.md §2.1). */
export const TOKEN_METHODS = ['request-key', 'usb-key'] as const;

/**
 * `/status.server.status` (PRODUCT.md §2.6): `serving` a license server;
 * `connected` a client site whose last renewal succeeded; `disconnected` one
 * whose renewals fail (network, 5xx): its lease holds until `graceUntil`;
 * `refused` the server answered no (bad or revoked credential, not enough quota).
 */
export const SERVER_STATUSES = ['not-configured', 'connected', 'disconnected', 'refused', 'serving'] as const;
export type ServerStatus = (typeof SERVER_STATUSES)[number];

/**
 * The state of one license. `tampered`: the stored row no longer matches its
 * signed token (or the token no longer verifies); not in force (PRODUCT.md §2.1).
 * `key-missing`: a `usb-key` license that would be valid, but its USB key does
 * not count now (not plugged into a live management node, or a fault whose
 * buffer ended); not in force, it comes back when the key does (PRODUCT.md §2.7).
 */
export const LICENSE_STATES = ['valid', 'superseded', 'pending', 'expired', 'tampered', 'key-missing'] as const;
export type LicenseState = (typeof LICENSE_STATES)[number];

/** The state of the portal as a whole. */
export const PORTAL_STATES = ['valid', 'expired', 'community'] as const;
export type PortalState = (typeof PORTAL_STATES)[number];

export const EXCEPTION_CODES = [
  'LICENSE_EXPIRING',
  'LICENSE_EXPIRED',
  'QUOTA_EXCEEDED',
  'LICENSE_SERVER_DISCONNECTED',
  'USB_KEY_MISSING',
  'USB_KEY_FAULT',
  'USB_KEY_ABNORMAL',
  'CLOCK_ROLLBACK',
  'LICENSE_TAMPERED',
] as const;
export type ExceptionCode = (typeof EXCEPTION_CODES)[number];

/**
 * The USB key status (PRODUCT.md §1, §2.7), over the management nodes seen
 * within `nodeTimeout`: `ready` one readable key on one node; `missing` none
 * (or no node can read its USB bus); `abnormal` two keys, or one key on two
 * nodes at once; `fault` a matching device whose serial cannot be read.
 */
export const USB_KEY_STATUSES = ['ready', 'missing', 'abnormal', 'fault'] as const;
export type UsbKeyStatus = (typeof USB_KEY_STATUSES)[number];

export const CHECK_CODES = ['OK', 'NOT_LICENSED', 'EXPIRED', 'QUOTA_EXCEEDED', 'CLOCK_ROLLBACK'] as const;
export type CheckCode = (typeof CHECK_CODES)[number];

/**
 * What a licensing record says happened. `reinstate`: a superseded license
 * brought back into force by an admin; `clock`: a clock jump seen by a
 * replica, or an admin acknowledging a clock fault; `rejected`: an upload
 * that installed nothing, with the reason; `usb-key`: the USB key changed
 * (inserted, removed, fault, abnormal, fault buffer started or ended), said
 * in the detail; `site`: a client site registered or revoked on a license
 * server (`lease`: a lease granted, changed, released or ended, PRODUCT.md §2.6);
 * `server`: on a client site, connected, disconnected, refused, lease lost,
 * reconnected, or server licensing set or turned off, said in the detail.
 */
export const RECORD_ACTIONS = [
  'upload',
  'replace',
  'delete',
  'expire',
  'reload',
  'lease',
  'reinstate',
  'clock',
  'rejected',
  'usb-key',
  'site',
  'server',
] as const;
export type RecordAction = (typeof RECORD_ACTIONS)[number];

/**
 * The exceptions under which features are denied although the Base license
 * is valid: the portal is degraded (`degradedBy` of `/status`; decided by
 * `degradedBy()` in check.ts, which `decideFeature` also follows).
 */
export const DEGRADING_EXCEPTIONS = ['CLOCK_ROLLBACK', 'QUOTA_EXCEEDED'] as const;
export type DegradingException = (typeof DEGRADING_EXCEPTIONS)[number];

/** The words people read for the values of the lists above (page, CLI, CSV). */
export const LIST_TITLES = {
  type: { base: 'Base', plus: 'Plus' } satisfies Record<LicenseType, string>,
  method: { 'request-key': 'Request key', 'usb-key': 'USB key', server: 'License server' } satisfies Record<LicenseMethod, string>,
  state: {
    valid: 'Valid',
    superseded: 'Superseded',
    pending: 'Pending',
    expired: 'Expired',
    tampered: 'Tampered',
    'key-missing': 'USB key missing',
  } satisfies Record<LicenseState, string>,
  portalState: { valid: 'Valid', expired: 'Expired', community: 'Community' } satisfies Record<PortalState, string>,
  action: {
    upload: 'Upload',
    replace: 'Replace',
    delete: 'Delete',
    expire: 'Expire',
    reload: 'Reload',
    lease: 'Lease',
    reinstate: 'Reinstate',
    clock: 'Clock',
    rejected: 'Rejected',
    'usb-key': 'USB key',
    site: 'Client site',
    server: 'License server',
  } satisfies Record<RecordAction, string>,
  serverStatus: {
    'not-configured': 'Not configured',
    connected: 'Connected',
    disconnected: 'Disconnected',
    refused: 'Refused',
    serving: 'Serving client sites',
  } satisfies Record<ServerStatus, string>,
  usbKeyStatus: {
    ready: 'Ready',
    missing: 'Missing',
    abnormal: 'Abnormal',
    fault: 'Fault',
  } satisfies Record<UsbKeyStatus, string>,
  /** Why a portal with a valid license is degraded, in a few words ("Degraded: quota exceeded"). */
  degraded: {
    CLOCK_ROLLBACK: 'system clock behind',
    QUOTA_EXCEEDED: 'quota exceeded',
  } satisfies Record<DegradingException, string>,
} as const;

/** One day, in ms. */
export const DAY_MS = 86_400_000;

/** Is `bytes` a gzip stream (a `.tar.gz` license archive)? By its magic number. */
export const isGzip = (bytes: Uint8Array): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/** A usage figure (`PUT /usage/:metric` `used`, a provider's count): a safe integer of 0 or more. */
export const isUsageFigure = (used: unknown): used is number => Number.isSafeInteger(used) && (used as number) >= 0;

/**
 * The last day a license is valid, as the vendor typed it (`--expires
 * 2027-12-31` gives exp 2028-01-01T00:00:00Z, valid through 2027-12-31):
 * the UTC day of the last millisecond before `exp`. `YYYY-MM-DD`.
 */
export function validThroughOf(expiresAt: number | string): string {
  const ms = typeof expiresAt === 'string' ? Date.parse(expiresAt) : expiresAt;
  return new Date(ms - 1).toISOString().slice(0, 10);
}
