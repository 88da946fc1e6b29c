/**
 * `npm run playground` as a newcomer and an IDE run it (issue 19, items 6–8): its start-up output
 * has no raw JSON and no warning that does not apply, names the sample people, and a SIGTERM to
 * the npm process alone (not its process group) stops all three servers. And (issue 29) when the
 * script itself is killed with SIGKILL, so it cannot stop anything, its servers still stop.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.destroy();
      done(true);
    });
    socket.on('error', () => done(false));
  });
}

async function until(what: string, probe: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 200));
  }
}

describe('npm run playground (start-up output, stopping)', function () {
  this.timeout(180_000);
  let npm: ChildProcess | undefined;
  let output = '';
  let ports: number[] = [];

  after(() => {
    // Whatever happened, leave nothing running: the whole process group the test started.
    if (npm?.pid) {
      try {
        process.kill(-npm.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });

  it('starts with readable output naming the sample people, and stops every server on SIGTERM to npm alone', async () => {
    ports = [await freePort(), await freePort(), await freePort()];
    const [botPort, qPort, playgroundPort] = ports.map(String) as [string, string, string];
    const npmCommand = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
    // detached: its own process group, so the signal below reaches npm only, as from an IDE.
    npm = spawn(npmCommand[0] as string, [...npmCommand.slice(1), 'run', 'playground', '--', '--skip-install', '--skip-build', '--bot-port', botPort, '--q-port', qPort, '--playground-port', playgroundPort], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    npm.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    npm.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const npmExited = new Promise<void>((done) => npm?.once('exit', () => done()));

    await until('the playground to be up', () => output.includes('Everything is running') || npm?.exitCode !== null, 150_000);
    assert.match(output, /Everything is running/, output);
    for (const port of ports) assert.ok(await accepts(port), `port ${port} is served`);

    // Item 7: nothing alarming or raw in the first screen.
    assert.doesNotMatch(output, /^\[bot\] \{/m, 'bot log lines are readable, not raw JSON');
    assert.doesNotMatch(output, /BOT_ENDPOINT is not set/);
    assert.match(output, /\[bot\] warn\s+BOT_ID is not set/);
    assert.match(output, /warnings above are expected here/);
    // Item 8: who the playground can sign in.
    assert.match(output, /You are Ada Lovelace/);
    assert.match(output, /Sample people: Ada Lovelace, Grace Hopper, Alan Turing, Katherine Johnson, Margaret Hamilton/);
    assert.match(output, /Linus Pauling is in Entra only/);

    process.kill(npm.pid as number, 'SIGTERM');
    await npmExited;
    await until('every server to stop', async () => (await Promise.all(ports.map(accepts))).every((served) => !served), 20_000);
    await until('the stop to be reported', () => output.includes('✔ Stopped'), 5_000);
  });

  it('stops every server when the playground script itself is killed with SIGKILL', async () => {
    const killPorts = [await freePort(), await freePort(), await freePort()];
    const [botPort, qPort, playgroundPort] = killPorts.map(String) as [string, string, string];
    let scriptOutput = '';
    // detached: its own process group, so the cleanup below can reach the servers if they don't stop.
    const script = spawn(process.execPath, ['scripts/playground.js', '--skip-install', '--skip-build', '--bot-port', botPort, '--q-port', qPort, '--playground-port', playgroundPort], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    script.stdout?.on('data', (chunk: Buffer) => (scriptOutput += chunk.toString('utf8')));
    script.stderr?.on('data', (chunk: Buffer) => (scriptOutput += chunk.toString('utf8')));
    try {
      await until('the playground to be up', () => scriptOutput.includes('Everything is running') || script.exitCode !== null, 150_000);
      for (const port of killPorts) assert.ok(await accepts(port), `port ${port} is served`);
      const killed = new Promise<void>((done) => script.once('exit', () => done()));
      process.kill(script.pid as number, 'SIGKILL');
      await killed;
      assert.equal(script.signalCode, 'SIGKILL', 'the script had no chance to stop its servers');
      await until('every server to stop on its own', async () => (await Promise.all(killPorts.map(accepts))).every((served) => !served), 20_000);
    } finally {
      try {
        process.kill(-(script.pid as number), 'SIGKILL');
      } catch {
        // the group is gone: nothing left running
      }
    }
  });
});
