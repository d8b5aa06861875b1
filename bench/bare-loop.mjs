// The throughput peer: the least a Node program speaking this protocol must do. It splits
// stdin into lines, parses each, and stringifies a reply of about the same size as the
// node's (the request's fields echoed back under a reply type), writing each input chunk's
// replies in one write. No validation, no ledger: the practical ceiling of a JSON-lines node.
let rest = '';

process.stdin.on('data', (chunk) => {
  const text = rest + chunk.toString('utf8');
  const out = [];
  let start = 0;
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
    const line = text.slice(start, nl);
    start = nl + 1;
    if (line.length === 0) continue;
    const m = JSON.parse(line);
    const { type, msg_id, ...fields } = m.body;
    out.push(JSON.stringify({ src: m.dest, dest: m.src, body: { type: `${type}_ok`, in_reply_to: msg_id, ...fields } }));
  }
  rest = text.slice(start);
  if (out.length > 0 && !process.stdout.write(`${out.join('\n')}\n`)) {
    process.stdin.pause();
    process.stdout.once('drain', () => process.stdin.resume());
  }
});
