// Reference ticks from the npm package cron-parser, for tests/common/cron_peer_test.cc.
// Usage: node cron_peer.mjs --after ISO [--tz ZONE] [--count N] EXPR...
// Prints one line per expression: the next N ticks strictly after ISO as epoch milliseconds,
// separated by spaces, or "error <message>" when cron-parser rejects the expression.
// cron-parser is found through NODE_PATH (tools/npm/node_modules), as the e2e tests do.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { CronExpressionParser } = require('cron-parser');

function parseArgs(argv) {
  const opts = { after: null, tz: 'UTC', count: 20, exprs: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--after') opts.after = argv[++i];
    else if (a === '--tz') opts.tz = argv[++i];
    else if (a === '--count') opts.count = Number(argv[++i]);
    else opts.exprs.push(a);
  }
  if (!opts.after) throw new Error('--after ISO is required');
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
for (const expr of opts.exprs) {
  try {
    const it = CronExpressionParser.parse(expr, { currentDate: opts.after, tz: opts.tz });
    const ticks = [];
    for (let i = 0; i < opts.count; i++) ticks.push(it.next().getTime());
    console.log(ticks.join(' '));
  } catch (err) {
    console.log(`error ${String(err.message).replace(/\s+/g, ' ')}`);
  }
}
