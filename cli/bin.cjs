#!/usr/bin/env node
// `npx async-endpoints`: runs the TypeScript CLI through tsx's require hook (tsx is a
// devDependency, so this works in a clone after `npm ci`).
'use strict';

require('tsx/cjs/api').register();
const { runCli } = require('./main.ts');
const { processIo } = require('./io.ts');

runCli(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error);
    process.exitCode = 70;
  },
);
