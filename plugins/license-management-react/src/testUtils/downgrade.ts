import { HttpResponse } from 'msw';

export const CONSEQUENCES = [
  'The Base edition in force would change from Enterprise Prepaid to Standard, which has fewer features: GPU Service, CloudFormation and Auto-Scaling Service would no longer be licensed.',
  'The authorized Hosts would drop from 100 to 20 while 50 are in use, exceeding it by 30, so most features would be unavailable (QUOTA_EXCEEDED).',
];

/** The backend's 409 for a downgrade that was not acknowledged: Backstage's error body plus `message` and `consequences`. */
export function downgradeRefusal(
  message = 'Nothing was installed: this upload would reduce what the portal is licensed for (2 consequences). To install it anyway, upload it again with ?acknowledge=true.',
  consequences = CONSEQUENCES,
) {
  return HttpResponse.json(
    {
      error: { name: 'ConflictError', message, consequences },
      request: { method: 'POST', url: '/api/license-management/licenses' },
      response: { statusCode: 409 },
      message,
      consequences,
    },
    { status: 409 },
  );
}
