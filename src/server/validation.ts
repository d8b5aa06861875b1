import type { ValidationError } from '../generated/validators.js';

/** The one rule for every integer field: exactly representable, so it is echoed as sent. */
export const SAFE_INTEGER_RULE = `must be a safe integer (from -${Number.MAX_SAFE_INTEGER} to ${Number.MAX_SAFE_INTEGER})`;

/**
 * One line naming the field and what is wrong with it, from ajv's first error:
 * `/requirements/0/amount` + exclusiveMinimum 0 -> `requirements[0].amount must be a positive number`.
 */
export function describeError(e: ValidationError): string {
  const path = fieldPath(e.instancePath);
  const p = e.params;
  const at = (field: string) => (path === '' ? field : `${path}.${field}`);
  // A bad key of a name-keyed object (propertyNames): name the key, not the object.
  if (e.propertyName !== undefined) return `${path} key ${JSON.stringify(e.propertyName)} ${keyProblem(e)}`;
  switch (e.keyword) {
    case 'required':
      return `${at(String(p.missingProperty))} is required`;
    case 'type':
      return `${path} must be ${article(String(p.type))}`;
    case 'exclusiveMinimum':
      return p.limit === 0 ? `${path} must be a positive number` : `${path} must be greater than ${String(p.limit)}`;
    case 'minimum':
    case 'maximum':
      if (Math.abs(Number(p.limit)) === Number.MAX_SAFE_INTEGER) return `${path} ${SAFE_INTEGER_RULE}`;
      return `${path} must be ${e.keyword === 'minimum' ? 'at least' : 'at most'} ${String(p.limit)}`;
    case 'multipleOf':
      return `${path} must be a multiple of ${String(p.multipleOf)}`;
    case 'minItems':
      return p.limit === 1 ? `${path} must not be empty` : `${path} must have at least ${String(p.limit)} items`;
    case 'minProperties':
      return p.limit === 1 ? `${path} must not be empty` : `${path} must have at least ${String(p.limit)} entries`;
    case 'maxProperties':
      return `${path} must have at most ${String(p.limit)} entries`;
    case 'maxItems':
      return `${path} must have at most ${String(p.limit)} items`;
    case 'minLength':
      return p.limit === 1 ? `${path} must not be empty` : `${path} must be at least ${String(p.limit)} characters`;
    case 'maxLength':
      return `${path} must be at most ${String(p.limit)} characters`;
    case 'const':
      return `${path} must be ${JSON.stringify(p.allowedValue)}`;
    case 'enum':
      return `${path} must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'additionalProperties':
      return `${at(String(p.additionalProperty))} is not allowed`;
    default:
      return `${path === '' ? 'body' : path} ${e.message ?? 'is invalid'}`;
  }
}

function keyProblem(e: ValidationError): string {
  if (e.keyword === 'minLength') return 'must not be empty';
  if (e.keyword === 'maxLength') return `must be at most ${String(e.params.limit)} characters`;
  return e.message ?? 'is invalid';
}

/** `/requirements/0/amount` -> `requirements[0].amount`; JSON pointer escapes undone. */
export function fieldPath(pointer: string): string {
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^[0-9]+$/.test(seg) ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  }
  return out;
}

function article(type: string): string {
  if (type === 'integer') return 'an integer';
  if (type === 'object' || type === 'array') return `an ${type}`;
  return `a ${type}`;
}
