import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import packaged from '@sparticuz/chromium';
import { Browser, chromium } from 'playwright-core';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** Flags of @sparticuz/chromium's that make a one-process browser for Lambda; Playwright needs its usual processes. */
const LAMBDA_ONLY_FLAGS = ['--single-process', "--headless='shell'"];

/**
 * Headless Chromium without a browser download: the binary the `@sparticuz/chromium` npm package ships
 * (brotli-compressed, x64 Linux), unpacked once into os.tmpdir() with its fonts; else Debian's when present.
 */
async function npmChromium(): Promise<
  { executablePath: string; args: string[]; env: Record<string, string> } | undefined
> {
  if (process.platform !== 'linux' || process.arch !== 'x64') return undefined;
  const executablePath = await oneAtATime(join(tmpdir(), 'chromium.lock'), () => packaged.executablePath());
  const args = packaged.args.filter((flag) => !LAMBDA_ONLY_FLAGS.includes(flag));
  return { executablePath, args, env: { FONTCONFIG_PATH: join(tmpdir(), 'fonts') } };
}

/**
 * Two browser suites starting together would unpack the same binary at once, and one of them would start
 * it while the other still writes it (ETXTBSY): a lock directory lets one process unpack at a time.
 */
async function oneAtATime<T>(lock: string, work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (Date.now() > deadline)
        throw new Error(`${lock} held for 2 minutes: remove it if no test runs`, { cause: error });
      await sleep(200);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export async function launchChromium(): Promise<Browser> {
  const packaged = await npmChromium();
  if (packaged) {
    const { executablePath, args, env } = packaged;
    return chromium.launch({ executablePath, args, env: { ...process.env, ...env }, headless: true });
  }
  if (!existsSync(DEBIAN_CHROMIUM)) {
    throw new Error(
      `No Chromium: @sparticuz/chromium ships one for x64 Linux only, and ${DEBIAN_CHROMIUM} is missing (apt-get install -y chromium)`,
    );
  }
  const args = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ];
  return chromium.launch({ executablePath: DEBIAN_CHROMIUM, headless: true, args });
}
