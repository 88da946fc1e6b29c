#!/usr/bin/env node
/**
 * F5 "Debug in Teams" helper: when .localConfigs points the bot at a loopback Q Business
 * endpoint (no AWS settings were given), run the local Q Business service; otherwise say which
 * real application the bot will use and exit. Plain Node: reads a dotenv file, nothing else.
 */
'use strict';
const { readFileSync, existsSync } = require('node:fs');
const { spawn } = require('node:child_process');
const { join } = require('node:path');

const file = join(__dirname, '..', process.argv[2] ?? '.localConfigs');
const settings = {};
if (existsSync(file)) {
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*)\s*$/.exec(line);
    if (match) settings[match[1]] = match[2].replace(/^"(.*)"$/, '$1');
  }
}
const endpoint = settings.AWS_ENDPOINT_URL_QBUSINESS ?? '';
const local = /^http:\/\/(127\.0\.0\.1|localhost)(:(\d+))?/.exec(endpoint);
if (!local) {
  console.log(`Using the Amazon Q Business application ${settings.AMAZON_Q_APP_ID ?? '(AMAZON_Q_APP_ID not set)'} in ${settings.AMAZON_Q_REGION ?? '(AMAZON_Q_REGION not set)'}.`);
  process.exit(0);
}
const port = local[3] ?? '8088';
const child = spawn(process.execPath, [join(__dirname, '..', 'lib/localdev/main.js'), '--port', port], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
