/**
 * Imported first by index.ts: on Node ≥ 22.1, V8's compiled code is kept on disk (os.tmpdir) and
 * reused by the next start of the same build, which shortens restarts on App Service. A no-op on
 * older Node versions.
 */
import * as nodeModule from 'node:module';

(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
