import {
  changeRecords,
  consequencesOfChange,
  deletionRefusal,
  LicenseError,
  type ReinstateResult,
} from '@backstage-licensing/plugin-license-management-common';
import { refuseUnacknowledged } from './downgrade';
import { planReinstatement } from './reinstate';
import { licenseViewsById } from './views';
import type { Actor, ChangeOptions, WriteContext } from './writeContext';

/**
 * Brings a superseded license back into force: it becomes the newest upload
 * of its slot (recorded, with the license it supersedes). Refused (a
 * LicenseError('conflict') with the consequences) when that would downgrade
 * the licenses in force, unless acknowledged.
 */
export async function reinstateLicense(
  ctx: WriteContext,
  id: string,
  actor: Actor,
  options: ChangeOptions = {},
): Promise<ReinstateResult> {
  const { snapshot: s } = ctx;
  const now = ctx.clock();
  const before = s.evaluateAt(now);
  const plan = planReinstatement(id, {
    licenses: s.licenses,
    tampered: s.tampered,
    current: before,
    nextUploadSeq: s.nextUploadSeq(),
  });
  refuseUnacknowledged(
    consequencesOfChange(s.evaluationInput(now), { licenses: plan.licenses }),
    !!options.acknowledge,
    'reinstatement',
  );
  const after = s.evaluateAt(now, plan.licenses);
  const records = changeRecords(
    { action: 'reinstate', license: plan.license },
    { licenses: s.licenses, before, after, time: now, actor },
  );
  const reinstated = await ctx.store.reinstateLicense(id, plan.license.uploadSeq, now, actor, records);
  await ctx.sync.reloadAfterWrite();
  if (!reinstated) {
    throw new LicenseError(
      'conflict',
      `License '${id}' was changed by another request (deleted, reinstated or replaced) while it was being reinstated. List licenses with GET /licenses and try again.`,
    );
  }
  const views = licenseViewsById(s);
  return {
    reinstated: views([id])[0],
    superseded: views(records.filter(r => r.action === 'replace').map(r => r.licenseId!)),
  };
}

/**
 * Deletes a license if `deletionRefusal` allows it: a Plus license that is
 * not from a USB key, or a stored row that does not match its signed token
 * (it is no license, whatever it claims). Recorded.
 */
export async function deleteLicense(ctx: WriteContext, id: string, actor: Actor): Promise<void> {
  const { snapshot: s } = ctx;
  const trusted = s.licenses.find(l => l.id === id);
  const tampered = s.tampered.find(t => t.id === id);
  const license = trusted ?? tampered?.row;
  if (!license) {
    throw new LicenseError('not-found', `No installed license has the id '${id}'. List licenses with GET /licenses.`);
  }
  const now = ctx.clock();
  const before = s.evaluateAt(now);
  const refusal = deletionRefusal(license, before.states.get(id));
  if (refusal) throw new LicenseError('conflict', refusal);
  const after = s.evaluateAt(
    now,
    s.licenses.filter(l => l.id !== id),
    s.tampered.filter(t => t.id !== id),
  );
  const records = changeRecords(
    { action: 'delete', license, ...(tampered ? { tamperedReason: tampered.reason } : {}) },
    { licenses: s.licenses, before, after, time: now, actor },
  );
  const deleted = await ctx.store.deleteLicense(id, now, actor, records);
  await ctx.sync.reloadAfterWrite();
  if (!deleted) throw new LicenseError('not-found', `License '${id}' was already deleted.`);
}
