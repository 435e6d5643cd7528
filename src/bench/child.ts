/**
 * Servers under test run in child processes, so that the load generator in
 * the bench process and the server each get a core. A child reports itself
 * ready with one IPC message and shuts down on the message 'close'.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { watchMemory, type ChildMemory } from './child-memory.js';

export interface Child<T> {
  readonly ready: T;
  readonly pid: number;
  /** The child's memory (child-memory.ts), asked over IPC; null once it is gone or when it does not answer in a second. */
  memory(): Promise<ChildMemory | null>;
  close(): Promise<void>;
}

export function forkChild<T>(modulePath: string, env: NodeJS.ProcessEnv, execArgv: string[] = []): Promise<Child<T>> {
  const child = fork(modulePath, [], { env: { ...process.env, ...env }, execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    const exited = (code: number | null): void => reject(new Error(`${modulePath} exited with code ${code} before it was ready`));
    child.once('error', reject);
    child.once('exit', exited);
    child.once('message', (ready: T) => {
      child.off('exit', exited);
      resolve({ ready, pid: child.pid!, memory: () => memoryOf(child), close: () => closeChild(child) });
    });
  });
}

function closeChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.send('close');
  });
}

function memoryOf(child: ChildProcess): Promise<ChildMemory | null> {
  if (!child.connected) return Promise.resolve(null);
  return new Promise((resolve) => {
    const answered = (message: unknown): void => {
      if (typeof message !== 'object' || message === null || !('memory' in message)) return;
      clearTimeout(timer);
      child.off('message', answered);
      resolve((message as { memory: ChildMemory }).memory);
    };
    const timer = setTimeout(() => {
      child.off('message', answered);
      resolve(null);
    }, 1_000);
    child.on('message', answered);
    child.send('memory');
  });
}

/** Child side: report ready, then run `close` and exit when the parent says so. */
export function reportReady<T>(ready: T, close: () => Promise<void>): void {
  const memory = watchMemory();
  // A parent that died without saying 'close' (a crash, a kill) must not leave a server running.
  process.once('disconnect', () => void close().finally(() => process.exit(1)));
  process.on('message', (message) => {
    if (message === 'close') void close().then(() => process.exit(0));
    else if (message === 'memory') process.send!({ memory: memory() });
  });
  process.send!(ready);
}
