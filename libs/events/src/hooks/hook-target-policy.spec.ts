import { HookTargetPolicy, Resolve } from './hook-target-policy';

/**
 * A resolver that answers from a table, as DNS would (and as it might, later, differently): the policy is
 * only asked, nothing is ever sent. The "internal network" is played by loopback addresses (127.20.0.0/16).
 */
const dns =
  (table: Record<string, string[]>): Resolve =>
  async (hostname) => {
    const addresses = table[hostname];
    if (!addresses) throw new Error(`ENOTFOUND ${hostname}`);
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

const refusal = async (policy: HookTargetPolicy, url: string) => {
  const target = await policy.target(url);
  if ('refused' in target) return target.refused;
  return 'unresolved' in target ? `not now: ${target.unresolved}` : `allowed ${target.address}`;
};

describe('HookTargetPolicy', () => {
  const resolve = dns({
    'metalworks.internal': ['127.20.0.7'],
    'rebound.internal': ['169.254.169.254'],
    'elsewhere.example': ['127.99.0.9'],
    'db.internal': ['127.20.0.5'],
  });
  const policy = new HookTargetPolicy(
    ['metalworks.internal', 'rebound.internal', '127.20.0.0/16', '127.0.0.1'],
    { host: 'db.internal', port: 5432 },
    resolve,
  );

  it.each([
    ['http://metalworks.internal:8080/hooks', 'allowed 127.20.0.7'],
    ['https://127.20.3.4/hooks', 'allowed 127.20.3.4'],
    ['http://127.0.0.1:9000/hooks', 'allowed 127.0.0.1'],
    ['http://127.20.0.5:8080/', 'allowed 127.20.0.5'],
  ])('allows %s', async (url, expected) => {
    expect(await refusal(policy, url)).toBe(expected);
  });

  it.each([
    ['http://169.254.169.254/latest/meta-data/', 'link-local'],
    ['http://2852039166/', 'link-local'],
    ['http://[fe80::1]/', 'link-local'],
    ['http://[::ffff:169.254.169.254]/', 'link-local'],
    ['http://0.0.0.0:8080/', 'unspecified'],
    ['http://rebound.internal/', 'link-local'],
    ['http://user:secret@metalworks.internal/', 'user name or password'],
    ['http://127.20.0.5:5432/', 'own database'],
    ['http://db.internal:5432/', 'own database'],
    ['http://127.30.0.1/', 'not in HOOK_ALLOWED_TARGETS'],
    ['http://127.0.0.2/', 'not in HOOK_ALLOWED_TARGETS'],
    ['http://elsewhere.example/', 'not in HOOK_ALLOWED_TARGETS'],
    ['http://[::ffff:127.20.0.5]:5432/', 'own database'],
    ['http://[::ffff:7f14:5]:5432/', 'own database'],
    ['http://[0:0:0:0:0:ffff:a9fe:a9fe]/', 'link-local'],
    ['ftp://metalworks.internal/', 'http or https'],
  ])('refuses %s (%s)', async (url, why) => {
    expect(await refusal(policy, url)).toContain(why);
  });

  it('allows nothing when HOOK_ALLOWED_TARGETS is empty', async () => {
    expect(await refusal(HookTargetPolicy.fromConfig(''), 'http://127.0.0.1/')).toContain(
      'not in HOOK_ALLOWED_TARGETS',
    );
  });

  it('takes a name that does not resolve for a failure of the moment, not a refusal, and allows it once it resolves', async () => {
    let blip = true;
    const flaky: Resolve = async (hostname) => {
      if (blip) throw new Error(`EAI_AGAIN ${hostname}`);
      return [{ address: '127.20.0.7', family: 4 }];
    };
    const blipping = new HookTargetPolicy(['metalworks.internal'], undefined, flaky);
    expect(await refusal(blipping, 'http://metalworks.internal/')).toBe(
      'not now: name not resolved: metalworks.internal',
    );
    blip = false;
    expect(await refusal(blipping, 'http://metalworks.internal/')).toBe('allowed 127.20.0.7');
  });

  it('gives a name server that does not answer 2 s, then takes it for a failure of the moment', async () => {
    const silent = new HookTargetPolicy(['metalworks.internal'], undefined, () => new Promise(() => undefined));
    const started = Date.now();
    expect(await refusal(silent, 'http://metalworks.internal/')).toBe(
      'not now: name not resolved in time: metalworks.internal',
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
