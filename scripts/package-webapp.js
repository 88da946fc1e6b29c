#!/usr/bin/env node
/**
 * `npm run package:webapp`: the folder `teamsapp deploy` uploads to Azure App Service (.webapp/):
 * the built bot, its sign-in pages and production dependencies only (no TypeScript, test tools,
 * playground or toolkit CLI). Run after `npm run build`.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const { cpSync, existsSync, mkdirSync, rmSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const out = join(root, '.webapp');
if (!existsSync(join(root, 'lib/src/index.js'))) {
  console.error('✖ lib/src/index.js is missing: run `npm run build` first.');
  process.exit(1);
}
rmSync(out, { recursive: true, force: true });
mkdirSync(out);
cpSync(join(root, 'lib/src'), join(out, 'lib/src'), { recursive: true });
cpSync(join(root, 'public'), join(out, 'public'), { recursive: true });
for (const file of ['package.json', 'package-lock.json']) cpSync(join(root, file), join(out, file));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const result = spawnSync(npm, ['ci', '--omit=dev', '--no-audit', '--no-fund'], { cwd: out, stdio: 'inherit', env: { ...process.env, npm_config_yes: 'true' } });
if (result.status !== 0) process.exit(result.status ?? 1);
console.log(`✔ .webapp is ready to deploy (lib/src, public/, production dependencies).`);
