#!/usr/bin/env node
// CommonJS (bin/package.json), which Node starts faster than a module. The two paths whose
// start-up is everything run without the whole CLI: `--version`, and the conformance plugin on
// the interpreter (a CommonJS bundle of its own, see build.mjs; the upstream runner starts a
// process per test). Everything else, and what the plugin leaves to the option parser, goes to
// the whole CLI's module bundle.
const { writeSync } = require('node:fs');

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  try {
    writeSync(1, `${require('../package.json').version}\n`);
  } catch (e) {
    if (e.code !== 'EPIPE') throw e;
  }
} else {
  const plugin = args[0] === 'conformance-plugin' ? require('../dist/plugin.cjs') : undefined;
  Promise.resolve(plugin?.runPlugin(args.slice(1))).then((ran) => {
    if (!ran) return import('../dist/main.js');
  });
}
