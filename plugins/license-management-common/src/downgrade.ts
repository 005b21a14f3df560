import type { LicenseCatalog } from './catalog';
import { evaluateLicenses, isoDate, type Evaluation, type EvaluationInput } from './evaluate';
import type { InstalledLicense } from './types';

/**
 * One thing a change of licenses (an upload, a reinstatement) would take away
 * from the portal: features it would no longer be licensed for, or a quota
 * that would drop below its current use (PRODUCT.md §2.1, "Downgrades are
 * acknowledged").
 */
export type DowngradeConsequence =
  | {
      kind: 'features';
      /** One sentence, for people. */
      message: string;
      /** Feature ids licensed before and not after. */
      features: string[];
      /** The Base edition in force before and after ('community' when none). */
      edition: { before: string; after: string };
      /** When it would start (ms), when later than the change itself. */
      from?: number;
    }
  | {
      kind: 'quota';
      message: string;
      metric: string;
      authorized: { before: number; after: number };
      used: number;
      from?: number;
    };

/** The features the licenses in force license: the Base edition's and each Plus module's. */
function licensedFeatures(catalog: LicenseCatalog, evaluation: Evaluation): Set<string> {
  const features = new Set<string>();
  if (evaluation.base) catalog.featuresOf('base', evaluation.base.item).forEach(f => features.add(f));
  for (const module of evaluation.plus.keys()) catalog.featuresOf('plus', module).forEach(f => features.add(f));
  return features;
}

const listed = (titles: string[]) =>
  titles.length <= 1 ? titles.join('') : `${titles.slice(0, -1).join(', ')} and ${titles[titles.length - 1]}`;

/**
 * What the portal would lose going from `before` to `after`, two evaluations
 * of the licenses at the same instant (evaluateLicenses decides both; this
 * only compares them):
 * - features licensed before and not after (the Base edition in force would
 *   have fewer features, and no Plus module in force covers them), named by
 *   their catalog titles;
 * - per quota metric, an authorized amount that would drop below its current
 *   use (QUOTA_EXCEEDED after the change).
 * Each consequence is one sentence. `options.from`: the instant the change
 * takes effect, when later than now (e.g. a license that starts later); the
 * sentences then say from when.
 */
export function downgradeConsequences(
  catalog: LicenseCatalog,
  before: Evaluation,
  after: Evaluation,
  options: { from?: number } = {},
): DowngradeConsequence[] {
  const consequences: DowngradeConsequence[] = [];
  const { from } = options;
  const when = from !== undefined ? `From ${isoDate(from)} (UTC), ` : '';
  const sentence = (text: string) => (when ? `${when}${text.charAt(0).toLowerCase()}${text.slice(1)}` : text);

  const afterFeatures = licensedFeatures(catalog, after);
  const lost = [...licensedFeatures(catalog, before)].filter(f => !afterFeatures.has(f));
  if (lost.length > 0) {
    const titles = lost.map(f => catalog.title('feature', f));
    const editionTitle = (e: Evaluation) => (e.base ? catalog.title('item', e.base.item) : 'Community');
    const editionBefore = before.base?.item ?? 'community';
    const editionAfter = after.base?.item ?? 'community';
    const change =
      editionBefore !== editionAfter
        ? `The Base edition in force would change from ${editionTitle(before)} to ${editionTitle(after)}, which `
        : 'The licenses in force would ';
    consequences.push({
      kind: 'features',
      message: sentence(
        `${change}${editionBefore !== editionAfter ? 'has' : 'have'} fewer features: ${listed(titles)} would no longer be licensed.`,
      ),
      features: lost,
      edition: { before: editionBefore, after: editionAfter },
      ...(from !== undefined ? { from } : {}),
    });
  }

  const authorizedBefore = new Map(before.quotas.map(q => [q.metric, q.authorized]));
  for (const q of after.quotas) {
    const was = authorizedBefore.get(q.metric) ?? 0;
    // `exceeded` is evaluateLicenses' own verdict: use above what is authorized, in a licensed slot.
    if (!q.exceeded || q.authorized >= was) continue;
    consequences.push({
      kind: 'quota',
      message: sentence(
        `The authorized ${catalog.title('metric', q.metric)} would drop from ${was} to ${q.authorized} while ${q.used} ${
          q.used === 1 ? 'is' : 'are'
        } in use, exceeding it by ${q.used - q.authorized}, so most features would be unavailable (QUOTA_EXCEEDED).`,
      ),
      metric: q.metric,
      authorized: { before: was, after: q.authorized },
      used: q.used,
      ...(from !== undefined ? { from } : {}),
    });
  }
  return consequences;
}

/**
 * The consequences of changing the installed licenses from `input.licenses`
 * to `after` (the same input otherwise): now, and at each later instant
 * `startsAt` names (when licenses of the change that are pending now would
 * start). A consequence already due now is not repeated for later.
 */
export function consequencesOfChange(
  input: EvaluationInput,
  after: {
    licenses: readonly InstalledLicense[];
    tampered?: EvaluationInput['tampered'];
    /** Instants (ms) after input.now at which the change also takes effect. */
    startsAt?: readonly number[];
  },
): DowngradeConsequence[] {
  const at = (now: number) => ({
    before: evaluateLicenses({ ...input, now }),
    after: evaluateLicenses({ ...input, now, licenses: after.licenses, tampered: after.tampered ?? input.tampered }),
  });
  const now = at(input.now);
  const found = downgradeConsequences(input.catalog, now.before, now.after);
  const key = (c: DowngradeConsequence) => (c.kind === 'quota' ? `quota:${c.metric}` : 'features');
  const seen = new Set(found.map(key));
  const later = [...new Set(after.startsAt ?? [])].filter(t => t > now.before.at).sort((a, b) => a - b);
  for (const t of later) {
    const pair = at(t);
    for (const c of downgradeConsequences(input.catalog, pair.before, pair.after, { from: t })) {
      if (seen.has(key(c))) continue;
      seen.add(key(c));
      found.push(c);
    }
  }
  return found;
}
