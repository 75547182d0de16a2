#!/usr/bin/env node
// The conformance plugin has a bundle of its own (see build.mjs); what it leaves to the option
// parser (help, --json, a wrong option) goes to the whole CLI.
const plugin =
  process.argv[2] === 'conformance-plugin' ? await import('../dist/plugin/plugin.js') : undefined;
if (!(await plugin?.runPlugin(process.argv.slice(3)))) await import('../dist/main.js');
