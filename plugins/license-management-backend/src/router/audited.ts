import type { AuditorService, AuditorServiceEventSeverityLevel } from '@backstage/backend-plugin-api';
import type { Request } from 'express';

type AuditMeta = Record<string, string | number | string[]>;

/**
 * Runs a change as an audit event (when the backend has an auditor):
 * success with `meta(result)`, or failure with the error and `failureMeta`.
 * Every route that changes something goes through here.
 */
export async function audited<T>(
  auditor: AuditorService | undefined,
  req: Request,
  eventId: string,
  severityLevel: AuditorServiceEventSeverityLevel,
  change: () => Promise<T>,
  meta: (result: T) => AuditMeta = () => ({}),
  failureMeta?: AuditMeta,
): Promise<T> {
  if (!auditor) return change();
  const event = await auditor.createEvent({ eventId, request: req, severityLevel });
  try {
    const result = await change();
    await event.success({ meta: meta(result) });
    return result;
  } catch (error) {
    await event.fail({ error: error as Error, ...(failureMeta ? { meta: failureMeta } : {}) });
    throw error;
  }
}
