/**
 * The rules of the core protocol that the harness cases check, by name. A case lists the
 * rules it checks (`"rules": [...]`), and its failure quotes them, so that whoever fails
 * a case learns which rule their node broke; docs/golden.md lists the same rules.
 */
export const RULES: Readonly<Record<string, string>> = {
  addressing: 'each reply goes to the client that sent the request (its dest is the request\'s src), comes from the name the request was sent to (its src is the request\'s dest), and answers the request\'s msg_id in in_reply_to',
  grant: 'an allocate that fits is granted at once and whole: allocated, with resources listing each requested type in request order',
  queue: 'an allocate that does not fit is answered queued: available gives the free amount of each requested type, required the amount of the first one that does not fit; a waiting request holds nothing',
  'larger-than-capacity-waits': 'a request larger than the total capacity is queued like any other, not refused (capacity can grow)',
  fractional: 'amounts need not be whole numbers (up to 3 decimal places)',
  drain: 'after a release, each waiting request that now fits is granted, in arrival order, by an allocated message to its own client that answers its original msg_id; the grants come right after released',
  backfill: 'a request that fits is granted even while others wait: a newcomer, or a waiting request behind one that does not fit (a strict first-in-first-out queue fails this)',
  release: 'release answers released with the allocation\'s resources in resources_freed, and frees them for later requests; job_status is optional and any string',
  'release-twice': 'releasing an allocation a second time succeeds: released again, with the same resources_freed, freeing nothing more',
  errors: 'a request the node cannot accept gets an error (12 malformed, 10 unknown type, 20 unknown id), changes nothing, and the node carries on',
  jobs: 'submit_job: a new category needs concurrency_limit; queued counts this request\'s jobs that must wait; running and waiting are the category\'s totals after it',
};

/** The rules a learner cannot guess from the message formats alone: listed first in the docs. */
export const SURPRISING_RULES = ['backfill', 'release-twice', 'larger-than-capacity-waits'] as const;
