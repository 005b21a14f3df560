import {
  checkRequestProblem,
  decideFeature,
  decideQuota,
  LicenseError,
  type CheckRequest,
  type CheckResult,
} from '@backstage-licensing/plugin-license-management-common';
import type { LicenseSnapshot } from './LicenseSnapshot';

/**
 * May a feature be used (for `amount` more units of `metric`)? From the
 * snapshot: no I/O, no crypto. The feature decision is cached for the
 * evaluation it was made on. LicenseError('invalid') for a request the
 * catalog cannot answer.
 */
export function checkLicense(s: LicenseSnapshot, request: CheckRequest): CheckResult {
  const { catalog } = s.options;
  const problem = checkRequestProblem(catalog, request);
  if (problem) throw new LicenseError('invalid', problem);
  const evaluation = s.evaluation();
  let decision = s.decisions.get(request.feature);
  if (!decision) {
    // Shared by every caller until the next evaluation: frozen, so none can change it for the others.
    decision = Object.freeze(decideFeature(catalog, evaluation, request.feature));
    s.decisions.set(request.feature, decision);
  }
  if (request.metric === undefined) return decision;
  // On a license server the quota leased to client sites counts as used.
  const used = (s.usage[request.metric] ?? 0) + (s.leased[request.metric] ?? 0);
  return decideQuota(catalog, evaluation, decision, request.metric, request.amount ?? 1, used);
}
