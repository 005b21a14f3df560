import type { Evaluation } from './evaluate';
import type { LicenseMethod, LicenseState, LicenseType, RecordAction } from './lists';
import { inForceIn, slotOf } from './slots';
import type { InstalledLicense } from './types';

/** The longest `detail` a licensing record keeps, in characters; longer texts are cut. */
export const RECORD_DETAIL_LIMIT = 2000;

/** A licensing record to append (PRODUCT.md §1, "Licensing records"). Times in ms. */
export interface ChangeRecord {
  time: number;
  action: RecordAction;
  licenseId?: string;
  type?: LicenseType;
  item?: string;
  method?: LicenseMethod;
  quota?: Record<string, number>;
  state?: LicenseState;
  issuedAt?: number;
  expiresAt?: number;
  actor: string;
  detail?: string;
}

/** A text cut to {@link RECORD_DETAIL_LIMIT}. */
export const recordDetail = (text: string): string =>
  text.length <= RECORD_DETAIL_LIMIT ? text : `${text.slice(0, RECORD_DETAIL_LIMIT - 1)}…`;

/** The license fields every license record carries. */
export function licenseRecordFields(l: Omit<InstalledLicense, 'uploadSeq'>) {
  return {
    licenseId: l.id,
    type: l.type,
    item: l.item,
    method: l.method,
    quota: l.quota,
    issuedAt: l.issuedAt,
    expiresAt: l.expiresAt,
  };
}

/** A change of the installed licenses, as the records tell it. */
export type LicenseChange =
  /** Licenses installed by an upload; `restored`: ids whose tampered stored row they replace. */
  | { action: 'upload'; installed: readonly Omit<InstalledLicense, 'uploadSeq'>[]; restored?: readonly string[] }
  /** A superseded license brought back into force. */
  | { action: 'reinstate'; license: InstalledLicense }
  /** A license deleted; `tamperedReason` when it was a stored row that did not match its token. */
  | { action: 'delete'; license: Omit<InstalledLicense, 'uploadSeq'>; tamperedReason?: string }
  /** Time passed: licenses expired. */
  | { action: 'expire' };

export interface ChangeContext {
  /** The trusted licenses before the change. */
  licenses: readonly InstalledLicense[];
  /**
   * The licenses judged before the change, at the same instant as `after`.
   * For `expire`: the last evaluation whose expiries were recorded, or
   * undefined to record every license expired in `after` (the store keeps
   * each expiry once across replicas and restarts).
   */
  before?: Evaluation;
  /** The licenses judged after the change. */
  after: Evaluation;
  time: number;
  actor: string;
}

/**
 * The records of a change, decided from the evaluations before and after it
 * (evaluateLicenses decides both; this only compares them). Pure: the store
 * writes what this returns, in the change's transaction.
 *
 * - upload: one `upload` per installed license, with its state after;
 * - reinstate: one `reinstate`, with what it supersedes;
 * - delete: one `delete`, with the state the license had;
 * - expire: one `expire` per license expired after and not before;
 * - and, for upload and reinstate, one `replace` per license in force before
 *   and superseded after ("replaced by" the one in force in its slot).
 */
export function changeRecords(change: LicenseChange, ctx: ChangeContext): ChangeRecord[] {
  const { before, after, time, actor } = ctx;
  switch (change.action) {
    case 'upload': {
      const restored = new Set(change.restored ?? []);
      return [
        ...change.installed.map(l => ({
          time,
          action: 'upload' as const,
          ...licenseRecordFields(l),
          state: after.states.get(l.id),
          actor,
          ...(restored.has(l.id) ? { detail: 'restored from its signed token: the stored row did not match it' } : {}),
        })),
        ...replaceRecords(ctx),
      ];
    }
    case 'reinstate': {
      const replaced = supersededBy(ctx).map(s => s.license.id);
      return [
        {
          time,
          action: 'reinstate',
          ...licenseRecordFields(change.license),
          state: after.states.get(change.license.id),
          actor,
          detail: replaced.length ? `back in force; supersedes ${replaced.join(', ')}` : 'back in force',
        },
        ...replaceRecords(ctx),
      ];
    }
    case 'delete': {
      const { license, tamperedReason } = change;
      if (tamperedReason !== undefined) {
        // A tampered row is no license: none of its claims goes into the record.
        return [
          {
            time,
            action: 'delete',
            licenseId: license.id,
            state: 'tampered',
            actor,
            detail: recordDetail(`removed a stored row that did not match its signed token (${tamperedReason})`),
          },
        ];
      }
      return [{ time, action: 'delete', ...licenseRecordFields(license), state: before?.states.get(license.id), actor }];
    }
    case 'expire':
      return ctx.licenses
        .filter(l => after.states.get(l.id) === 'expired' && before?.states.get(l.id) !== 'expired')
        .map(l => ({ time, action: 'expire' as const, ...licenseRecordFields(l), state: 'expired' as const, actor }));
    default:
      return [];
  }
}

/** The record of an upload that installed nothing because it was refused: the reason as its detail. */
export function rejectionRecord(reason: string, actor: string, time: number): ChangeRecord {
  return { time, action: 'rejected', actor, detail: recordDetail(reason) };
}

/** Licenses in force before the change and superseded after it, with what holds their slot then. */
function supersededBy(ctx: ChangeContext): Array<{ license: InstalledLicense; by?: InstalledLicense }> {
  const { before, after } = ctx;
  if (!before) return [];
  return ctx.licenses
    .filter(l => before.states.get(l.id) === 'valid' && after.states.get(l.id) === 'superseded')
    .map(license => ({ license, by: inForceIn(after, slotOf(license)) }));
}

function replaceRecords(ctx: ChangeContext): ChangeRecord[] {
  return supersededBy(ctx).map(({ license, by }) => ({
    time: ctx.time,
    action: 'replace',
    ...licenseRecordFields(license),
    state: 'superseded',
    actor: ctx.actor,
    ...(by ? { detail: `replaced by ${by.id}` } : {}),
  }));
}

/** The record of a change of the USB key (judgeUsbKey's events): inserted, removed, fault, abnormal, buffer started or ended. */
export function usbKeyRecord(detail: string, time: number, keyId?: string | null): ChangeRecord {
  return {
    time,
    action: 'usb-key',
    method: 'usb-key',
    actor: 'system',
    detail: recordDetail(keyId ? `${detail} [key ${keyId}]` : detail),
  };
}
