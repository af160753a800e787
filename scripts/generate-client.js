#!/usr/bin/env node
// Generates the Prisma client after `npm install`.
// Prisma's CLI would try to download its native schema engine, which this project never
// uses (migrations run through our own runner, authoring through the WASM engine);
// pointing PRISMA_SCHEMA_ENGINE_BINARY at a no-op only stops that download.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const prismaCli = require.resolve('prisma/build/index.js', { paths: [root] });
const result = spawnSync(process.execPath, [prismaCli, 'generate', '--schema', 'prisma/schema.prisma'], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.platform === 'win32' ? 'NUL' : '/bin/true',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
  },
});
if (result.status !== 0) {
  console.error('aftercare: prisma generate failed (exit %s)', result.status);
  process.exit(result.status ?? 1);
}
