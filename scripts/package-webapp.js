#!/usr/bin/env node
/**
 * `npm run package:webapp [-- --out <folder>]`: the folder `teamsapp deploy` uploads to Azure App
 * Service (.webapp/ by default): the bot bundled into one file with esbuild, the sign-in pages
 * (public/), and only the packages that cannot be bundled. Run after `npm run build`.
 *
 * The bundle keeps the built layout (lib/src/index.js next to ../../public), so the start command
 * is the same as `npm start`: `node lib/src/index.js`.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { parseArgs } = require('node:util');

/**
 * Packages left out of the bundle. `install: true` ships them in node_modules (at the version in
 * package-lock.json); `install: false` leaves them out entirely because the code that requires
 * them falls back when they are missing. Adding a package here is the one change needed to stop
 * bundling it (e.g. one that loads files next to itself at run time).
 */
const EXTERNAL_PACKAGES = [
  // restify's optional DTrace probes: a native addon; restify uses no-op probes without it.
  { name: 'dtrace-provider', install: false },
];

/**
 * Packages replaced in the bundle by a stub that throws if anything calls it: code the Teams AI
 * library loads eagerly but this bot never runs. Leaving one out of this list bundles it again.
 */
const STUBBED_PACKAGES = [
  // The Teams AI library's tokenizers, used only by its LLM planners (this bot has none): ~1.7 MB,
  // and its encoding tables cost start-up time.
  'gpt-tokenizer',
  // Microsoft Recognizers (number, date-time, choice): used by botbuilder-dialogs' prompts, which
  // the Teams AI library loads for its own sign-in flow; this bot signs people in itself
  // (src/features/signIn/signInFlow.ts) and runs no prompt. ~5 MB, and the largest part of start-up.
  '@microsoft/recognizers-text',
  '@microsoft/recognizers-text-choice',
  '@microsoft/recognizers-text-date-time',
  '@microsoft/recognizers-text-number',
  '@microsoft/recognizers-text-number-with-unit',
  '@microsoft/recognizers-text-sequence',
  '@microsoft/recognizers-text-suite',
];

const root = join(__dirname, '..');
const { values } = parseArgs({ options: { out: { type: 'string', default: join(root, '.webapp') } } });
const out = resolve(values.out);
const entry = join(root, 'lib/src/index.js');
if (!existsSync(entry)) {
  console.error('✖ lib/src/index.js is missing: run `npm run build` first.');
  process.exit(1);
}

async function main() {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const nodeMajor = /(\d+)/.exec(rootPackage.engines?.node ?? '')?.[1] ?? '20';

  // The bot, and `npm run doctor` for the App Service console (src/doctor/main.ts), each one file.
  for (const [from, to] of [[entry, 'lib/src/index.js'], [join(root, 'lib/src/doctor/main.js'), 'lib/src/doctor/main.js']]) await require('esbuild').build({
    entryPoints: [from],
    outfile: join(out, to),
    bundle: true,
    platform: 'node',
    target: `node${nodeMajor}`,
    format: 'cjs',
    external: EXTERNAL_PACKAGES.map((external) => external.name),
    plugins: [stubPackages(STUBBED_PACKAGES)],
    // Whitespace and syntax only: identifiers stay, so error names and stack traces stay readable.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'linked',
    logLevel: 'warning',
  });
  cpSync(join(root, 'public'), join(out, 'public'), { recursive: true });

  const installed = EXTERNAL_PACKAGES.filter((external) => external.install).map((external) => external.name);
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const dependencies = Object.fromEntries(installed.map((name) => [name, lock.packages?.[`node_modules/${name}`]?.version ?? '*']));
  const webappPackage = {
    name: rootPackage.name,
    version: rootPackage.version,
    private: true,
    engines: rootPackage.engines,
    // App Service runs `node lib/src/index.js` directly (infra/azure.bicep); this is for humans.
    scripts: { start: 'node lib/src/index.js', doctor: 'node lib/src/doctor/main.js' },
    dependencies,
  };
  writeFileSync(join(out, 'package.json'), `${JSON.stringify(webappPackage, null, 2)}\n`);
  if (installed.length > 0) {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const result = spawnSync(npm, ['install', '--omit=dev', '--no-audit', '--no-fund', '--no-package-lock'], { cwd: out, stdio: 'inherit', env: { ...process.env, npm_config_yes: 'true' } });
    if (result.status !== 0) process.exit(result.status ?? 1);
  }

  const { bytes, files } = folderSize(out);
  console.log(`✔ ${out} is ready to deploy: ${(bytes / 1e6).toFixed(1)} MB in ${files} files (bundle, public/${installed.length ? `, ${installed.join(', ')}` : ''}).`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

function stubPackages(names) {
  const pattern = new RegExp(`^(${names.map((name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})(/.*)?$`);
  return {
    name: 'stub-unused-packages',
    setup(build) {
      build.onResolve({ filter: pattern }, (args) => ({ path: args.path, namespace: 'stubbed-package' }));
      build.onLoad({ filter: /.*/, namespace: 'stubbed-package' }, (args) => ({
        contents: `const fail = () => { throw new Error(${JSON.stringify(`${args.path} is left out of the deploy bundle (scripts/package-webapp.js STUBBED_PACKAGES)`)}); };
module.exports = new Proxy({}, { get: (_target, name) => (name === '__esModule' ? false : fail) });`,
        loader: 'js',
      }));
    },
  };
}

function folderSize(folder) {
  let total = { bytes: 0, files: 0 };
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    const stat = statSync(path);
    if (stat.isDirectory()) {
      const inner = folderSize(path);
      total = { bytes: total.bytes + inner.bytes, files: total.files + inner.files };
    } else total = { bytes: total.bytes + stat.size, files: total.files + 1 };
  }
  return total;
}
