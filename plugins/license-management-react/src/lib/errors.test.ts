import { ResponseError } from '@backstage/errors';
import { describeError, problemText } from './errors';

async function responseError(status: number, name: string, message: string) {
  return ResponseError.fromResponse(
    new Response(JSON.stringify({ error: { name, message }, response: { statusCode: status } }), {
      status,
      statusText: 'x',
      headers: { 'content-type': 'application/json' },
    }),
  );
}

describe('describeError', () => {
  it("passes the server's message through, without HTTP jargon", async () => {
    const e = await responseError(400, 'InputError', 'Token 1 was rejected: it has expired.');
    expect(describeError(e)).toEqual({ message: 'Token 1 was rejected: it has expired.' });
  });

  it('tells what to do for a lost session, a missing backend and a server failure', async () => {
    expect(problemText(await responseError(401, 'AuthenticationError', 'x'))).toBe(
      'Your session has expired. Sign in again, then retry.',
    );
    expect(describeError(await responseError(404, 'NotFoundError', 'no route')).hint).toBeUndefined();
    expect(describeError(new TypeError('Failed to fetch'))).toEqual({
      message: 'Could not reach the License Management backend.',
      hint: 'Check your network and that the portal backend is running, then try again.',
    });
    const failed = describeError(await responseError(500, 'Error', 'database is locked'));
    expect(failed.message).toBe('The License Management backend failed (HTTP 500): database is locked');
    expect(failed.hint).toMatch(/Try again/);
  });
});
