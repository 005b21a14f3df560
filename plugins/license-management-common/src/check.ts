import type { LicenseCatalog } from './catalog';
import { isoDate, type Evaluation } from './evaluate';
import { isUsageFigure, validThroughOf, type DegradingException } from './lists';
import type { CheckRequest, CheckResult } from './types';

/**
 * Says what is wrong with a check request, or undefined when it can be
 * answered: an unknown feature or metric, a metric that does not belong to
 * the feature, or an amount that is not an integer of 0 or more (0 asks
 * whether current use is within the quota).
 */
export function checkRequestProblem(
  catalog: LicenseCatalog,
  request: CheckRequest,
): string | undefined {
  const { feature, metric, amount } = request;
  if (!catalog.isFeature(feature)) {
    return `Unknown feature '${feature}'. Known features: ${catalog.featureIds.join(', ')}.`;
  }
  if (metric === undefined) {
    return amount === undefined
      ? undefined
      : `'amount' needs a 'metric': name the quota metric the amount counts, or leave 'amount' out.`;
  }
  if (!catalog.isMetric(metric)) {
    return `Unknown metric '${metric}'. Known metrics: ${catalog.metricIds.join(', ')}.`;
  }
  if (!catalog.metricBelongsToFeature(metric, feature)) {
    const own = catalog.metricIds.filter(m => catalog.metricBelongsToFeature(m, feature));
    return `Metric '${metric}' does not belong to feature '${feature}'. ${
      own.length
        ? `Metrics of '${feature}': ${own.join(', ')}.`
        : `'${feature}' has no quota metric; leave 'metric' out.`
    }`;
  }
  if (amount !== undefined && !isUsageFigure(amount)) {
    return `'amount' must be an integer of 0 or more.`;
  }
  return undefined;
}

const OK = (message: string): CheckResult => ({ allowed: true, code: 'OK', message });

/**
 * What degrades the portal at this evaluation: the exceptions under which
 * every feature but the essential ones is denied although a Base may be
 * valid (a clock behind the high-water mark, use above a quota). In the
 * order `decideFeature` judges them.
 */
export function degradedBy(evaluation: Pick<Evaluation, 'clockRollback' | 'quotas'>): DegradingException[] {
  const by: DegradingException[] = [];
  if (evaluation.clockRollback) by.push('CLOCK_ROLLBACK');
  if (evaluation.quotas.some(q => q.exceeded)) by.push('QUOTA_EXCEEDED');
  return by;
}

/**
 * Whether a feature may be used, judged from an evaluation. Pure and cheap:
 * a handful of map look-ups, no I/O. Call `checkRequestProblem` first.
 */
export function decideFeature(
  catalog: LicenseCatalog,
  evaluation: Evaluation,
  feature: string,
): CheckResult {
  const name = catalog.title('feature', feature);
  if (catalog.isEssential(feature)) {
    return OK(`${name} is always available.`);
  }
  const degraded = degradedBy(evaluation);
  if (degraded.includes('CLOCK_ROLLBACK')) {
    return {
      allowed: false,
      code: 'CLOCK_ROLLBACK',
      message: `${name} is unavailable: the system clock is behind the latest time this installation has seen. Correct the clock.`,
    };
  }
  if (evaluation.state === 'expired') {
    return {
      allowed: false,
      code: 'EXPIRED',
      message: `${name} is unavailable: the Base license has expired (last valid day ${validThroughOf(evaluation.lastExpiredBase!.expiresAt)}, UTC). Upload a new license on the License Management page.`,
    };
  }
  if (degraded.includes('QUOTA_EXCEEDED')) {
    const over = evaluation.quotas.filter(q => q.exceeded).map(q => q.metric);
    return {
      allowed: false,
      code: 'QUOTA_EXCEEDED',
      message: `${name} is unavailable: use exceeds the authorized quota of ${over.join(', ')}. Install a license with a larger quota or reduce use.`,
    };
  }
  if (catalog.isCommunity(feature)) return OK(`${name} is available.`);
  const { editions, modules } = catalog.itemsUnlocking(feature);
  const base = evaluation.base;
  if (!base) {
    const start = evaluation.pendingStarts.get('base');
    return {
      allowed: false,
      code: 'NOT_LICENSED',
      message:
        start !== undefined
          ? `${name} needs a Base license; the one installed starts on ${isoDate(start)} (UTC). Until then this portal runs the community edition.`
          : `${name} needs a Base license; this portal runs the community edition. Upload a license on the License Management page.`,
    };
  }
  if (editions.includes(base.item)) return OK(`${name} is licensed.`);
  if (modules.some(m => evaluation.plus.has(m))) return OK(`${name} is licensed.`);
  const expired = modules.find(m => evaluation.expiredModules.has(m));
  const pending = modules.find(m => evaluation.pendingStarts.has(m));
  const starts = pending
    ? ` The ${catalog.title('item', pending)} Plus license installed starts on ${isoDate(evaluation.pendingStarts.get(pending)!)} (UTC).`
    : '';
  if (expired) {
    return {
      allowed: false,
      code: 'EXPIRED',
      message: `${name} is unavailable: the ${catalog.title('item', expired)} Plus license expired.${starts || ' Upload a renewal on the License Management page.'}`,
    };
  }
  if (pending) {
    return { allowed: false, code: 'NOT_LICENSED', message: `${name} is not licensed yet.${starts}` };
  }
  return {
    allowed: false,
    code: 'NOT_LICENSED',
    message: `${name} is not covered by the installed licenses. Ask your vendor for a license${modules.length ? ` for ${modules.map(m => catalog.title('item', m)).join(' or ')}` : ''}.`,
  };
}

/** Adds the quota test of a check request to a feature decision. */
export function decideQuota(
  catalog: LicenseCatalog,
  evaluation: Evaluation,
  decision: CheckResult,
  metric: string,
  amount: number,
  used: number,
): CheckResult {
  if (!decision.allowed) return decision;
  const authorized =
    evaluation.quotas.find(q => q.metric === metric)?.authorized ?? 0;
  if (used + amount <= authorized) return decision;
  return {
    allowed: false,
    code: 'QUOTA_EXCEEDED',
    message: `${catalog.title('metric', metric)}: ${used} in use and ${amount} more requested, but ${authorized} authorized. Install a license with a larger quota.`,
  };
}
