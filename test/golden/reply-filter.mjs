// Stands between resource-node and bin/golden to make a node with one habit of its own:
// `msg-id` numbers every reply with its own msg_id (as many Maelstrom nodes do), `extra-key`
// adds a key nobody asked for, `src-null` answers from "src": null.
import { createInterface } from 'node:readline';

const mode = process.argv[2];
let count = 0;
createInterface({ input: process.stdin }).on('line', (line) => {
  const m = JSON.parse(line);
  if (mode === 'msg-id') m.body.msg_id = ++count;
  else if (mode === 'extra-key') m.body.node = 'n1';
  else if (mode === 'src-null') m.src = null;
  process.stdout.write(`${JSON.stringify(m)}\n`);
});
