import { ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const ALLOCATOR_MAIN = join(ROOT, 'dist/apps/allocator/src/main.js');
export const ADMIN_MAIN = join(ROOT, 'dist/apps/admin/src/main.js');

export interface AdminResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built admin command line, as an admin script would. */
export function runAdmin(databaseUrl: string, args: string[]): AdminResult {
  const result = spawnSync(process.execPath, [ADMIN_MAIN, ...args], {
    env: { ...process.env, HOOK_ALLOWED_TARGETS: '127.0.0.1', DATABASE_URL: databaseUrl },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs the built admin command line without blocking this process: for commands that call a service this process serves. */
export function runAdminAsync(args: string[], env: Record<string, string>): Promise<AdminResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [ADMIN_MAIN, ...args],
      { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts the built allocator as its own process and waits until it listens. */
export function startService(env: Record<string, string>, readyTimeoutMs = 30_000): Promise<ServiceProcess> {
  const serviceEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', HOOK_ALLOWED_TARGETS: '127.0.0.1', ...env };
  return startListening(
    'service',
    [ALLOCATOR_MAIN],
    serviceEnv,
    /Listening on (http:\/\/127\.0\.0\.1:\d+)/,
    readyTimeoutMs,
  );
}

const PRISM_MAIN = join(ROOT, 'node_modules/@stoplight/prism-cli/dist/index.js');

/** Prism's validating proxy in front of `target`, on a free loopback port: any answer that breaks openapi.json becomes its error. */
export function startPrismProxy(target: string): Promise<ServiceProcess> {
  const args = [
    PRISM_MAIN,
    'proxy',
    join(ROOT, 'openapi.json'),
    target,
    '--errors',
    '--host',
    '127.0.0.1',
    '--port',
    '0',
  ];
  return startListening('prism', args, process.env, /Prism is listening on (http:\/\/127\.0\.0\.1:\d+)/, 60_000);
}

/** Starts a Node.js program and waits until its output names the URL it listens on. */
function startListening(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  listening: RegExp,
  readyTimeoutMs: number,
): Promise<ServiceProcess> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start:\n${output}`));
    }, readyTimeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = listening.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({
          child,
          url,
          output: () => output,
          stop: (signal = 'SIGTERM') => {
            child.kill(signal);
            return exited;
          },
        });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${output}`));
    });
  });
}

/** Runs the built allocator expecting it to refuse to start. */
export function runServiceExpectingFailure(env: Record<string, string>): AdminResult {
  const result = spawnSync(process.execPath, [ALLOCATOR_MAIN], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
