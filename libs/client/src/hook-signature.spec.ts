import { signatureHeader, verifySignature } from './hook-signature';

describe('delivery signatures', () => {
  const secret = 'whsec_test';
  const body = JSON.stringify({ id: 'e1', type: 'server.available' });
  const at = new Date('2026-11-23T10:00:00Z');

  it('verifies a signature made with the same secret over the same body', () => {
    expect(verifySignature(secret, signatureHeader(secret, body, at), body, at)).toEqual({ valid: true });
  });

  it('rejects a tampered body, another secret, a stale timestamp and a malformed header', () => {
    const header = signatureHeader(secret, body, at);
    expect(verifySignature(secret, header, body.replace('available', 'isolated'), at)).toEqual({
      valid: false,
      reason: 'mismatch',
    });
    expect(verifySignature('other', header, body, at)).toEqual({ valid: false, reason: 'mismatch' });
    expect(verifySignature(secret, header, body, new Date(at.getTime() + 301_000))).toEqual({
      valid: false,
      reason: 'stale',
    });
    expect(verifySignature(secret, 'sha256=abc', body, at)).toEqual({ valid: false, reason: 'malformed' });
    expect(verifySignature(secret, undefined, body, at)).toEqual({ valid: false, reason: 'malformed' });
  });
});
