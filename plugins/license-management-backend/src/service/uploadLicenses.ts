import {
  changeRecords,
  consequencesOfChange,
  LicenseError,
  plusWithoutBase,
  rejectionRecord,
  usbKeyNotPresent,
  type UploadResult,
} from '@backstage-licensing/plugin-license-management-common';
import { licenseErrorKindOf } from '@backstage-licensing/plugin-license-management-node';
import { StoreConflictError } from '../database/LicenseStore';
import { refuseUnacknowledged } from './downgrade';
import { planUpload } from './upload';
import { licenseViewsById } from './views';
import type { Actor, ChangeOptions, WriteContext } from './writeContext';

/**
 * Installs the licenses of an uploaded file, all or nothing (PRODUCT.md
 * §2.1). A refused upload — a file that is no license file, a rejected
 * token, an id conflict, Plus without Base, an unacknowledged downgrade —
 * throws a LicenseError of its kind and leaves one `rejected` record with
 * the reason; nothing else is written.
 */
export async function uploadLicenses(
  ctx: WriteContext,
  bytes: Uint8Array,
  actor: Actor,
  options: ChangeOptions = {},
): Promise<UploadResult> {
  try {
    return await install(ctx, bytes, actor, options);
  } catch (e) {
    // A refusal has a kind; any other error (the database) is no verdict on the upload.
    if (licenseErrorKindOf(e)) await recordRejectedUpload(ctx, (e as Error).message, actor);
    throw e;
  }
}

/** Appends the `rejected` record of a refused upload, with the reason. */
export async function recordRejectedUpload(ctx: WriteContext, reason: string, actor: Actor): Promise<void> {
  await ctx.store.appendRecords([rejectionRecord(reason, actor, ctx.clock())]);
}

async function install(ctx: WriteContext, bytes: Uint8Array, actor: Actor, options: ChangeOptions): Promise<UploadResult> {
  const { snapshot: s, store } = ctx;
  const now = ctx.clock();
  const plan = await planUpload(bytes, {
    catalog: ctx.catalog,
    vendorKeys: ctx.vendorKeys,
    installationKeyId: ctx.installationKeyId,
    // Judged at the instant the evaluation uses: a clock turned back does not let an expired license in.
    now: s.trustedNow(now),
    tampered: new Set(s.tampered.map(t => t.id)),
    lookup: ids => store.getLicenses(ids),
  });
  // A usb-key license needs its key plugged into a management node now (PRODUCT.md §2.7).
  const noKey = usbKeyNotPresent(ctx.usbKeyState?.presence(), plan.install.map(v => v.license));
  if (noKey) throw noKey;
  let superseded: string[] = [];
  if (plan.install.length > 0) {
    const installed = plan.install.map(v => ({ ...v.license, token: v.token, uploadedAt: now, uploadedBy: actor }));
    const first = s.nextUploadSeq();
    const afterLicenses = [...s.licenses, ...installed.map((l, i) => ({ ...l, uploadSeq: first + i }))];
    const afterTampered = s.tampered.filter(t => !plan.restore.includes(t.id));
    // The licenses as the upload would leave them, judged at the trusted instant.
    const after = s.evaluateAt(now, afterLicenses, afterTampered);
    const noBase = plusWithoutBase(after, installed);
    if (noBase) throw noBase;
    refuseUnacknowledged(
      consequencesOfChange(s.evaluationInput(now), {
        licenses: afterLicenses,
        tampered: afterTampered,
        // A license of the upload that starts later takes its slot then.
        startsAt: installed.flatMap(l => (l.notBefore !== undefined ? [l.notBefore] : [])),
      }),
      !!options.acknowledge,
      'upload',
    );
    const records = changeRecords(
      { action: 'upload', installed, restored: plan.restore },
      { licenses: s.licenses, before: s.evaluateAt(now), after, time: now, actor },
    );
    superseded = records.filter(r => r.action === 'replace').map(r => r.licenseId!);
    try {
      await store.installLicenses(installed, records, { replace: plan.restore });
    } catch (e) {
      if (e instanceof StoreConflictError) throw new LicenseError('conflict', e.message);
      throw e;
    }
    s.verifiedTokens.add(plan.install);
    await ctx.sync.reloadAfterWrite();
  }
  const views = licenseViewsById(s);
  return {
    installed: views(plan.install.map(v => v.license.id)),
    unchanged: views(plan.unchanged),
    superseded: views(superseded),
  };
}
