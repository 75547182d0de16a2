// Evaluated in a running process by `tbpf trace attach` through the inspector, whose
// Runtime.evaluate offers `require` but not `import()`: load the trace host's ES module, start
// the host, then close the inspector again when this attach opened it (also on failure).
'use strict';
module.exports = (hostModuleUrl, options) =>
  import(hostModuleUrl)
    .then((m) => m.attachHost())
    .finally(() => {
      if (options?.closeInspector) setImmediate(() => require('node:inspector').close());
    });
