import type { OwedEvent } from '../core/events.js';
import { ERRORS } from '../protocol/errors.js';
import type { Outgoing } from '../protocol/reply.js';
import { allocatedFields, heldAmounts, reservedFields, type TypeNames } from './bodies.js';

/** The message an event owes its client. */
export function eventMessage(e: OwedEvent, names: TypeNames): Outgoing {
  switch (e.kind) {
    case 'granted': {
      const a = e.allocation;
      return { dest: a.src, via: a.via, type: 'allocated', inReplyTo: a.msgId, fields: allocatedFields(names, a) };
    }
    case 'timed_out': {
      const w = e.request;
      const text = `${w.options?.holdMs === undefined ? 'allocate' : 'reserve'} timed out after ${w.options?.timeoutMs ?? 0} ms waiting for resources`;
      return { dest: w.src, via: w.via, type: 'error', inReplyTo: w.msgId, fields: { code: ERRORS.timeout.code, text } };
    }
    case 'lease_expired': {
      const a = e.allocation;
      const fields = { allocation_id: a.id, resources_freed: heldAmounts(names, a.types, a.units) };
      return { dest: a.src, via: a.via, type: 'lease_expired', fields };
    }
    case 'job_started': {
      const j = e.job;
      return { dest: j.src, via: j.via, type: 'job_started', fields: { category: j.category, job_id: j.id } };
    }
    case 'preempt_notice': {
      const a = e.allocation;
      return { dest: a.src, via: a.via, type: 'preempt_notice', fields: { allocation_id: a.id, grace_ms: e.graceMs } };
    }
    case 'preempted': {
      const a = e.allocation;
      const fields = { allocation_id: a.id, resources_freed: heldAmounts(names, a.types, a.units), by: e.by };
      return { dest: a.src, via: a.via, type: 'preempted', fields };
    }
    case 'reserved': {
      const r = e.reservation;
      // Made just now: its whole hold is ahead of it.
      return { dest: r.src, via: r.via, type: 'reserved', inReplyTo: r.msgId, fields: reservedFields(names, r, r.hold.ms) };
    }
    case 'reservation_expired': {
      const r = e.reservation;
      return { dest: r.src, via: r.via, type: 'reservation_expired', fields: { reservation_id: r.id, resources_freed: heldAmounts(names, r.types, r.units) } };
    }
  }
}
