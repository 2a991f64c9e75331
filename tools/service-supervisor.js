// Keeps a set of services running as child processes (tools/run-services.js, `npm start`).
// A service that exits while the others run is started again after a backoff, with a log
// line naming it, how it ended and when it comes back; the others are left alone (one
// service down for a while costs less than the whole platform down). stop() ends them all.
const { spawn } = require('child_process');

/** First pause before a restart; it doubles with each quick exit, up to RESTART_MAX_MS. */
const RESTART_BASE_MS = 1000;
const RESTART_MAX_MS = 30000;
/** A service that stayed up this long starts its backoff again from RESTART_BASE_MS. */
const STABLE_AFTER_MS = 60000;
/** How long stop() waits for SIGTERM before it sends SIGKILL. */
const STOP_GRACE_MS = 15000;

/**
 * services: [{ name, command, args, env }]. options.output(name, stream, child) wires a
 * child's stdout/stderr; options.log and options.warn print the supervisor's own lines.
 */
function superviseServices(services, options = {}) {
  const { output = () => undefined, log = console.log, warn = console.error } = options;
  const restartBaseMs = options.restartBaseMs ?? RESTART_BASE_MS;
  const restartMaxMs = options.restartMaxMs ?? RESTART_MAX_MS;
  const stableAfterMs = options.stableAfterMs ?? STABLE_AFTER_MS;
  const running = new Map();
  const timers = new Set();
  let stopping = false;

  function start(service, quickExits) {
    const child = spawn(service.command, service.args, { env: service.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const startedAt = Date.now();
    running.set(service.name, child);
    output(service.name, child.stdout, process.stdout);
    output(service.name, child.stderr, process.stderr);
    child.on('error', (error) => warn(`${service.name} could not be started: ${error.message}`));
    child.on('exit', (code, signal) => {
      if (stopping) return;
      const exits = Date.now() - startedAt >= stableAfterMs ? 0 : quickExits + 1;
      const delay = Math.min(restartBaseMs * 2 ** Math.max(0, exits - 1), restartMaxMs);
      warn(`${service.name} exited (${signal ?? `code ${code}`}) after ${Math.round((Date.now() - startedAt) / 1000)} s; restarting it in ${delay / 1000} s (restart ${exits} in a row); the other services keep running`);
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (stopping) return;
        log(`${service.name} restarting`);
        start(service, exits);
      }, delay);
      timers.add(timer);
    });
  }

  for (const service of services) start(service, 0);

  return {
    /** The current process of each service (a restart replaces it). */
    child: (name) => running.get(name),
    /** SIGTERM to every service, SIGKILL to any still there after the grace period. */
    async stop() {
      stopping = true;
      for (const timer of timers) clearTimeout(timer);
      const children = [...running.values()].filter((c) => c.exitCode === null && c.signalCode === null);
      for (const c of children) c.kill('SIGTERM');
      const kill = setTimeout(() => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')), STOP_GRACE_MS);
      await Promise.all(children.map((c) => (c.exitCode !== null || c.signalCode !== null ? null : new Promise((r) => c.once('exit', r)))));
      clearTimeout(kill);
    },
  };
}

module.exports = { superviseServices };
