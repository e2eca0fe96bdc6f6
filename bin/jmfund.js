#!/usr/bin/env node
// CommonJS (see bin/package.json): Node then starts without its ES module loader.
require('../dist/bundle/jmfund.cjs');
