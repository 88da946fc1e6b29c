/**
 * Preloaded (`node --require`) into every server `npm run playground` starts: the server stops
 * when the playground script that started it is gone, even when that script was killed with
 * SIGKILL and could not stop its children itself. A killed parent leaves its children to be
 * adopted by another process, so the parent pid changes: then the server gets the SIGTERM the
 * playground would have sent (its own graceful stop), and exits anyway 5 s later if that hangs.
 * Only the playground loads this; the bot and the local services never import it.
 */
'use strict';
const parent = process.ppid;
const watch = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(watch);
  setTimeout(() => process.exit(1), 5_000).unref();
  process.kill(process.pid, 'SIGTERM');
}, 250);
// Watching must never keep a server alive by itself.
watch.unref();
