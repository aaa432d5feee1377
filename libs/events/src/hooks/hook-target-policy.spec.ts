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
  return 'refused' in target ? target.refused : `allowed ${target.address}`;
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
    ['http://nowhere.invalid/', 'could not be resolved'],
    ['ftp://metalworks.internal/', 'http or https'],
  ])('refuses %s (%s)', async (url, why) => {
    expect(await refusal(policy, url)).toContain(why);
  });

  it('allows nothing when HOOK_ALLOWED_TARGETS is empty', async () => {
    expect(await refusal(HookTargetPolicy.fromConfig(''), 'http://127.0.0.1/')).toContain(
      'not in HOOK_ALLOWED_TARGETS',
    );
  });
});
