import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
export const ALLOCATOR_MAIN = join(ROOT, 'dist/apps/allocator/src/main.js');
export const ADMIN_MAIN = join(ROOT, 'dist/apps/admin/src/main.js');

export interface AdminResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built admin command line, as an admin script would. */
export function runAdmin(databaseUrl: string, args: string[]): AdminResult {
  const result = spawnSync(process.execPath, [ADMIN_MAIN, ...args], { env: { ...process.env, HOOK_ALLOWED_TARGETS: '127.0.0.1', DATABASE_URL: databaseUrl }, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts the built allocator as its own process and waits until it listens. */
export function startService(env: Record<string, string>, readyTimeoutMs = 30_000): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [ALLOCATOR_MAIN], { env: { ...process.env, PORT: '0', HOST: '127.0.0.1', HOOK_ALLOWED_TARGETS: '127.0.0.1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service did not start:\n${output}`)), readyTimeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /Listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (listening) {
        clearTimeout(timer);
        resolve({
          child,
          url: listening[1],
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
      reject(new Error(`service exited with ${code}:\n${output}`));
    });
  });
}

/** Runs the built allocator expecting it to refuse to start. */
export function runServiceExpectingFailure(env: Record<string, string>): AdminResult {
  const result = spawnSync(process.execPath, [ALLOCATOR_MAIN], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
