import type { QueuedRequest } from '../../src/core/model.js';

let seq = 0;

/** A waiting request as the manager would build it, numbered in arrival order. */
export function waitingRequest(types: readonly number[], units: readonly number[], priority = 0, src = 'c'): QueuedRequest {
  seq++;
  return {
    src,
    msgId: seq,
    via: 'n',
    seq,
    types,
    units,
    options: priority === 0 ? undefined : { priority },
    deadline: -1,
    queuedAt: 0,
    bypassed: 0,
    reserved: false,
    slot: -1,
    group: undefined,
    filedBySource: false,
    tenant: 'c',
    account: undefined,
    lane: undefined,
  };
}
